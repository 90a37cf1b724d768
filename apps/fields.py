"""The page's fields that refuse a bad value quietly. A browser sends only what a field offers; a request through
the API may send any JSON value, which Gradio's own fields refuse with a traceback in the console (a choice not
offered), or with a bare "Error" and a traceback (a number field given text). These refuse it with a message and
log nothing: it is the visitor's error, not the lab's."""

from __future__ import annotations

import math

import gradio as gr


def number(payload, label: str | None):
    """The payload when it is a finite number (or empty), else the message a page shows. JSON has no NaN, but
    the server's parser reads a bare NaN or Infinity in a request's body as one."""
    if payload is None or type(payload) in (int, float) and math.isfinite(payload):  # bool is no number here
        return payload
    raise gr.Error(f"{label or 'This field'} must be a number, not {repr(payload)[:60]}.", print_exception=False)


class _Quiet:
    """Gradio's refusal of a value (not among the choices, out of bounds), without the console traceback."""

    def preprocess(self, payload):
        try:
            return super().preprocess(payload)
        except gr.Error as refusal:
            raise gr.Error(refusal.message, print_exception=False) from None


class Number(_Quiet, gr.Number):
    def preprocess(self, payload):
        return super().preprocess(number(payload, self.label))


class Slider(_Quiet, gr.Slider):
    def preprocess(self, payload):
        return super().preprocess(number(payload, self.label))


class Dropdown(_Quiet, gr.Dropdown):
    pass


class Radio(_Quiet, gr.Radio):
    pass


class CheckboxGroup(_Quiet, gr.CheckboxGroup):
    pass
