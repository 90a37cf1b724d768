"""The classify task after training: label probabilities from the base and tuned models, and accuracy, macro-F1,
a per-class report and a confusion matrix for both on a split."""

from __future__ import annotations

import time

import torch

from lab.errors import LabError
from lab.metrics import load_metric
from lab.results.adapters import releases_models, run_labels, variants
from lab.results.report import SAMPLES, finished, samples
from lab.runs.store import Run, get_run


def classify_runs(refs) -> list[Run]:
    runs = [r if isinstance(r, Run) else get_run(r) for r in refs]
    for run in runs:
        if run_labels(run) is None:
            raise LabError(f"Run {run.id} is a chat run, not a classifier.",
                           "Label probabilities come from a classification head, which only classify runs train.",
                           "Pick a run trained with task classify (or use Compare / Chat for chat runs).")
    return runs


@torch.inference_mode()
def probabilities(model, tokenizer, texts: list[str], max_length: int = 512, batch_size: int = 32) -> torch.Tensor:
    """Softmax over the classes, one row per text (batched, padded to each batch's longest text)."""
    rows = []
    for i in range(0, len(texts), batch_size):
        batch = tokenizer(texts[i:i + batch_size], padding=True, truncation=True, max_length=max_length,
                          return_tensors="pt").to(model.device)
        rows.append(model(**batch).logits.float().softmax(-1).cpu())
    return torch.cat(rows) if rows else torch.empty(0)


@releases_models
def predict(runs, texts: list[str], precision: str | None = None) -> list[dict]:
    """One row per text: {"text", "probabilities": {"base" | <run id>: {label: p}}}. Base is the untrained head
    each run started from, so the difference is what tuning learned."""
    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        raise LabError("No text to classify.", "", "Type one text per line.")
    runs = classify_runs(runs)
    labels = run_labels(runs[0])
    rows = [{"text": text, "probabilities": {}} for text in texts]
    for name, model, tokenizer in variants(runs, precision):
        for row, p in zip(rows, probabilities(model, tokenizer, texts).tolist()):
            row["probabilities"][name] = dict(zip(labels, p))
    return rows


@releases_models
def score_classifiers(runs: list[Run], max_examples: int = 1000, split: str = "validation") -> dict:
    """Before (the untrained head) vs each run on the first run's split: accuracy, macro-F1 and a per-class
    report with its confusion matrix per model, and the first examples' predicted labels."""
    runs = classify_runs(runs)
    if split not in ("validation", "train"):
        raise LabError(f"Unknown split '{split}'.", "", "Use validation or train.")
    config = runs[0].train_config()
    examples = getattr(config.read_data(), split)[:max_examples]
    if not examples:
        raise LabError(f"Run {runs[0].id} has no {split} examples to score.", "Its validation_fraction is 0.",
                       "Train with a validation file or validation_fraction > 0.")
    labels = run_labels(runs[0])
    texts, references = [t for t, _ in examples], [label for _, label in examples]
    rows, answers = [], {}
    for name, model, tokenizer in variants(runs):
        predicted = probabilities(model, tokenizer, texts, config.max_length).argmax(-1).tolist()
        report = load_metric("classification_report", labels=list(range(len(labels))))
        rows.append({"model": name,
                     **load_metric("accuracy").compute(predictions=predicted, references=references),
                     **load_metric("f1", average="macro").compute(predictions=predicted, references=references),
                     "report": {**report.compute(predictions=predicted, references=references), "labels": labels}})
        answers[name] = [labels[i] for i in predicted[:SAMPLES]]
    return {"run": runs[0].id, "runs": [run.id for run in runs], "task": "classify", "split": split,
            "examples": len(examples), "max_new_tokens": None, "rows": rows,
            "samples": samples(texts, [labels[i] for i in references[:SAMPLES]], answers)}


def evaluate_classifier(ref, max_examples: int = 1000, split: str = "validation") -> dict:
    """score_classifiers for one run, with its facts, stored as its eval.json."""
    started = time.time()
    runs = classify_runs([ref])
    return finished(score_classifiers(runs, max_examples, split), runs, started)
