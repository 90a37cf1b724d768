"""A run's estimate (lab.estimate_run, Estimate.to_dict()): trainable parameters, memory by part, time, and the
ranked fixes when it will not fit."""

from __future__ import annotations

import html as _html

from lab.present.data import line as data_line
from lab.units import format_bytes, format_seconds

FIX_COLUMNS = ["#", "fix", "peak", "fits", "time"]


PARTS = {"start": "start", "training": "training", "evaluations": "evaluations", "answers": "answers (samples, report)",
         "checkpoints": "checkpoints", "finish": "result and report"}


def parts(e: dict) -> str:
    """Where the time goes, everything the run will do counted: "; start 9 s, training 41 s, ..." ("" for none)."""
    parts = e.get("parts") or {}
    shown = [f"{label} {format_seconds(parts[name])}" for name, label in PARTS.items() if parts.get(name, 0) >= 0.5]
    return "; " + ", ".join(shown) if shown else ""


def view(e: dict) -> dict:
    """Summary lines, the memory table, and the fixes as rows."""
    memory = [[part, format_bytes(n)] for part, n in e["memory"].items()]
    memory.append(["peak", f"{format_bytes(e['peak_bytes'])} of {format_bytes(e['free_bytes'])} free on "
                           f"{e['device']}: {'fits' if e['fits'] else 'does not fit'}"])
    return {
        "trainable": f"{e['trainable_params']:,} of {e['total_params']:,} parameters train "
                     f"({100 * e['trainable_share']:.2f} %)",
        "memory": memory,
        "time": f"about {format_seconds(e['seconds'])} ({e['steps']} steps, {e['tokens']:,} tokens{parts(e)})",
        "fixes": [[i, f["fix"], format_bytes(f["peak_bytes"]), "yes" if f["fits"] else "no",
                   format_seconds(f["seconds"])] for i, f in enumerate(e["fixes"], 1)],
        "precision": precision_line(e),
        "warnings": e.get("warnings") or [],
        "data": data_line(e.get("data")),  # "chitchat.json: 270 train / 30 validation, ShareGPT"
    }


def precision_line(e: dict) -> str:
    """What the run trains in and why; what a 4-bit base would save and cost here."""
    if not e.get("precision"):
        return ""
    line = e["precision"] + (f" ({e['precision_reason']})" if e.get("precision_reason") else "")
    q = e.get("quantised")
    if q:
        saved = e["peak_bytes"] - q["peak_bytes"]
        line += (f". On a 4-bit base: peak {format_bytes(q['peak_bytes'])} "
                 f"({'saves ' + format_bytes(saved) if saved > 0 else 'no saving'}), about "
                 f"{format_seconds(q['seconds'])} ({q['seconds'] / max(e['seconds'], 1e-9):.1f}x the time)")
    return line + "."


def _markdown(e: dict, bold, escape=str) -> str:
    v = view(e)
    precision = f"{bold('Precision:')} {v['precision']}\n\n" if v["precision"] else ""
    warnings = "".join(f"{bold('Warning:')} {w}\n\n" for w in v["warnings"])
    data = f"{bold('Data:')} {escape(v['data'])}\n\n" if v["data"] else ""
    text = (f"{warnings}{data}{bold('Trainable:')} {v['trainable']}\n\n{precision}| memory | estimate |\n|---|---|\n"
            + "".join(f"| {part} | {size} |\n" for part, size in v["memory"]) + f"\n{bold('Time:')} {v['time']}")
    if v["fixes"]:
        text += (f"\n\n{bold('Will not fit. Fixes, cheapest first:')}\n\n| " + " | ".join(FIX_COLUMNS) + " |\n"
                 + "|---" * len(FIX_COLUMNS) + "|\n"
                 + "".join("| " + " | ".join(map(str, row)) + " |\n" for row in v["fixes"]))
    return text


def markdown(e: dict) -> str:
    return _markdown(e, lambda s: f"**{s}**", lambda s: _html.escape(s, quote=False))


def text(e: dict) -> str:
    """The markdown tables without emphasis: they read well in a terminal."""
    return _markdown(e, lambda s: s)


def html(e: dict) -> str:
    v = view(e)

    def table(head, rows):
        cells = "".join("<tr>" + "".join(f"<td>{_html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        return "<table><tr>" + "".join(f"<th>{_html.escape(h)}</th>" for h in head) + f"</tr>{cells}</table>"

    precision = f"<br><b>Precision:</b> {_html.escape(v['precision'])}" if v["precision"] else ""
    warnings = "".join(f"<b>Warning:</b> {_html.escape(w)}<br>" for w in v["warnings"])
    warnings += f"<b>Data:</b> {_html.escape(v['data'])}<br>" if v["data"] else ""
    page = (f"{warnings}<b>Trainable:</b> {_html.escape(v['trainable'])}{precision}{table(['memory', 'estimate'], v['memory'])}"
            f"<b>Time:</b> {_html.escape(v['time'])}")
    if v["fixes"]:
        page += f"<br><b>Will not fit. Fixes, cheapest first:</b>{table(FIX_COLUMNS, v['fixes'])}"
    return page
