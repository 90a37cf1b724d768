"""An experiment's leaderboard (lab.experiment) as a table (markdown, html, text) and a chart of quality against
train time with the Pareto front (plotly)."""

from __future__ import annotations

import html as _html

import plotly.graph_objects as go

from lab.present.curves import COLOURS, HEIGHT, label
from lab.units import format_bytes, format_seconds

COLUMNS = ["", "run", "method", "learning rate", "settings", "state", "trainable", "train time", "peak memory",
           "validation loss", "ROUGE-L", "example answer"]
CLASSIFY_COLUMNS = [c if c != "ROUGE-L" else "accuracy" for c in COLUMNS]
LEGEND = ("★ best validation result · ◆ on the Pareto front (no run is both better and faster) · validation loss "
          "before = the run's step 0 (prompt and prefix tuning start with their initial virtual tokens)")


def _change(before, after, digits: int = 3) -> str:
    if before is None:
        return ""
    if after is None:
        return f"{before:.{digits}f} →"
    return f"{before:.{digits}f} → {after:.{digits}f}"


def _settings(settings: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in settings.items() if v not in (None, "")) or "recipe"


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def waits(r: dict) -> str | None:
    """Where a queued run waits (lab.experiment's `queue_position`, `ahead`, `waiting_for`), in words; None when it
    does not wait."""
    if r["state"] != "queued" or not r.get("queue_position"):
        return None
    if r.get("ahead"):
        return f"{ordinal(r['queue_position'])} in line, after {label(r['ahead'])}"
    holder = r.get("waiting_for")
    if not holder:
        return "next in line"
    where = f" in workspace {holder['workspace']}" if holder.get("workspace") else ""
    return f"next in line, waiting for {label(holder['run'])}{where} to free the device"


def _state(r: dict) -> str:
    place = waits(r)
    return r["state"] + (f": {place}" if place else f": {r['error']}" if r.get("error") else "")


def rows(board: dict, answer_chars: int = 80) -> list[list[str]]:
    """One row per run, as the table shows it; ★ marks the best run, ◆ the runs on the Pareto front."""
    classify = board.get("task") == "classify"
    out = []
    for r in board["rows"]:
        mark = ("★" if r["run"] == board["best"] else "") + ("◆" if r["run"] in board["front"] else "")
        state = _state(r)
        answer = (r.get("answer") or "").replace("\n", " ")
        quality = _change(r["accuracy_before"], r["accuracy_after"]) if classify else \
            _change(r["rouge_before"], r["rouge_after"])
        out.append([mark, label(r["run"]), r["method"], f"{r['learning_rate']:g}", _settings(r["settings"]), state,
                    f"{r['trainable_params']:,}" if r["trainable_params"] else "",
                    format_seconds(r["train_seconds"]) if r["train_seconds"] else "",
                    format_bytes(r["peak_memory_bytes"]) if r["peak_memory_bytes"] else "",
                    _change(r["loss_before"], r["loss_after"]), quality,
                    answer[:answer_chars] + ("…" if len(answer) > answer_chars else "")])
    return out


def headline(board: dict) -> str:
    done = sum(r["state"] in ("completed", "stopped", "failed") for r in board["rows"])
    best = next((r for r in board["rows"] if r["run"] == board["best"]), None)
    line = f"{board['id']}: {done} of {len(board['rows'])} runs ended"
    if best:
        line += (f"; best{'' if board['finished'] else ' so far'} {best['method']} "
                 f"(learning rate {best['learning_rate']:g})")
    if board["finished"]:
        return line
    training = next((r for r in board["rows"] if r["state"] in ("running", "stopping")), None)
    if training:
        return line + f"; {'training' if training['state'] == 'running' else 'stopping'} {label(training['run'])}"
    first = next((r for r in board["rows"] if waits(r)), None)
    return line + (f"; queued: {waits(first)}" if first else "; waiting")


def markdown(board: dict | None) -> str:
    if not board:
        return "No experiment yet."
    head = CLASSIFY_COLUMNS if board.get("task") == "classify" else COLUMNS
    cells = [[str(c).replace("|", "\\|") for c in row] for row in rows(board)]
    return (f"**{headline(board)}**\n\n| " + " | ".join(head) + " |\n" + "|---" * len(head) + "|\n"
            + "".join("| " + " | ".join(row) + " |\n" for row in cells)
            + f"\n{LEGEND}")


def html(board: dict | None) -> str:
    if not board:
        return "<p>No experiment yet.</p>"
    head = CLASSIFY_COLUMNS if board.get("task") == "classify" else COLUMNS
    body = "".join("<tr>" + "".join(f"<td>{_html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows(board))
    return (f"<p><b>{_html.escape(headline(board))}</b></p><table class='lab-leaderboard'><tr>"
            + "".join(f"<th>{_html.escape(h)}</th>" for h in head) + f"</tr>{body}</table>"
            f"<p>{_html.escape(LEGEND)}</p>")


def text(board: dict | None) -> str:
    return markdown(board).replace("**", "")


def figure(board: dict | None) -> go.Figure:
    """Each run a point: train time against its final validation loss (classify: accuracy), one colour per
    method; the Pareto front joined by a line."""
    classify = bool(board) and board.get("task") == "classify"
    quality = "accuracy_after" if classify else "loss_after"
    fig = go.Figure(layout=dict(height=HEIGHT, margin=dict(l=56, r=16, t=28, b=44), template="plotly_white",
                                xaxis_title="train time (s)",
                                yaxis_title="validation accuracy" if classify else "validation loss (lower is better)"))
    points = [r for r in (board or {}).get("rows", []) if r[quality] is not None and r["train_seconds"]]
    methods = list(dict.fromkeys(r["method"] for r in points))
    for i, method in enumerate(methods):
        mine = [r for r in points if r["method"] == method]
        fig.add_trace(go.Scatter(
            x=[r["train_seconds"] for r in mine], y=[r[quality] for r in mine], mode="markers", name=method,
            marker=dict(size=[14 if r["run"] == board["best"] else 9 for r in mine], color=COLOURS[i % len(COLOURS)],
                        symbol=["star" if r["run"] == board["best"] else "circle" for r in mine]),
            text=[f"{label(r['run'])}, lr {r['learning_rate']:g}" for r in mine],
            hovertemplate="%{text}<br>%{x:.0f} s, %{y:.4f}<extra></extra>"))
    front = sorted((r for r in points if r["run"] in board["front"]), key=lambda r: r["train_seconds"])
    if len(front) > 1:
        fig.add_trace(go.Scatter(x=[r["train_seconds"] for r in front], y=[r[quality] for r in front],
                                 mode="lines", name="Pareto front", line=dict(color="grey", dash="dot")))
    if not points:
        fig.add_annotation(text="No finished run yet", showarrow=False, font_size=14, xref="paper", yref="paper",
                           x=0.5, y=0.5)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
    return fig
