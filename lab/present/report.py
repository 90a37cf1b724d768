"""A run's before/after report (its eval.json): a headline that says whether the tuned model got better, worse or
mixed and by what (lab.metrics.verdict, the one rule), each metric rounded with its change, the run's facts, and
example answers. The helpers here also serve lab.present.evaluate, which lays out the same numbers for the base and
several runs."""

from __future__ import annotations

import html as _html
import math

from lab.present.compare import html as answers_html
from lab.metrics.verdict import (LOWER_IS_BETTER, SAME_LOSS, SHORT_REFERENCE_WORDS, changes, judge,  # noqa: F401
                                  reference_words, relative, row_of, shows_exact_match, verdict)  # the rule; shown here
from lab.units import format_bytes, format_seconds

NAMES = {"loss": "validation loss", "perplexity": "perplexity", "rougeL": "ROUGE-L", "exact_match": "exact match",
         "changed": "answers changed", "accuracy": "accuracy", "f1": "macro-F1"}
SHARES = ("exact_match", "changed", "accuracy")  # shown as percentages, changes in points
NO_REPORT = "No report yet: it is written when the run ends."
PENDING = "Report pending: the run has stopped, and its before/after report is being written (seconds)."
MINUS = "\u2212"


# -- the numbers ----------------------------------------------------------------------------------------------

def tuned_ids(report: dict) -> list[str]:
    """The tuned models scored, as chosen (older eval.json files name only `run`)."""
    return report.get("runs") or [row["model"] for row in report.get("rows") or [] if row.get("model") != "base"]


def metrics(report: dict) -> list[str]:
    if report.get("task") == "classify":
        return ["accuracy", "f1"]
    changed = any(row.get("changed") is not None for row in report.get("rows") or [])  # older eval.json: none
    return ["loss", "perplexity", "rougeL", *(["exact_match"] if shows_exact_match(report) else []),
            *(["changed"] if changed else [])]


def note(report: dict) -> str:
    """Why exact match is missing from a chat table ("" when it is shown)."""
    if report.get("task") == "classify" or shows_exact_match(report):
        return ""
    words = reference_words(report)
    length = f"the reference answers are long (about {words:.0f} words), and " if words is not None else ""
    return f"Exact match is left out: {length}a free answer almost never matches a reference word for word."


