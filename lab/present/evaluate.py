"""lab.evaluate results (the base and one or more runs on the first run's split; one run's is its eval.json): a
headline per run, a column per model with each change from the base, and example answers beside the reference.
Chat runs: loss, perplexity, ROUGE-L, answers changed (exact match for short references); classify runs:
accuracy and macro-F1."""

from __future__ import annotations

import html as _html

from lab.present.compare import html as answers_html
from lab.present.compare import text as answers_text
from lab.present.report import (NAMES, aligned, change, coloured, facts, headline, metrics, note, number, row_of,
                                scope, tuned_ids)

COLUMNS = {"chat": ["loss", "perplexity", "rougeL", "exact_match"], "classify": ["accuracy", "f1"]}


def table(result: dict) -> tuple[list[str], list[list]]:
    """The raw scores, a row per model (for a data frame)."""
    columns = COLUMNS[result.get("task", "chat")]
    return ["model", *columns], [[row["model"], *(row.get(c) for c in columns)] for row in result["rows"]]


def comparison(result: dict) -> tuple[list[str], list[list[str]], list[list[bool | None]]]:
    """(headers, rows, better): a row per metric, a column per model (the base first), each run's cell with its
    change from the base; `better` says which changes are better (True), worse (False) or neither (None)."""
    models = [row["model"] for row in result["rows"]]
    base = row_of(result, "base") or {}
    rows, better = [], []
    for metric in metrics(result):
        cells, judged = [NAMES[metric]], [None]
        for model in models:
            value = row_of(result, model).get(metric)
            moved, is_better = change(metric, base.get(metric), value) if model != "base" else ("", None)
            cells.append(number(metric, value) + (f" ({moved})" if moved else ""))
            judged.append(is_better)
        rows.append(cells)
        better.append(judged)
    return ["metric", *models], rows, better


def headlines(result: dict) -> list[str]:
    """Each run's headline against the base; the run named when there are several."""
    runs = tuned_ids(result)
    if not row_of(result, "base"):
        return []
    return [headline(result, run) if len(runs) == 1 else f"{run}: {headline(result, run)}" for run in runs]


def html(result: dict) -> str:
    headers, rows, better = comparison(result)
    head = "".join(f"<th>{_html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{coloured(c, b)}</td>" for c, b in zip(cells, judged)) + "</tr>"
                   for cells, judged in zip(rows, better))
    parts = [*(f"<p><b>{_html.escape(line)}</b></p>" for line in headlines(result)),
             f"<p>{_html.escape(scope(result))}</p>",
             f"<table class='lab-evaluate'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"]
    if note(result):
        parts.append(f"<p><i>{_html.escape(note(result))}</i></p>")
    if facts(result):
        parts.append("<p>" + _html.escape(" · ".join(f"{name}: {value}" for name, value in facts(result))) + "</p>")
    if result.get("samples"):
        parts.append("<p><b>Examples</b></p>" + answers_html(result["samples"]))
    return "".join(parts)


def text(result: dict) -> str:
    headers, rows, _ = comparison(result)
    lines = [*headlines(result), scope(result), "", *aligned([headers, *rows])]
    if note(result):
        lines.append(note(result))
    if facts(result):
        lines += ["", *(f"{name}: {value}" for name, value in facts(result))]
    if result.get("samples"):
        lines += ["", answers_text(result["samples"])]
    return "\n".join(lines)
