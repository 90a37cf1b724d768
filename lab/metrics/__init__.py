"""Evaluation metrics that work offline: `evaluate.Metric` subclasses built on scikit-learn and rouge_score,
and `loop_share` (answers stuck repeating a phrase; no references).

    metric = load_metric("f1", average="micro")
    metric.add_batch(predictions=[0, 1], references=[0, 0])
    metric.compute()                      # {"f1": 0.5}
    evaluate.combine([Accuracy(), F1()])  # works too

`load_metric` falls back to `evaluate.load` (a script on the Hugging Face Hub) for any other name, online only.
"""

import os

import evaluate

from lab.errors import LabError
from lab.metrics.base import LabMetric
from lab.metrics.classification import AVERAGES, F1, Accuracy, ClassificationReport
from lab.metrics.loops import LoopShare, repeated_ngram
from lab.metrics.perplexity import Perplexity
from lab.metrics.text import ExactMatch, RougeL, normalize_text

_BUILTIN: dict[str, type[LabMetric]] = {
    "rouge_l": RougeL,
    "exact_match": ExactMatch,
    "accuracy": Accuracy,
    "f1": F1,
    "perplexity": Perplexity,
    "classification_report": ClassificationReport,
    "loop_share": LoopShare,
}
METRICS = tuple(_BUILTIN)
# "rouge" gives only rougeL, not rouge1/rouge2/rougeLsum
_ALIASES = {"rougel": "rouge_l", "rouge": "rouge_l", "loops": "loop_share"}

__all__ = [
    "AVERAGES",
    "F1",
    "METRICS",
    "Accuracy",
    "ClassificationReport",
    "ExactMatch",
    "LabMetric",
    "LoopShare",
    "Perplexity",
    "RougeL",
    "load_metric",
    "normalize_text",
    "repeated_ngram",
]


def _evaluate_offline() -> bool:
    if os.environ.get("HF_EVALUATE_OFFLINE", "").lower() in {"1", "true", "yes", "on"}:
        return True
    from lab.models.registry import hub_is_offline  # HF_HUB_OFFLINE, or the same 2 s probe models use

    return hub_is_offline()


def load_metric(name: str, **kwargs) -> evaluate.EvaluationModule:
    """A built-in metric (see METRICS; options as keyword arguments), else `evaluate.load(name, **kwargs)`."""
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key in _BUILTIN:
        return _BUILTIN[key](**kwargs)
    builtin = ", ".join(METRICS)
    if _evaluate_offline():
        raise LabError(
            f"Metric {name!r} is not built in, and the Hugging Face Hub is offline",
            why="Metrics other than the built-in ones are scripts on the hub; HF_HUB_OFFLINE or "
            "HF_EVALUATE_OFFLINE is set, or the hub cannot be reached.",
            fix=f"Use a built-in metric ({builtin}), or go online to load {name!r} from the hub.",
        )
    try:
        return evaluate.load(name, **kwargs)
    except Exception as e:  # the hub client raises many types: not found, network, script errors
        raise LabError(
            f"Metric {name!r} could not be loaded from the Hugging Face Hub",
            why=f"It is not built in, and evaluate.load failed: {e}",
            fix=f"Check the name, or use a built-in metric ({builtin}).",
        ) from e
