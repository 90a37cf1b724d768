"""Compare: base vs adapters in one model, each prompt answered by the base and every run."""

import pytest

from lab.results.compare import compare
from lab.errors import LabError
from lab.generation import GenerationSettings
from lab.runs.config import TrainConfig
from lab.runs.store import create_run
from tests.helpers import MESSAGES


@pytest.fixture(autouse=True)
def answers_in_fp32(monkeypatch):
    """Answers are compared token for token, and a random tiny model's logits are near ties everywhere. On a CPU
    with native bf16 the lab answers in bf16 (`answering_precision`), where a sum's rounding depends on the batch's
    shape and flips such ties (seen 2026-12-05 on AVX512-BF16). In fp32 the batching itself is what is tested: the
    adapter each row gets, padding, masks (bench/batch_equality.py measures the real model)."""
    monkeypatch.setattr("lab.models.loading.cpu_has_bf16", lambda: False)


def test_compare_answers_every_prompt_with_base_and_each_run(tiny_runs):
    chosen = [tiny_runs["lora"], tiny_runs["prompt_tuning"], tiny_runs["full"]]
    rows = compare(chosen, ["Hello", "What is AI?"], GenerationSettings(max_new_tokens=6))
    assert [r["prompt"] for r in rows] == ["Hello", "What is AI?"]
    for row in rows:
        assert list(row["answers"]) == ["base"] + [r.id for r in chosen]
    again = compare([tiny_runs["lora"]], ["Hello"], GenerationSettings(max_new_tokens=6))
    assert again[0]["answers"]["base"] == rows[0]["answers"]["base"]  # detached adapters leave the base clean
    assert again[0]["answers"][tiny_runs["lora"].id] == rows[0]["answers"][tiny_runs["lora"].id]


def test_compare_refuses_a_run_without_a_result(tmp_path, tiny_model_dir):
    pending = create_run(TrainConfig(model=str(tiny_model_dir), data=MESSAGES), tmp_path)
    with pytest.raises(LabError, match="no trained adapter"):
        compare([pending], ["Hi"])


def one_at_a_time(runs, prompts, settings):
    """The reference: each model in turn (attach/detach), each prompt alone, streamed."""
    from lab.generation import chat
    from lab.results.adapters import variants

    return {label: [chat(model, tokenizer, p, settings=settings) for p in prompts]
            for label, model, tokenizer in variants(runs)}


def test_batched_and_mixed_adapter_answers_equal_one_at_a_time(tiny_runs):
    """Base and two LoRA runs in one batched pass (peft's adapter_names), prompt tuning and full fine-tuning each
    batched on their own: greedy answers identical to one model and one prompt at a time."""
    from lab.results.adapters import groups

    chosen = [tiny_runs["lora"], tiny_runs["prompt_tuning"], tiny_runs["lora_b"], tiny_runs["full"]]
    prompts = ["Hello", "What is AI? Tell me in a few words, please.", "Hi", "Name three colours of the rainbow"]
    settings = GenerationSettings(max_new_tokens=8)
    batched = compare(chosen, prompts, settings)
    expected = one_at_a_time(chosen, prompts, settings)
    for i, row in enumerate(batched):
        assert row["answers"] == {label: answers[i] for label, answers in expected.items()}
    passes = [labels for labels, *_ in groups(chosen)]
    assert passes == [["base", tiny_runs["lora"].id, tiny_runs["lora_b"].id], [tiny_runs["prompt_tuning"].id],
                      [tiny_runs["full"].id]]
    assert len({row["answers"][tiny_runs["lora"].id] for row in batched} | {row["answers"]["base"] for row in batched}) > 1


def test_compare_split_shows_the_reference_and_counts_progress(tiny_runs):
    from lab.results.compare import compare_split

    seen = []
    rows = compare_split([tiny_runs["lora"]], "validation", 2, GenerationSettings(max_new_tokens=4),
                         progress=lambda done, total: seen.append((done, total)))
    assert all(row["reference"] for row in rows) and list(rows[0]["answers"]) == ["base", tiny_runs["lora"].id]
    assert seen[-1] == (2 * len(rows), 2 * len(rows))
