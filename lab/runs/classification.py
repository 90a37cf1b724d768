"""The classify task inside the worker: text -> label datasets, and accuracy / macro-F1 at every evaluation."""

from __future__ import annotations

import numpy as np


def build_datasets(config, tokenizer, splits):
    from datasets import Dataset

    def encode(rows):
        return [{**tokenizer(text, truncation=True, max_length=config.max_length), "labels": label}
                for text, label in rows]

    validation = splits.validation[: config.max_validation_examples]
    stats = {"task": "classify", "examples": len(splits.train), "labels": splits.labels, "counts": splits.counts,
             "validation_examples": len(validation)}
    eval_data = Dataset.from_list(encode(validation)) if validation else None
    return Dataset.from_list(encode(splits.train)), eval_data, stats


def compute_metrics(prediction) -> dict:
    """Accuracy and macro-F1 through the lab's offline `evaluate` metrics."""
    from lab.metrics import load_metric

    logits = prediction.predictions[0] if isinstance(prediction.predictions, tuple) else prediction.predictions
    predicted = np.argmax(logits, axis=-1).tolist()
    references = prediction.label_ids.tolist()
    return {**load_metric("accuracy").compute(predictions=predicted, references=references),
            **load_metric("f1", average="macro").compute(predictions=predicted, references=references)}
