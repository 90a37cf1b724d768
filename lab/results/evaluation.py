"""Score the base model and runs' tuned models on the first run's split, through `evaluate` metrics: the
before/after report the worker writes when a run ends, and `lab eval`."""

from __future__ import annotations

import time

import torch

from lab.generation import GenerationSettings
from lab.metrics import load_metric
from lab.results.adapters import check_comparable, releases_models
from lab.results.compare import answered, asked, split_examples
from lab.results.report import finished, samples
from lab.runs.store import Run, get_run


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
        logits = logits[:, -width:]  # prompt tuning puts its virtual tokens first: score only the text
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
    return {**load_metric("perplexity", token_weighted=True).compute(predictions=losses, token_counts=counts),
            **text_scores(predictions, references)}


def text_scores(predictions: list[str], references: list[str]) -> dict:
    return {**load_metric("rouge_l").compute(predictions=predictions, references=references),
            **load_metric("exact_match").compute(predictions=predictions, references=references)}


def changed(answers: list[str], base: list[str]) -> float:
    """The share of answers that differ from the base's."""
    return sum(a.strip() != b.strip() for a, b in zip(answers, base)) / max(len(answers), 1)


@releases_models
def evaluate_runs(refs, max_examples: int = 20, max_new_tokens: int = 48, split: str = "validation",
                  progress=None, known_facts: dict | None = None) -> dict:
    """The base and every run on the same examples of the first run's split, answered in one batched pass where
    peft can mix the adapters (other methods a pass each). Chat: {model, loss, perplexity, rougeL, exact_match,
    changed} per model; classify: lab.results.classify.score_classifiers. One run alone is stored as its
    eval.json with its facts (`known_facts` overrides them). `progress(done, total)` counts generated answers."""
    started = time.time()
    runs = list({run.id: run for run in (r if isinstance(r, Run) else get_run(r) for r in refs)}.values())
    check_comparable(runs)  # one base model and one task, before anything loads
    if runs[0].config.get("task") == "classify":
        from lab.results.classify import score_classifiers

        return finished(score_classifiers(runs, max_examples, split), runs, started, known_facts)
    config, examples = split_examples(runs[0], split, max_examples)
    settings = GenerationSettings(max_new_tokens=max_new_tokens, temperature=0)
    rows, answers = [], {}
    for label, model, tokenizer, adapter, predictions in answered(runs, [asked(e) for e in examples], settings,
                                                                  progress=progress):
        rows.append({"model": label, **score(model, tokenizer, examples, config.max_length, predictions, adapter)})
        answers[label] = predictions
    order = ["base", *(run.id for run in runs)]  # the models as chosen, whichever pass answered them
    rows.sort(key=lambda row: order.index(row["model"]))
    answers = {label: answers[label] for label in order}
    for row in rows:
        row["changed"] = None if row["model"] == "base" else changed(answers[row["model"]], answers["base"])
    result = {"run": runs[0].id, "runs": [run.id for run in runs], "task": "chat", "split": split,
              "examples": len(examples), "max_new_tokens": max_new_tokens, "rows": rows,
              "reference_words": round(sum(len(e.messages[-1]["content"].split()) for e in examples) / len(examples), 2),
              "samples": samples([e.messages[-2]["content"] for e in examples],
                                 [e.messages[-1]["content"] for e in examples], answers)}
    return finished(result, runs, started, known_facts)


def report_from_training(run: Run, examples, before: dict, after: dict, max_new_tokens: int, scored: int,
                         known_facts: dict | None = None) -> dict:
    """A run's report from numbers its training computed, with nothing loaded again: `before` and `after` are
    {loss, answers}, the validation loss over the `scored` examples of every evaluation (step 0's, the base's, and
    the last one's) and the greedy answers to `examples` (step 0's and the last pass's). Stored as eval.json."""
    import math

    started = time.time()
    prompts = [e.messages[-2]["content"] for e in examples]
    references = [e.messages[-1]["content"] for e in examples]
    answers = {"base": before["answers"][:len(examples)], run.id: after["answers"][:len(examples)]}
    rows = [{"model": label, "loss": numbers["loss"], "perplexity": math.exp(min(numbers["loss"], 50)),
             **text_scores(answers[label], references),
             "changed": None if label == "base" else changed(answers[label], answers["base"])}
            for label, numbers in (("base", before), (run.id, after))]
    result = {"run": run.id, "runs": [run.id], "task": "chat", "split": "validation", "examples": len(examples),
              "loss_examples": scored, "max_new_tokens": max_new_tokens, "rows": rows,
              "reference_words": round(sum(len(r.split()) for r in references) / len(references), 2),
              "samples": samples(prompts, references, answers)}
    return finished(result, [run], started, known_facts)


def evaluate_run(ref, max_examples: int = 20, max_new_tokens: int = 48, split: str = "validation",
                 progress=None) -> dict:
    """evaluate_runs for one run, stored as its eval.json."""
    return evaluate_runs([ref], max_examples, max_new_tokens, split, progress)
