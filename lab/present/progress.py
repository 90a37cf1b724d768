"""A run's progress (lab.progress): state, step of max, losses, speed, ETA, and the error with its fix."""

from __future__ import annotations

import html as _html
import time

from lab.present.data import line as data_line


def waiting(p: dict) -> str | None:
    """What a queued run waits for, in words."""
    holder = p.get("waiting_for")
    if not holder:
        return None
    where = f" in workspace {holder['workspace']}" if holder.get("workspace") else ""
    return f"waits for run {holder['run']}{where} to free the device"


def _parts(p: dict) -> list[str]:
    parts = [f"step {p['step']}/{p['max_steps'] or '?'}"]
    if waiting(p):
        parts.insert(0, waiting(p))
    if p.get("phase") == "report":
        parts.append("writing the before/after report")
    if p.get("report_pending"):
        parts.append("report pending")
    if p["loss"] is not None:
        parts.append(f"loss {p['loss']:.4f}")
    if p["eval_loss"] is not None:
        parts.append(f"validation loss {p['eval_loss']:.4f}")
    if p["tokens_per_s"]:
        parts.append(f"{p['tokens_per_s']:.0f} tokens/s")
    if p["eta_s"] is not None:
        parts.append(f"ETA {time.strftime('%M:%S', time.gmtime(p['eta_s']))}")
    return parts


def markdown(p: dict | None) -> str:
    if not p:
        return "No run yet: pick a method and press Start."
    text = " · ".join([f"**{p['id']}** — {p['state']}", *_parts(p)])
    if p.get("data"):  # the data it trains on: "chitchat.json: 270 train / 30 validation, ShareGPT"
        text += f"\n\n**Data:** {_html.escape(data_line(p['data']), quote=False)}"
    if p["error"]:
        text += f"\n\n**Error:** {p['error']}\n\n**Fix:** {p['hint'] or ''}"
    return text


def html(p: dict | None) -> str:
    if not p:
        return "<i>No run yet: pick a method and press Start.</i>"
    text = " · ".join([f"<b>{_html.escape(p['id'])}</b> — {_html.escape(p['state'])}", *_parts(p)])
    if p.get("data"):
        text += f"<br><b>Data:</b> {_html.escape(data_line(p['data']))}"
    if p["error"]:
        text += f"<br><b>Error:</b> {_html.escape(p['error'])}<br><b>Fix:</b> {_html.escape(p['hint'] or '')}"
    return text


def text(p: dict) -> str:
    text = f"{p['id']} — {p['state']} · " + " · ".join(_parts(p))
    if p["error"]:
        text += f"\nerror: {p['error']}\nFix: {p['hint'] or ''}"
    return text
