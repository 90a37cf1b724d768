"""A LabError's message (what, why, fix) as each face shows it."""

from __future__ import annotations

import html as _html


def html(message: str) -> str:
    """For a panel: red, one line per part."""
    lines = "<br>".join(_html.escape(line) for line in message.splitlines())
    return f"<div style='color:#b91c1c'><b>Error:</b> {lines}</div>"


def markdown(message: str) -> str:
    """For a Gradio message box, which renders HTML: line breaks kept, markup in the message escaped."""
    return "<br>".join(_html.escape(line, quote=False) for line in message.splitlines())


def text(message: str) -> str:
    return f"error: {message}"
