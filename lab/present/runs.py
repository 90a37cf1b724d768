"""The run store as each face lists it (lab.list_runs summaries), a run's details, and what an action on a run
says it did."""

from __future__ import annotations

import html as _html
import textwrap
import time

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


SHOWN = ("task", "model", "precision", "precision_reason", "method", "method_params", "data", "data_sha256", "name",
         "max_steps")  # the settings the lines above `settings` already name
DATA_STATES = {"unchanged": "unchanged since the run started", "changed": "changed since the run started",
               "gone": "gone", "unrecorded": "no fingerprint recorded"}
WIDTH = 100


def _when(epoch) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch)) if epoch else ""


def facts(details: dict) -> list[tuple[str, str]]:
    """(key, value) pairs of lab.run_details as people read them: state, model, method, data, steps, losses, the
    verdict, then every other setting on one `settings` line; what a run does not have is left out."""
    config, status, summary = details.get("config") or {}, details.get("status") or {}, details.get("summary") or {}
    pairs = [("run", str(summary.get("id") or details.get("folder") or "")
              + (f" ({config['name']})" if config.get("name") else ""))]
    when = [f"{name} {_when(status[key])}" for key, name in (("created", "created"), ("finished", "ended"))
            if status.get(key)]
    if summary.get("state") or status.get("state"):
        pairs.append(("state", " · ".join([state(summary) if summary.get("state") else status["state"], *when])))
    if summary and message(summary):
        pairs.append(("error" if summary.get("error") else "note", message(summary)))
    elif status.get("error"):
        pairs.append(("error", f"{status['error']} Fix: {status.get('hint') or '-'}"))
    if config.get("task"):
        pairs.append(("task", config["task"]))
    if config.get("model"):
        precision = config.get("precision")
        reason = f" ({config['precision_reason']})" if config.get("precision_reason") else ""
        pairs.append(("model", config["model"] + (f" · {precision}{reason}" if precision else "")))
    if config.get("method"):
        params = ", ".join(f"{k} {v}" for k, v in (config.get("method_params") or {}).items())
        pairs.append(("method", config["method"] + (f" · {params}" if params else "")))
    if config.get("data"):
        known = DATA_STATES.get(details.get("data"))
        pairs.append(("data", config["data"] + (f" ({known})" if known else "")))
    if summary:
        steps = summary.get("max_steps") or config.get("max_steps") or "?"
        pairs.append(("steps", f"{summary.get('step', 0)} of {steps}"))
        losses = [f"train {summary['loss']:.4f}" if summary.get("loss") is not None else "",
                  f"best validation {summary['best_eval_loss']:.4f}" if summary.get("best_eval_loss") is not None
                  else ""]
        if any(losses):
            pairs.append(("losses", " · ".join(loss for loss in losses if loss)))
        if summary.get("accuracy") is not None:
            pairs.append(("accuracy", f"{summary['accuracy']:.0%} (latest validation)"))
        if summary.get("trainable_params"):
            pairs.append(("trainable", f"{summary['trainable_params']:,} parameters"))
        if summary.get("verdict"):
            pairs.append(("vs base", summary["verdict"]))
    settings = [f"{k}={v}" for k, v in config.items() if k not in SHOWN and v not in (None, "", {}, [])]
    if settings:
        pairs.append(("settings", ", ".join(settings)))
    return pairs


def details_html(details: dict) -> str:
    """The run's before/after report, then its state, model, method, data, steps, losses and settings."""
    rows = "".join(f"<tr><th style='text-align:left'>{_html.escape(k)}</th><td>{_html.escape(v)}</td></tr>"
                   for k, v in facts(details))
    return report.html(details.get("report")) + f"<table class='lab-run-details'>{rows}</table>"


def details_text(details: dict) -> str:
    """`key: value` lines (the settings wrapped under their key), a blank line, then the before/after report."""
    pairs = facts(details)
    width = max((len(k) for k, _ in pairs), default=0) + 2
    lines = [textwrap.fill(value, WIDTH, initial_indent=f"{key}:".ljust(width), subsequent_indent=" " * width,
                           break_long_words=False, break_on_hyphens=False) for key, value in pairs]
    return "\n".join(lines) + "\n\n" + report.text(details.get("report"))


def stopping(summary: dict) -> str:
    return f"Stopping {summary['id']}: it saves a checkpoint and its adapter first."


def resumed(summary: dict) -> str:
    """Which checkpoint the run continues from, and the newer ones it passed over (not whole) with what they lack."""
    text = f"Resuming {summary['id']} from {summary.get('checkpoint') or 'the start (no checkpoint yet)'}."
    passed = "; ".join(f"{p['checkpoint']} (no {', '.join(p['missing'])})" for p in summary.get("passed") or [])
    return text + (f" Passed over the checkpoints that are not whole: {passed}." if passed else "")


def deleted(run_id: str) -> str:
    return f"Deleted {run_id}."
