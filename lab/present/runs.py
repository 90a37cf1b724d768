"""The run store as each face lists it (lab.list_runs summaries), a run's details, and what an action on a run
says it did."""

from __future__ import annotations

import html as _html
import json

from lab.present import progress, report

COLUMNS = ["id", "state", "task", "method", "model", "precision", "step", "max_steps", "loss", "best_eval_loss",
           "eval_rougeL", "accuracy", "verdict", "message"]


def state(summary: dict) -> str:
    """The state, with the queue position while a run waits."""
    position = summary.get("queue_position")
    return f"queued #{position}" if position else summary["state"]


def message(summary: dict) -> str:
    """What a row needs said: a failed or damaged run's error and fix, the run a queued one waits for, or damage
    that left the run its state (and what to do about it); empty otherwise."""
    if summary.get("error"):
        return f"{summary['error']} Fix: {summary.get('hint') or '-'}"
    if waits := progress.waiting(summary):
        return waits
    if damage := summary.get("damage"):
        return f"{damage['what']} Fix: {damage['fix']}"
    return ""


def _round(value):
    return round(value, 4) if isinstance(value, float) else value


def table(summaries: list[dict]) -> list[list]:
    """Rows in COLUMNS order."""
    cells = {"state": state, "message": message}
    return [[cells[c](s) if c in cells else _round(s.get(c)) for c in COLUMNS] for s in summaries]


def html(summaries: list[dict]) -> str:
    if not summaries:
        return "<i>No runs yet.</i>"
    head = "".join(f"<th>{c}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{_html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in table(summaries))
    return f"<table><tr>{head}</tr>{body}</table>"


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def text(summaries: list[dict]) -> str:
    if not summaries:
        return "No runs yet. Start one with `lab train`."
    lines = [f"{'run':36} {'state':10} {'method':14} {'steps':>11} {'loss':>8} {'val loss':>8}  vs base"]
    for r in summaries:
        steps = f"{r['step']}/{r['max_steps'] or '?'}"
        lines.append(f"{r['id']:36} {state(r):10} {r['method'] or '-':14} {steps:>11} {_fmt(r['loss'], '8.4f')} "
                     f"{_fmt(r['best_eval_loss'], '8.4f')}  {r.get('verdict') or '-'}")
        if r["error"] and r["state"] in ("failed", "damaged"):
            lines.append(f"    error: {r['error']}  fix: {r['hint']}")
        elif message(r):
            lines.append(f"    {message(r)}")
    return "\n".join(lines)


def _settings(details: dict) -> dict:
    return {k: v for k, v in details.items() if k != "report"}


def details_html(details: dict) -> str:
    """The run's before/after report, then its status, settings and summary."""
    return (report.html(details.get("report")) +
            f"<pre>{_html.escape(json.dumps(_settings(details), indent=2, default=str))}</pre>")


def details_text(details: dict) -> str:
    return json.dumps(_settings(details), indent=2, default=str) + "\n\n" + report.text(details.get("report"))


def stopping(summary: dict) -> str:
    return f"Stopping {summary['id']}: it saves a checkpoint and its adapter first."


def resumed(summary: dict) -> str:
    """Which checkpoint the run continues from, and the newer ones it passed over (not whole) with what they lack."""
    text = f"Resuming {summary['id']} from {summary.get('checkpoint') or 'the start (no checkpoint yet)'}."
    passed = "; ".join(f"{p['checkpoint']} (no {', '.join(p['missing'])})" for p in summary.get("passed") or [])
    return text + (f" Passed over the checkpoints that are not whole: {passed}." if passed else "")


def deleted(run_id: str) -> str:
    return f"Deleted {run_id}."
