"""Score the base model and a run's tuned model on the run's validation split, through `evaluate` metrics."""

from __future__ import annotations

import torch

from lab.results.adapters import variants
from lab.errors import LabError
from lab.generation import GenerationSettings, chat
from lab.metrics import load_metric
from lab.runs.store import Run, get_run, write_json_atomic


def split_examples(run: Run, split: str, limit: int):
    config = run.train_config()
    splits = config.read_data()
    if split not in ("validation", "train"):
        raise LabError(f"Unknown split '{split}'.", "", "Use validation or train.")
    examples = [e for e in getattr(splits, split) if e.messages][:limit]
    if not examples:
        raise LabError(f"Run {run.id} has no {split} conversations to score.",
                       "Its data has no validation file and validation_fraction is 0, or it is plain text.",
                       "Train with a validation split (a validation file, or validation_fraction > 0).")
    return config, examples


@torch.inference_mode()
def mean_losses(model, tokenizer, examples, max_length: int) -> tuple[list[float], list[int]]:
    """Each example's mean loss on its answer tokens, and how many answer tokens it has."""
    from lab.data import tokenize_examples

    rows, _ = tokenize_examples(tokenizer, examples, max_length)
    losses, counts = [], []
    for row in rows:
        input_ids = torch.tensor([row["input_ids"]], device=model.device)
        labels = torch.tensor([row["labels"]], device=model.device)
        losses.append(model(input_ids=input_ids, labels=labels).loss.item())
        counts.append(int((labels[0, 1:] != -100).sum()))
    return losses, counts


def score(model, tokenizer, examples, max_length: int, settings: GenerationSettings) -> dict:
    losses, counts = mean_losses(model, tokenizer, examples, max_length)
    predictions = [chat(model, tokenizer, e.messages[-2]["content"], history=e.messages[:-2], settings=settings)
                   for e in examples]
    references = [e.messages[-1]["content"] for e in examples]
    return {
        **load_metric("perplexity", token_weighted=True).compute(predictions=losses, token_counts=counts),
        **load_metric("rouge_l").compute(predictions=predictions, references=references),
        **load_metric("exact_match").compute(predictions=predictions, references=references),
        "samples": [{"prompt": e.messages[-2]["content"], "reference": r, "prediction": p}
                    for e, r, p in list(zip(examples, references, predictions))[:5]],
    }


def evaluate_run(ref, max_examples: int = 20, max_new_tokens: int = 48, split: str = "validation") -> dict:
    """Base vs tuned on the same examples of a split; stored as the run's eval.json and returned. A classify run
    is scored by lab.classify.evaluate_classifier (accuracy, F1, per-class report, confusion matrix)."""
    run = ref if isinstance(ref, Run) else get_run(ref)
    if run.config.get("task") == "classify":
        from lab.results.classify import evaluate_classifier

        return evaluate_classifier(run, max_examples, split)
    config, examples = split_examples(run, split, max_examples)
    settings = GenerationSettings(max_new_tokens=max_new_tokens, temperature=0)
    rows = []
    for label, model, tokenizer in variants([run]):
        rows.append({"model": label, **score(model, tokenizer, examples, config.max_length, settings)})
    result = {"run": run.id, "split": split, "examples": len(examples), "max_new_tokens": max_new_tokens, "rows": rows}
    write_json_atomic(run.path / "eval.json", result)
    return result
