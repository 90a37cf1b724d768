"""Metrics on predicted class labels (integers or strings) against reference labels, via scikit-learn."""

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from lab.errors import LabError
from lab.metrics.base import LABELS, LabMetric

_LABEL_INPUTS = """
    predictions: list of predicted labels (all int or all str).
    references: list of true labels, of the same type.
"""
AVERAGES = ("macro", "micro", "weighted", "binary")


class Accuracy(LabMetric):
    """Share of predictions equal to their reference: {"accuracy": 0..1}."""

    input_features = LABELS
    inputs = _LABEL_INPUTS

    def _compute(self, predictions, references):
        return {"accuracy": float(accuracy_score(references, predictions))}


class F1(LabMetric):
    """F1 score: {"f1": 0..1}. average: "macro" (default), "micro", "weighted", or "binary" (for pos_label).

    A class never predicted or never present scores 0 rather than raising a warning.
    """

    input_features = LABELS
    inputs = _LABEL_INPUTS

    def __init__(self, average: str = "macro", pos_label: int | str = 1, **kwargs):
        if average not in AVERAGES:
            raise LabError(f"Unknown F1 average: {average!r}", fix=f"Use one of: {', '.join(AVERAGES)}.")
        self.average, self.pos_label = average, pos_label
        super().__init__(**kwargs)

    def _compute(self, predictions, references):
        if self.average != "binary":
            return {"f1": float(f1_score(references, predictions, average=self.average, zero_division=0))}
        try:
            score = f1_score(references, predictions, average="binary", pos_label=self.pos_label, zero_division=0)
        except ValueError as e:
            raise LabError(
                "Binary F1 needs at most two classes, one of them pos_label",
                why=str(e),
                fix=f"Pass pos_label=<the positive class> (now {self.pos_label!r}), or use average='macro'.",
            ) from None
        return {"f1": float(score)}


class ClassificationReport(LabMetric):
    """Per-class precision, recall, f1 and support, and the confusion matrix, as JSON-ready lists.

    Returns {"labels", "precision", "recall", "f1", "support", "confusion_matrix"}: every list follows
    "labels" (the `labels` option, else the sorted labels seen), and confusion_matrix[i][j] counts examples
    whose reference is labels[i] and prediction labels[j]. Labels outside the `labels` option are left out.
    """

    input_features = LABELS
    inputs = _LABEL_INPUTS

    def __init__(self, labels: list | None = None, **kwargs):
        self.labels = None if labels is None else np.asarray(labels).tolist()  # plain Python values for JSON
        super().__init__(**kwargs)

    def _compute(self, predictions, references):
        labels = self.labels or sorted(set(references) | set(predictions))
        precision, recall, f1, support = precision_recall_fscore_support(
            references, predictions, labels=labels, average=None, zero_division=0
        )
        return {
            "labels": labels,
            "precision": precision.tolist(),
            "recall": recall.tolist(),
            "f1": f1.tolist(),
            "support": support.tolist(),
            "confusion_matrix": confusion_matrix(references, predictions, labels=labels).tolist(),
        }
