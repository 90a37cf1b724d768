"""Base vs tuned scores on a split (lab.evaluate results, as stored in eval.json): chat runs (loss, perplexity,
ROUGE-L, exact match) and classify runs (accuracy, macro-F1)."""

from __future__ import annotations

import html as _html

COLUMNS = {"chat": ["loss", "perplexity", "rougeL", "exact_match"], "classify": ["accuracy", "f1"]}
READABLE = {"rougeL": "ROUGE-L", "exact_match": "exact match", "f1": "macro-F1"}


def table(result: dict) -> tuple[list[str], list[list]]:
    columns = COLUMNS[result.get("task", "chat")]
    return ["model", *columns], [[row["model"], *(row[c] for c in columns)] for row in result["rows"]]


def html(result: dict) -> str:
    headers, rows = table(result)
    head = "".join(f"<th>{READABLE.get(h, h)}</th>" for h in headers)
    body = "".join(f"<tr><td>{_html.escape(row[0])}</td>" + "".join(f"<td>{v:.4f}</td>" for v in row[1:]) + "</tr>"
                   for row in rows)
    return (f"<p>{result['examples']} {result['split']} examples of run {_html.escape(result['run'])}</p>"
            f"<table><tr>{head}</tr>{body}</table>")


def text(result: dict) -> str:
    headers, rows = table(result)
    lines = [f"Run {result['run']}, {result['examples']} {result['split']} examples\n",
             f"{'model':36}" + "".join(f"{c:>13}" for c in headers[1:])]
    lines += [f"{row[0]:36}" + "".join(f"{v:13.4f}" for v in row[1:]) for row in rows]
    return "\n".join(lines)
