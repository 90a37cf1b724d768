"""Presentation logic shared by the Gradio app and the Jupyter panels, as plain data (no UI imports)."""

from __future__ import annotations

import difflib
import html
import time
from dataclasses import fields

from lab.methods import METHODS
from lab.runs.store import FINAL, Run, list_runs, queue_position

RUN_COLUMNS = ["id", "state", "task", "method", "model", "precision", "step", "max_steps", "loss", "best_eval_loss",
               "eval_rougeL", "accuracy"]


def runs_table(root=None) -> list[list]:
    """One row per run, newest first, in RUN_COLUMNS order; the state says the queue position."""
    rows = []
    for run in list_runs(root):
        summary = run.summary()
        position = queue_position(run, root)
        if position:
            summary["state"] = f"queued #{position}"
        rows.append([_round(summary[c]) for c in RUN_COLUMNS])
    return rows


def finished_run_ids(root=None, task: str | None = None) -> list[str]:
    """Runs with a saved result, newest first; only those of `task` (chat or classify) when given."""
    return [r.id for r in list_runs(root) if (r.adapter_dir / "README.md").exists()
            and task in (None, r.config.get("task", "chat"))]


def latest_active_run(root=None) -> Run | None:
    """The run a page re-attaches to after a refresh or restart: the newest one still training or waiting."""
    return next((r for r in list_runs(root) if r.state not in FINAL), None)


def loss_curve(run: Run) -> list[dict]:
    """Points for a line plot: {step, loss, series} with series 'train' or 'validation'."""
    points = [{"step": e["step"], "loss": e["loss"], "series": "train"} for e in run.events("train")]
    points += [{"step": e["step"], "loss": e["eval_loss"], "series": "validation"} for e in run.events("eval")]
    return points


def progress(run: Run, root=None) -> dict:
    """What a progress bar shows: state, step of max, fraction, ETA, latest losses, error and hint."""
    status = run.status()
    train, evals = run.events("train"), run.events("eval")
    start = run.events("start")
    max_steps = start[-1]["max_steps"] if start else None
    step = train[-1]["step"] if train else 0
    state = status["state"]
    position = queue_position(run, root) if state == "queued" else None
    return {
        "id": run.id,
        "state": f"queued #{position}" if position else state,
        "step": step,
        "max_steps": max_steps,
        "fraction": step / max_steps if max_steps else 0.0,
        "eta_s": train[-1].get("eta_s") if train and state == "running" else None,
        "loss": train[-1]["loss"] if train else None,
        "eval_loss": evals[-1]["eval_loss"] if evals else None,
        "tokens_per_s": train[-1].get("tokens_per_s") if train else None,
        "error": status.get("error"),
        "hint": status.get("hint"),
    }


def progress_text(p: dict) -> str:
    parts = [f"**{p['id']}** — {p['state']}", f"step {p['step']}/{p['max_steps'] or '?'}"]
    if p["loss"] is not None:
        parts.append(f"loss {p['loss']:.4f}")
    if p["eval_loss"] is not None:
        parts.append(f"validation loss {p['eval_loss']:.4f}")
    if p["tokens_per_s"]:
        parts.append(f"{p['tokens_per_s']:.0f} tokens/s")
    if p["eta_s"] is not None:
        parts.append(f"ETA {time.strftime('%M:%S', time.gmtime(p['eta_s']))}")
    text = " · ".join(parts)
    if p["error"]:
        text += f"\n\n**Error:** {p['error']}\n\n**Fix:** {p['hint'] or ''}"
    return text


def method_help(method: str) -> str:
    cls = METHODS[method]
    lines = [f"**{method}**: {cls.summary}"]
    lines += [f"- `{f.name}` ({f.default!r}): {f.metadata.get('help', '')}" for f in fields(cls)]
    return "\n".join(lines)


def method_defaults_text(method: str) -> str:
    """'key: value' lines a user edits in a form; parse_settings reads them back."""
    return "\n".join(f"{f.name}: {'' if f.default is None else f.default}" for f in fields(METHODS[method]))


def parse_settings(text: str) -> dict:
    """Read 'key: value' lines as YAML, dropping empty values (= the method's default)."""
    import yaml

    from lab.errors import LabError

    try:
        data = yaml.safe_load(text or "") or {}
    except yaml.YAMLError as exc:
        raise LabError("The method settings are not valid 'key: value' lines.", str(exc).splitlines()[0],
                       "Write one setting per line, such as 'r: 16'.") from exc
    if not isinstance(data, dict):
        raise LabError("The method settings must be 'key: value' lines.", "", "Write one setting per line.")
    return {k: v for k, v in data.items() if v is not None}


def diff_html(base: str, other: str) -> str:
    """`other` with the words that differ from `base` highlighted."""
    a, b = base.split(), other.split()
    out = []
    for op, _, _, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        words = html.escape(" ".join(b[j1:j2]))
        out.append(words if op == "equal" else f"<mark>{words}</mark>")
    return " ".join(w for w in out if w)