def number(metric: str, value) -> str:
    """A metric as people read it: loss 3 decimals, perplexity 1-2, ROUGE-L and F1 3, shares as %."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "∞"
    if metric in SHARES:
        return f"{value:.0%}"
    if metric == "perplexity":
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return f"{value:.3f}"


def signed(text: str) -> str:
    return text.replace("-", MINUS)


def percent(share: float) -> str:
    """A relative change such as −20%; ±0% below half a percent."""
    return "±0%" if abs(share) < 0.005 else signed(f"{share:+.0%}")


def change(metric: str, before, after) -> tuple[str, bool | None]:
    """("↓ −20% better", True): the change from the base with its arrow and whether it is better, by the
    verdict's own judgement of the metric (lab.metrics.verdict.judge), so the table and the headline agree; "= same"
    (None) within the metric's band (or, for a metric without one, within rounding); ("", None) where there is
    nothing to compare."""
    if before is None or after is None or not math.isfinite(before) or not math.isfinite(after):
        return "", None
    lower_is_better = metric in LOWER_IS_BETTER
    judged = judge(metric, before, after)
    if judged == "same" or (judged is None and number(metric, before) == number(metric, after)):
        return "= same", None
    if lower_is_better:
        amount = percent(relative(before, after))
    elif metric in SHARES:
        amount = signed(f"{100 * (after - before):+.0f} pts")
    else:
        amount = signed(f"{after - before:+.3f}")
    better = (after < before) == lower_is_better
    return f"{'↑' if after > before else '↓'} {amount} {'better' if better else 'worse'}", better


def table(report: dict, run_id: str | None = None) -> list[list[str]]:
    """Rows of [metric, base, tuned, change] for one tuned run, rounded."""
    base, tuned = row_of(report, "base") or {}, row_of(report, run_id or report.get("run")) or {}
    return [[NAMES[m], number(m, base.get(m)), number(m, tuned.get(m)), change(m, base.get(m), tuned.get(m))[0]]
            for m in metrics(report)]


OPENINGS = {"better": "Better than the base", "worse": "Worse than the base", "mixed": "Mixed against the base",
            "same": "About the same as the base"}
HEADLINE_DIGITS = {"loss": ".2f", "rougeL": ".3f", "exact_match": ".0%", "accuracy": ".0%", "f1": ".2f"}


def headline(report: dict | None, run_id: str | None = None) -> str:
    """One line: the verdict against the base (better, worse, mixed or about the same; lab.metrics.verdict) and
    every metric it weighs with the numbers, e.g. "Mixed against the base: validation loss 2.41 → 2.12 (−12%,
    better), ROUGE-L 0.077 → 0.054 (−30%, worse)". Each metric says better, worse or same whenever they differ."""
    if not report:
        return NO_REPORT
    if report.get("pending"):
        return PENDING
    if report.get("error"):
        return f"The before/after report failed: {report['error']}"
    run_id = run_id or report.get("run")
    judged, moves = verdict(report, run_id), changes(report, run_id)
    if judged is None:
        return "No score to compare with the base."
    tuned = row_of(report, run_id)
    named = len({move["judged"] for move in moves}) > 1  # not all the same way: say which way each went

    def moved(move: dict) -> str:
        metric, before, after, digits = move["metric"], move["before"], move["after"], HEADLINE_DIGITS[move["metric"]]
        notes = []
        if metric in ("loss", "rougeL"):
            notes.append(percent(relative(before, after)) if before or not after else signed(f"{after:+.3f}"))
        if named:
            notes.append(move["judged"])
        return f"{NAMES[metric]} {before:{digits}} → {after:{digits}}" + (f" ({', '.join(notes)})" if notes else "")

    line = f"{OPENINGS[judged]}: {', '.join(moved(move) for move in moves)}"
    if report.get("task") == "classify":
        return line + "."
    if tuned.get("changed") is not None and report.get("examples"):
        line += f"; {round(tuned['changed'] * report['examples'])} of {report['examples']} answers changed"
    return line + "."


def facts(report: dict) -> list[tuple[str, str]]:
    """(name, value) of the run's facts and the report's own time; none for an evaluation of several runs."""
    f, rows = report.get("facts"), []
    if not f:
        return rows
    trainable, total = f.get("trainable_params"), f.get("total_params")
    if trainable is not None and total:
        rows.append(("trainable parameters", f"{trainable:,} of {total:,} ({100 * trainable / total:.3g}%)"))
    if f.get("steps") is not None:
        rows.append(("steps", f"{f['steps']}" + (f" ({f['state']})" if f.get("state") else "")))
    if f.get("train_seconds") is not None:
        rows.append(("training time", format_seconds(f["train_seconds"])))
    if f.get("peak_memory_bytes"):
        rows.append(("peak memory", format_bytes(f["peak_memory_bytes"])))
    if report.get("seconds") is not None:
        rows.append(("report time", format_seconds(report["seconds"])))
    return rows


def per_class(report: dict, run_id: str | None = None) -> list[list[str]]:
    """A classify report's [class, base F1, tuned F1, change, support] per class."""
    base = (row_of(report, "base") or {}).get("report")
    tuned = (row_of(report, run_id or report.get("run")) or {}).get("report")
    if not base or not tuned:
        return []
    return [[label, f"{b:.2f}", f"{t:.2f}", change("f1", b, t)[0], str(n)]
            for label, b, t, n in zip(tuned["labels"], base["f1"], tuned["f1"], tuned["support"])]


# -- the formats ----------------------------------------------------------------------------------------------

