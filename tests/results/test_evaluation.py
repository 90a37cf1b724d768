"""Evaluate: batched losses and answers equal the one-at-a-time ones; base and a LoRA run in one pass; the share
of changed answers."""

import pytest
import torch

from lab.data import tokenize_examples
from lab.generation import GenerationSettings, chat
from lab.results.adapters import variants
from lab.results.compare import split_examples
from lab.results.evaluation import changed, evaluate_run, mean_losses


@pytest.mark.parametrize("method", ["lora", "prompt_tuning"])  # prompt tuning's virtual tokens are not scored
def test_batched_losses_equal_one_example_at_a_time(tiny_runs, method):
    run = tiny_runs[method]
    config, examples = split_examples(run, "train", 6)
    for _, model, tokenizer in variants([run]):
        batched, counts = mean_losses(model, tokenizer, examples, config.max_length, batch_size=4)
        singles = [mean_losses(model, tokenizer, [e], config.max_length, batch_size=1)[0][0] for e in examples]
        with torch.inference_mode():
            rows, _ = tokenize_examples(tokenizer, examples, config.max_length)
            reference = [model(input_ids=torch.tensor([r["input_ids"]]), labels=torch.tensor([r["labels"]])).loss.item()
                         for r in rows]
        assert batched == pytest.approx(reference, rel=1e-4) and singles == pytest.approx(reference, rel=1e-4)
        assert all(n > 0 for n in counts)


def test_evaluate_answers_equal_one_at_a_time_and_counts_progress(tiny_runs):
    run, seen = tiny_runs["lora"], []
    result = evaluate_run(run, max_examples=3, max_new_tokens=6, split="train",
                          progress=lambda done, total: seen.append((done, total)))
    _, examples = split_examples(run, "train", 3)
    settings = GenerationSettings(max_new_tokens=6, temperature=0)
    for row, (label, model, tokenizer) in zip(result["rows"], variants([run])):
        expected = [chat(model, tokenizer, e.messages[-2]["content"], history=e.messages[:-2], settings=settings)
                    for e in examples]
        assert row["model"] == label and [s["answers"][label] for s in result["samples"]] == expected
    assert seen[-1] == (2 * result["examples"], 2 * result["examples"])


def test_changed_is_the_share_of_answers_that_differ_from_the_base():
    assert changed(["a", "b ", "c", "d"], ["a", "b", "x", "y"]) == 0.5 and changed([], []) == 0
