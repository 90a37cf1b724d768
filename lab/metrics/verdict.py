"""Did tuning help? The one rule behind every report headline and a run summary's `verdict`: validation loss for
a chat run (lower is better), accuracy for a classify run, with a band of "same" for changes too small to mean
anything."""

from __future__ import annotations

SAME_LOSS = 0.01  # a relative change in validation loss below this is no change
SAME_ACCURACY = 0.005


def row_of(report: dict, model: str) -> dict | None:
    return next((row for row in report.get("rows") or [] if row.get("model") == model), None)


def relative(before: float, after: float) -> float:
    return (after - before) / abs(before) if before else after - before


def verdict(report: dict | None, run_id: str | None = None) -> str | None:
    """Whether the tuned run is "better", "worse" or "same" as the base, by validation loss (chat) or accuracy
    (classify); None without a report to judge. The one rule behind every headline and a summary's `verdict`."""
    if not report or report.get("error"):
        return None
    base, tuned = row_of(report, "base"), row_of(report, run_id or report.get("run"))
    classify = report.get("task") == "classify"
    key = "accuracy" if classify else "loss"
    if not base or not tuned or base.get(key) is None or tuned.get(key) is None:
        return None
    before, after = base[key], tuned[key]
    gain = after - before if classify else -relative(before, after)
    limit = SAME_ACCURACY if classify else SAME_LOSS
    return "better" if gain > limit else "worse" if gain < -limit else "same"
