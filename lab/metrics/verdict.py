"""Did tuning help? The one rule behind every report headline, a run summary's `verdict` and `lab runs`: each
quality the report's table shows is judged against the base, with a band of "same" for changes too small to mean
anything (chat: validation loss and ROUGE-L, and exact match where the references are short enough for the report
to show it; classify: accuracy and macro-F1). The verdict sums the judgements up: "better" (something better,
nothing worse), "worse" (something worse, nothing better), "mixed" (some of each), "same" (all within their bands),
so a headline never says better while its table shows a quality that fell."""

from __future__ import annotations

import math

SAME_LOSS = 0.01  # a relative change in validation loss (and so in log perplexity) below this is no change
# ROUGE-L is a 0-1 mean over the handful of examples a report scores (10 by default) and is usually quoted in points
# (x100): one answer whose overlap moves by a tenth moves the mean by 0.01. A change under one point is noise, not a
# model that got better or worse; an absolute band, because a relative one is meaningless near 0.
SAME_ROUGE = 0.01
SAME_ACCURACY = 0.005  # half a point of accuracy, macro-F1 or exact match
SHORT_REFERENCE_WORDS = 4  # exact match means something only for answers this short (a label, a number, a name)
LOWER_IS_BETTER = ("loss", "perplexity")
BANDS = {"loss": SAME_LOSS, "perplexity": SAME_LOSS, "rougeL": SAME_ROUGE, "exact_match": SAME_ACCURACY,
         "accuracy": SAME_ACCURACY, "f1": SAME_ACCURACY}


def row_of(report: dict, model: str) -> dict | None:
    return next((row for row in report.get("rows") or [] if row.get("model") == model), None)


def relative(before: float, after: float) -> float:
    return (after - before) / abs(before) if before else after - before


def reference_words(report: dict) -> float | None:
    """The references' mean length in words, read from the examples the report keeps."""
    if report.get("reference_words") is not None:
        return report["reference_words"]
    references = [s["reference"] for s in report.get("samples") or [] if s.get("reference") is not None]
    return sum(len(str(r).split()) for r in references) / len(references) if references else None


def shows_exact_match(report: dict) -> bool:
    words = reference_words(report)
    return words is not None and words <= SHORT_REFERENCE_WORDS


def judged_metrics(report: dict) -> list[str]:
    """The qualities the verdict weighs, in the order a headline names them."""
    if report.get("task") == "classify":
        return ["accuracy", "f1"]
    return ["loss", "rougeL", *(["exact_match"] if shows_exact_match(report) else [])]


def judge(metric: str, before, after) -> str | None:
    """"better", "worse" or "same" (a change within the metric's band); None where there is nothing to compare or
    the metric has no band (answers changed)."""
    if metric not in BANDS or before is None or after is None or not (math.isfinite(before) and math.isfinite(after)):
        return None
    if metric == "perplexity":  # exp(loss): judged as its loss, so the two rows of the table always agree
        if before <= 0 or after <= 0:
            return None
        before, after = math.log(before), math.log(after)
    gain = round(-relative(before, after) if metric in LOWER_IS_BETTER else after - before, 9)  # 9: float noise
    return "better" if gain > BANDS[metric] else "worse" if gain < -BANDS[metric] else "same"


def changes(report: dict | None, run_id: str | None = None) -> list[dict]:
    """The tuned run's judged metrics against the base: [{metric, before, after, judged}], those with both values."""
    if not report or report.get("error"):
        return []
    base, tuned = row_of(report, "base") or {}, row_of(report, run_id or report.get("run")) or {}
    out = []
    for metric in judged_metrics(report):
        judged = judge(metric, base.get(metric), tuned.get(metric))
        if judged is not None:
            out.append({"metric": metric, "before": base[metric], "after": tuned[metric], "judged": judged})
    return out


def verdict(report: dict | None, run_id: str | None = None) -> str | None:
    """Whether the tuned run is "better", "worse", "mixed" or "same" against the base, by every judged metric
    (see the module); None without a report to judge. The one rule behind every headline and a summary's
    `verdict`."""
    judged = {change["judged"] for change in changes(report, run_id)}
    if not judged:
        return None
    if {"better", "worse"} <= judged:
        return "mixed"
    return "better" if "better" in judged else "worse" if "worse" in judged else "same"
