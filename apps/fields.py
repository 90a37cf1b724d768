"""The page's number fields. A browser sends them numbers only; a request through the API may send any JSON value,
which Gradio's own fields fail on with a bare "Error" (and a traceback in the console): these refuse it with a
message instead."""

from __future__ import annotations

import gradio as gr


def number(payload, label: str | None):
    """The payload when it is a number (or empty), else the message a page shows."""
    if payload is None or isinstance(payload, (int, float)):
        return payload
    raise gr.Error(f"{label or 'This field'} must be a number, not {repr(payload)[:60]}.", print_exception=False)


class Number(gr.Number):
    def preprocess(self, payload):
        return super().preprocess(number(payload, self.label))


class Slider(gr.Slider):
    def preprocess(self, payload):
        return super().preprocess(number(payload, self.label))