def scope(report: dict) -> str:
    """Which examples of which runs were scored, and how long it took (unless the facts say)."""
    runs = tuned_ids(report)
    of = f" of {'run' if len(runs) == 1 else 'runs'} {', '.join(runs)}" if runs else ""
    timed = report.get("seconds") is not None and not report.get("facts")
    took = f", scored in {format_seconds(report['seconds'])}" if timed else ""
    return f"{report.get('examples', 0)} {report.get('split', 'validation')} examples{of}{took}"


def coloured(text: str, better: bool | None) -> str:
    colour = {True: "#15803d", False: "#b91c1c"}.get(better)
    return f"<span style='color:{colour}'>{_html.escape(text)}</span>" if colour else _html.escape(text)


def html_table(headers: list[str], rows: list[list[str]], better: list[list[bool | None]] | None = None) -> str:
    head = "".join(f"<th>{_html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{coloured(cell, better[i][j] if better else None)}</td>"
                                    for j, cell in enumerate(row)) + "</tr>" for i, row in enumerate(rows))
    return f"<table class='lab-report-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html(report: dict | None) -> str:
    if not report or report.get("error") or report.get("pending"):
        return f"<p>{_html.escape(headline(report))}</p>"
    run_id = report.get("run")
    base, tuned = row_of(report, "base") or {}, row_of(report, run_id) or {}
    judged = [[None, None, None, change(m, base.get(m), tuned.get(m))[1]] for m in metrics(report)]
    parts = [f"<p><b>{_html.escape(headline(report))}</b></p>",
             f"<p>{_html.escape(scope(report))}</p>",
             html_table(["metric", "base", "tuned", "change"], table(report), judged)]
    if note(report):
        parts.append(f"<p><i>{_html.escape(note(report))}</i></p>")
    if per_class(report):
        parts.append(html_table(["class", "base F1", "tuned F1", "change", "support"], per_class(report)))
    if facts(report):
        parts.append(html_table(["fact", "value"], [list(pair) for pair in facts(report)]))
    if report.get("samples"):
        parts.append("<p><b>Examples</b></p>" + answers_html(report["samples"]))
    return f"<div class='lab-report'>{''.join(parts)}</div>"


def cell(text) -> str:
    """Text safe in a markdown table cell: one line, no column breaks, no raw HTML."""
    return _html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def markdown_table(report: dict) -> str:
    rows = [["metric", "base", "tuned", "change"], ["---"] * 4, *table(report)]
    return "\n".join("| " + " | ".join(cell(c) if c != "---" else c for c in row) + " |" for row in rows)


def markdown(report: dict | None) -> str:
    if not report or report.get("error") or report.get("pending"):
        return cell(headline(report))
    parts = [f"**{cell(headline(report))}**", cell(scope(report)),
             markdown_table(report)]
    if note(report):
        parts.append(f"*{cell(note(report))}*")
    if facts(report):
        parts.append("; ".join(f"{name}: {cell(value)}" for name, value in facts(report)))
    for sample in report.get("samples") or []:
        answers = "\n".join(f"- **{cell(label)}**: {cell(text)}" for label, text in sample["answers"].items())
        parts.append(f"> {cell(sample['prompt'])}\n\n- **reference**: {cell(sample['reference'])}\n{answers}")
    return "\n\n".join(parts)


def aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]


def text(report: dict | None) -> str:
    if not report or report.get("error") or report.get("pending"):
        return headline(report)
    lines = [headline(report), scope(report), "",
             *aligned([["metric", "base", "tuned", "change"], *table(report)])]
    if note(report):
        lines.append(note(report))
    if per_class(report):
        lines += ["", *aligned([["class", "base F1", "tuned F1", "change", "support"], *per_class(report)])]
    if facts(report):
        lines += ["", *(f"{name}: {value}" for name, value in facts(report))]
    for sample in report.get("samples") or []:
        lines += ["", f"## {sample['prompt']}", f"[reference] {sample['reference']}",
                  *(f"[{label}] {answer}" for label, answer in sample["answers"].items())]
    return "\n".join(lines)
