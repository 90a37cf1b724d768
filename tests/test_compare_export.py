"""Compare (base vs adapters in one model) and export (copy, or merge LoRA into a plain model)."""

import pytest
import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM

from lab.compare import compare
from lab.errors import LabError
from lab.export import export_run
from lab.generation import GenerationSettings
from lab.runs.config import TrainConfig
from lab.runs.store import create_run
from lab.runs.training import train

ASSETS = "tests/assets/data/messages.jsonl"


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_model_dir):
    root = tmp_path_factory.mktemp("runs")
    made = {}
    for method in ("lora", "prompt_tuning", "full"):
        config = TrainConfig(model=str(tiny_model_dir), method=method, data=ASSETS, max_steps=3, batch_size=2,
                             learning_rate=5e-2, max_length=64, validation_fraction=0.25, eval_steps=3, save_steps=3)
        made[method] = create_run(config, root)
        train(made[method])
    return made


def test_compare_answers_every_prompt_with_base_and_each_run(runs):
    chosen = [runs["lora"], runs["prompt_tuning"], runs["full"]]
    rows = compare(chosen, ["Hello", "What is AI?"], GenerationSettings(max_new_tokens=6))
    assert [r["prompt"] for r in rows] == ["Hello", "What is AI?"]
    for row in rows:
        assert list(row["answers"]) == ["base"] + [r.id for r in chosen]
    again = compare([runs["lora"]], ["Hello"], GenerationSettings(max_new_tokens=6))
    assert again[0]["answers"]["base"] == rows[0]["answers"]["base"]  # detached adapters leave the base clean
    assert again[0]["answers"][runs["lora"].id] == rows[0]["answers"][runs["lora"].id]


def test_compare_refuses_a_run_without_a_result(tmp_path, tiny_model_dir):
    pending = create_run(TrainConfig(model=str(tiny_model_dir), data=ASSETS), tmp_path)
    with pytest.raises(LabError, match="no trained adapter"):
        compare([pending], ["Hi"])


def test_export_copies_the_adapter(runs, tmp_path):
    out = export_run(runs["lora"].path, tmp_path / "adapter")
    assert (out / "adapter_config.json").exists() and (out / "README.md").exists()


def test_merged_export_is_a_plain_model_with_the_adapters_outputs(runs, tmp_path, tiny_model_dir):
    out = export_run(runs["lora"].path, tmp_path / "merged", merge=True)
    assert not (out / "adapter_config.json").exists()
    inputs = torch.tensor([[3, 14, 15, 92]])
    with torch.no_grad():
        merged = AutoModelForCausalLM.from_pretrained(out)(inputs).logits
        base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
        adapted = PeftModel.from_pretrained(base, runs["lora"].adapter_dir)(input_ids=inputs).logits
    torch.testing.assert_close(merged, adapted, atol=1e-4, rtol=1e-4)


def test_export_refuses_to_merge_prompt_tuning_and_to_overwrite(runs, tmp_path):
    with pytest.raises(LabError, match="cannot be merged"):
        export_run(runs["prompt_tuning"].path, tmp_path / "x", merge=True)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(LabError, match="not empty"):
        export_run(runs["lora"].path, tmp_path / "full")
