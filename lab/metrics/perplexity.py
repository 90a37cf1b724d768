"""Perplexity from losses the caller already computed, so the metric needs neither a model nor a tokenizer."""

import math

import numpy as np
from datasets import Features, Value

from lab.errors import LabError
from lab.metrics.base import LabMetric


class Perplexity(LabMetric):
    """exp(mean loss) over examples: {"loss": mean loss, "perplexity": exp(mean loss)}.

    Each prediction is one example's *mean* cross-entropy per target token, in nats: what a causal LM returns
    as `loss` for that example alone. Not a summed loss, not a perplexity. There are no references.

    With token_weighted=True, compute() and add_batch() also take token_counts (target tokens per example), and
    each example weighs by its tokens: the result is then the corpus-level per-token perplexity.

    A mean loss above ~709.78 overflows exp() in float64: perplexity is then inf (json writes it as Infinity).
    NaN losses raise LabError rather than returning NaN.
    """

    def __init__(self, token_weighted: bool = False, **kwargs):
        self.token_weighted = token_weighted
        self.input_features = Features(
            {"predictions": Value("float64"), **({"token_counts": Value("int64")} if token_weighted else {})}
        )
        self.inputs = "\n    predictions: list of per-example mean token losses (nats).\n" + (
            "    token_counts: list of target-token counts, one per loss.\n" if token_weighted else ""
        )
        super().__init__(**kwargs)

    def _compute(self, predictions, token_counts=None):
        losses = np.asarray(predictions, dtype=np.float64)
        weights = np.ones_like(losses) if token_counts is None else np.asarray(token_counts, dtype=np.float64)
        if np.isnan(losses).any():
            raise LabError(
                f"Perplexity is undefined: {int(np.isnan(losses).sum())} of {losses.size} losses are NaN",
                why="A NaN loss usually means training diverged (learning rate too high, fp16 overflow) "
                "or an example had no target tokens to average over.",
                fix="Fix the run, or drop the examples whose loss is NaN.",
            )
        if (weights < 0).any() or weights.sum() == 0:
            raise LabError(
                "Token counts must be non-negative and not all zero",
                fix="Pass each example's number of target tokens.",
            )
        loss = float(np.average(losses, weights=weights))
        try:
            perplexity = math.exp(loss)
        except OverflowError:
            perplexity = math.inf
        return {"loss": loss, "perplexity": perplexity}
