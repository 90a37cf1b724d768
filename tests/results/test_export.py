"""Export: copy the adapter, or merge LoRA into a plain model."""

import pytest
import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM

from lab.errors import LabError
from lab.results.export import export_run


def test_export_copies_the_adapter(tiny_runs, tmp_path):
    out = export_run(tiny_runs["lora"].path, tmp_path / "adapter")
    assert (out / "adapter_config.json").exists() and (out / "README.md").exists()


def test_merged_export_is_a_plain_model_with_the_adapters_outputs(tiny_runs, tmp_path, tiny_model_dir):
    out = export_run(tiny_runs["lora"].path, tmp_path / "merged", merge=True)
    assert not (out / "adapter_config.json").exists()
    inputs = torch.tensor([[3, 14, 15, 92]])
    with torch.no_grad():
        merged = AutoModelForCausalLM.from_pretrained(out)(inputs).logits
        base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
        adapted = PeftModel.from_pretrained(base, tiny_runs["lora"].adapter_dir)(input_ids=inputs).logits
    torch.testing.assert_close(merged, adapted, atol=1e-4, rtol=1e-4)


def test_export_refuses_to_merge_prompt_tuning_and_to_overwrite(tiny_runs, tmp_path):
    with pytest.raises(LabError, match="cannot be merged"):
        export_run(tiny_runs["prompt_tuning"].path, tmp_path / "x", merge=True)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(LabError, match="not empty"):
        export_run(tiny_runs["lora"].path, tmp_path / "full")
