"""Metrics on generated text against one reference, or a list of references (the best match counts)."""

import string
import unicodedata

import numpy as np
from rouge_score import rouge_scorer

from lab.metrics.base import TEXTS, LabMetric

_TEXT_INPUTS = """
    predictions: list of generated strings.
    references: list of reference strings, or of lists of acceptable reference strings (one per prediction).
"""


def _as_list(reference: str | list[str]) -> list[str]:
    return [reference] if isinstance(reference, str) else reference


def normalize_text(text: str, ignore_case: bool = True) -> str:
    """Drop punctuation (ASCII and Unicode), collapse whitespace, and casefold unless ignore_case is False."""
    text = "".join(ch for ch in text if ch not in string.punctuation and not unicodedata.category(ch).startswith("P"))
    text = " ".join(text.split())
    return text.casefold() if ignore_case else text


class ExactMatch(LabMetric):
    """Share of predictions equal to a reference after `normalize_text`: {"exact_match": 0..1}."""

    input_features = TEXTS
    inputs = _TEXT_INPUTS

    def __init__(self, ignore_case: bool = True, **kwargs):
        self.ignore_case = ignore_case
        super().__init__(**kwargs)

    def _compute(self, predictions, references):
        hits = [
            normalize_text(pred, self.ignore_case) in {normalize_text(r, self.ignore_case) for r in _as_list(ref)}
            for pred, ref in zip(predictions, references)
        ]
        return {"exact_match": float(np.mean(hits))}


class RougeL(LabMetric):
    """rouge_score's ROUGE-L F-measure with Porter stemming, averaged over examples: {"rougeL": 0..1}.

    rouge_score's tokenizer keeps only ASCII letters and digits, so text in other scripts scores 0.
    """

    input_features = TEXTS
    inputs = _TEXT_INPUTS

    def _compute(self, predictions, references):
        scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
        scores = [
            scorer.score_multi(_as_list(ref), pred)["rougeL"].fmeasure for pred, ref in zip(predictions, references)
        ]
        return {"rougeL": float(np.mean(scores))}
