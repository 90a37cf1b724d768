"""Repetition loops in generated text, without references: the share of answers stuck in a loop."""

from collections import Counter

import numpy as np
from datasets import Features, Value

from lab.errors import LabError
from lab.metrics.base import LabMetric
from lab.metrics.text import normalize_text


def repeated_ngram(text: str, n: int = 4, min_count: int = 3) -> str | None:
    """The most frequent word n-gram of `text` if it occurs `min_count` or more times, else None.

    Words are `normalize_text(text).split()` (punctuation dropped, case folded), so "I'm a bit biased. I'm a bit
    biased. I'm a bit biased." repeats "im a bit biased" three times. Occurrences may overlap ("ha" six times in
    a row holds "ha ha ha ha" three times).
    """
    words = normalize_text(text).split()
    counts = Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))
    if not counts:
        return None
    gram, count = counts.most_common(1)[0]
    return " ".join(gram) if count >= min_count else None


class LoopShare(LabMetric):
    """Share of predictions that contain a repetition loop: {"loop_share": 0..1}. There are no references.

    An answer loops when some word n-gram (default n=4) occurs `min_count` (default 3) or more times in it,
    after `normalize_text` (see `repeated_ngram`). Why this rule: a loop is the same phrase again and again, and
    counting n-grams finds it wherever it starts and however the answer was cut off at max_new_tokens. Four
    words are more than the stock phrases of ordinary prose ("one of the", "it is a"), and three occurrences are
    more than a sentence that quotes the question once. A loop whose period is so long that it fits fewer than
    `min_count` times in the answer is not counted; text without spaces between words (Chinese, Japanese) has
    few "words" and is rarely counted either.
    """

    input_features = Features({"predictions": Value("string")})
    inputs = "\n    predictions: list of generated strings.\n"

    def __init__(self, n: int = 4, min_count: int = 3, **kwargs):
        if n < 1 or min_count < 2:
            raise LabError(
                f"Invalid LoopShare options: n={n}, min_count={min_count}",
                fix="Use n >= 1 (words per n-gram) and min_count >= 2 (occurrences that make a loop).",
            )
        self.n, self.min_count = n, min_count
        super().__init__(**kwargs)

    def _compute(self, predictions):
        loops = [repeated_ngram(p, self.n, self.min_count) is not None for p in predictions]
        return {"loop_share": float(np.mean(loops))}
