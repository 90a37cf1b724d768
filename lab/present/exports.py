"""An export's result as a face shows it ({path, size, warnings}): where it went, its size, what to know."""

from __future__ import annotations

import html as _html

from lab.units import format_bytes

MERGING = "Merging… the base loads in fp32 and the adapter is merged into it (this takes a while)."


def size(n: int) -> str:
    return format_bytes(n) if n >= 2**20 else f"{n / 2**10:.0f} KiB"  # a tiny model's export is well under a MiB


def text(result: dict) -> str:
    return "\n".join([f"Exported to {result['path']} ({size(result['size'])}).",
                      *(f"Warning: {warning}" for warning in result["warnings"])])


def markdown(result: dict) -> str:
    """The app's line: the size only (the file is the download; no server path)."""
    return "\n\n".join([f"Merged model, zipped: **{size(result['size'])}**.",
                        *(f"⚠️ **Warning:** {warning}" for warning in result["warnings"])])


def html(result: dict) -> str:
    return "<br>".join([f"Saved <code>{_html.escape(result['path'])}</code> ({size(result['size'])})",
                        *(f"<b>Warning:</b> {_html.escape(warning)}" for warning in result["warnings"])])
