"""The run store as each face lists it (lab.list_runs summaries), a run's details, and what an action on a run
says it did."""

from __future__ import annotations

import html as _html
import json

from lab.present import report

COLUMNS = ["id", "state", "task", "method", "model", "precision", "step", "max_steps", "loss", "best_eval_loss",
           "eval_rougeL", "accuracy", "verdict"]


def state(summary: dict) -> str:
    """The state, with the queue position while a run waits."""
    position = summary.get("queue_position")
    return f"queued #{position}" if position else summary["state"]


def _round(value):
    return round(value, 4) if isinstance(value, float) else value


def table(summaries: list[dict]) -> list[list]:
    """Rows in COLUMNS order."""
    return [[state(s) if c == "state" else _round(s.get(c)) for c in COLUMNS] for s in summaries]


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
        lines.append(f"{r['id']:36} {state(r):10} {r['method']:14} {steps:>11} {_fmt(r['loss'], '8.4f')} "
                     f"{_fmt(r['best_eval_loss'], '8.4f')}  {r.get('verdict') or '-'}")
        if r["state"] == "failed" and r["error"]:
            lines.append(f"    error: {r['error']}  fix: {r['hint']}")
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
    return f"Resuming {summary['id']} from {summary.get('checkpoint') or 'the start (no checkpoint yet)'}."


def deleted(run_id: str) -> str:
    return f"Deleted {run_id}."