def compare_html(rows: list[dict]) -> str:
    """Columns per model, a row per prompt; tuned answers mark where they differ from the base."""
    if not rows:
        return ""
    labels = list(rows[0]["answers"])
    head = "".join(f"<th>{html.escape(label)}</th>" for label in labels)
    body = ""
    for row in rows:
        base = row["answers"].get("base", "")
        cells = "".join(
            f"<td>{html.escape(row['answers'][label]) if label == 'base' else diff_html(base, row['answers'][label])}</td>"
            for label in labels)
        body += f"<tr><td><b>{html.escape(row['prompt'])}</b></td>{cells}</tr>"
    return (f"<table class='lab-compare'><thead><tr><th>prompt</th>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _round(value):
    return round(value, 4) if isinstance(value, float) else value


def loss_svg(points: list[dict], width: int = 560, height: int = 220) -> str:
    """The loss curve as a small inline SVG (train: line, validation: dots), for faces without a plot library."""
    if not points:
        return "<i>No loss yet.</i>"
    pad = 36
    steps = [p["step"] for p in points]
    losses = [p["loss"] for p in points]
    x0, x1 = min(steps), max(max(steps), min(steps) + 1)
    y0, y1 = min(losses), max(max(losses), min(losses) + 1e-6)

    def xy(p):
        x = pad + (p["step"] - x0) / (x1 - x0) * (width - 2 * pad)
        y = height - pad - (p["loss"] - y0) / (y1 - y0) * (height - 2 * pad)
        return f"{x:.1f},{y:.1f}"

    train = " ".join(xy(p) for p in points if p["series"] == "train")
    dots = "".join(f"<circle cx='{xy(p).split(',')[0]}' cy='{xy(p).split(',')[1]}' r='4' fill='#2563eb'/>"
                   for p in points if p["series"] == "validation")
    return (f"<svg width='{width}' height='{height}' style='font: 11px sans-serif'>"
            f"<rect x='{pad}' y='{pad}' width='{width - 2 * pad}' height='{height - 2 * pad}' fill='none' stroke='#ddd'/>"
            f"<polyline points='{train}' fill='none' stroke='#f97316' stroke-width='2'/>{dots}"
            f"<text x='{pad}' y='{pad - 8}'>{y1:.3f}</text><text x='{pad}' y='{height - 8}'>{y0:.3f}</text>"
            f"<text x='{width - pad - 60}' y='{height - 8}'>step {x1}</text>"
            f"<text x='{width - pad - 150}' y='{pad - 8}' fill='#f97316'>train</text>"
            f"<text x='{width - pad - 90}' y='{pad - 8}' fill='#2563eb'>validation</text></svg>")


def error_html(message: str) -> str:
    """A LabError's message (what, why, fix) as HTML for a panel."""
    lines = "<br>".join(html.escape(line) for line in message.splitlines())
    return f"<div style='color:#b91c1c'><b>Error:</b> {lines}</div>"


def estimate_view(estimate) -> dict:
    """A run's estimate (lab.runs.estimate.Estimate) as plain data: summary lines, the memory table, and the
    ranked fixes when it will not fit."""
    from lab.runs.estimate import format_bytes, format_seconds

    e = estimate
    memory = [[part, format_bytes(n)] for part, n in e.memory.items()]
    memory.append(["peak", f"{format_bytes(e.peak_bytes)} of {format_bytes(e.free_bytes)} free on {e.device}: "
                           f"{'fits' if e.fits else 'does not fit'}"])
    return {
        "trainable": f"{e.trainable_params:,} of {e.total_params:,} parameters train "
                     f"({100 * e.trainable_share:.2f} %)",
        "memory": memory,
        "time": f"about {format_seconds(e.seconds)} ({e.steps} steps, {e.tokens:,} tokens)",
        "fits": e.fits,
        "fixes": [[i, f.label, format_bytes(f.estimate.peak_bytes), "yes" if f.estimate.fits else "no",
                   format_seconds(f.estimate.seconds)] for i, f in enumerate(e.fixes, 1)],
    }


FIX_COLUMNS = ["#", "fix", "peak", "fits", "time"]


def estimate_markdown(estimate) -> str:
    v = estimate_view(estimate)
    text = (f"**Trainable:** {v['trainable']}\n\n| memory | estimate |\n|---|---|\n"
            + "".join(f"| {part} | {size} |\n" for part, size in v["memory"]) + f"\n**Time:** {v['time']}")
    if v["fixes"]:
        text += ("\n\n**Will not fit. Fixes, cheapest first:**\n\n| " + " | ".join(FIX_COLUMNS) + " |\n"
                 + "|---" * len(FIX_COLUMNS) + "|\n" + "".join("| " + " | ".join(map(str, row)) + " |\n"
                                                             for row in v["fixes"]))
    return text


def estimate_html(estimate) -> str:
    v = estimate_view(estimate)

    def table(head, rows):
        cells = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        return ("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + f"</tr>{cells}</table>")

    text = f"<b>Trainable:</b> {html.escape(v['trainable'])}{table(['memory', 'estimate'], v['memory'])}" \
           f"<b>Time:</b> {html.escape(v['time'])}"
    if v["fixes"]:
        text += f"<br><b>Will not fit. Fixes, cheapest first:</b>{table(FIX_COLUMNS, v['fixes'])}"
    return text
