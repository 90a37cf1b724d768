"""Score the base model and a run's tuned model on the run's validation split, through `evaluate` metrics."""

from __future__ import annotations

import torch

from lab.generation import GenerationSettings
from lab.metrics import load_metric
from lab.results.compare import answered, asked, split_examples
from lab.runs.store import Run, get_run, write_json_atomic


@torch.inference_mode()
def mean_losses(model, tokenizer, examples, max_length: int, adapter: str | None = None,
                batch_size: int = 8) -> tuple[list[float], list[int]]:
    """Each example's mean loss on its answer tokens, and how many answer tokens it has, in right-padded
    batches (`adapter`: the peft adapter every row goes through, in a model of mixed adapters)."""
    from lab.data import tokenize_examples

    rows, _ = tokenize_examples(tokenizer, examples, max_length)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    losses, counts = [], []
    for start in range(0, len(rows), batch_size):
        batch = rows[start:start + batch_size]
        width = max(len(r["input_ids"]) for r in batch)
        ids = torch.tensor([r["input_ids"] + [pad_id] * (width - len(r["input_ids"])) for r in batch])
        labels = torch.tensor([r["labels"] + [-100] * (width - len(r["labels"])) for r in batch])
        mask = torch.tensor([[1] * len(r["input_ids"]) + [0] * (width - len(r["input_ids"])) for r in batch])
        extra = {"adapter_names": [adapter] * len(batch)} if adapter else {}
        logits = model(input_ids=ids.to(model.device), attention_mask=mask.to(model.device), **extra).logits
        targets = labels[:, 1:].to(model.device)
        token_losses = torch.nn.functional.cross_entropy(logits[:, :-1].float().transpose(1, 2), targets,
                                                         ignore_index=-100, reduction="none")
        answered = (targets != -100).sum(1)
        losses += (token_losses.sum(1) / answered.clamp(min=1)).tolist()
        counts += answered.tolist()
    return losses, counts


def score(model, tokenizer, examples, max_length: int, predictions: list[str], adapter: str | None = None) -> dict:
    losses, counts = mean_losses(model, tokenizer, examples, max_length, adapter)
    references = [e.messages[-1]["content"] for e in examples]
    return {
        **load_metric("perplexity", token_weighted=True).compute(predictions=losses, token_counts=counts),
        **load_metric("rouge_l").compute(predictions=predictions, references=references),
        **load_metric("exact_match").compute(predictions=predictions, references=references),
        "samples": [{"prompt": e.messages[-2]["content"], "reference": r, "prediction": p}
                    for e, r, p in list(zip(examples, references, predictions))[:5]],
    }


def evaluate_run(ref, max_examples: int = 20, max_new_tokens: int = 48, split: str = "validation",
                 progress=None) -> dict:
    """Base vs tuned on the same examples of a split (answers generated in one batched pass where peft can mix
    the adapter with the base); stored as the run's eval.json and returned. A classify run is scored by
    lab.results.classify.evaluate_classifier (accuracy, F1, per-class report, confusion matrix).
    `progress(done, total)` counts generated answers."""
    run = ref if isinstance(ref, Run) else get_run(ref)
    if run.config.get("task") == "classify":
        from lab.results.classify import evaluate_classifier

        return evaluate_classifier(run, max_examples, split)
    config, examples = split_examples(run, split, max_examples)
    settings = GenerationSettings(max_new_tokens=max_new_tokens, temperature=0)
    conversations = [asked(e) for e in examples]
    rows = [{"model": label, **score(model, tokenizer, examples, config.max_length, predictions, adapter)}
            for label, model, tokenizer, adapter, predictions in answered([run], conversations, settings,
                                                                          progress=progress)]
    result = {"run": run.id, "split": split, "examples": len(examples), "max_new_tokens": max_new_tokens, "rows": rows}
    write_json_atomic(run.path / "eval.json", result)
    return result
