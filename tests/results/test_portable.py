"""A run's result travels: the Runs tab's zip, unzipped on another machine, loads with plain peft and answers as
the lab's own load does; nothing in it names this machine; a merged export carries the same card."""

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
import torch
from peft import AutoPeftModelForCausalLM, PeftModel
from transformers import AutoModelForCausalLM

import lab
from lab.results.adapters import load_tuned
from tests.helpers import MESSAGES

INPUTS = torch.tensor([[3, 14, 15, 92]])


def unzipped(archive: str, folder: Path) -> Path:
    zipfile.ZipFile(archive).extractall(folder)
    return folder


def local_paths(run, tiny_model_dir) -> list[str]:
    return [str(tiny_model_dir), str(run.path), str(Path(MESSAGES).resolve().parent)]


def test_the_downloaded_zip_loads_with_plain_peft_as_the_lab_loads_it(tiny_runs, tiny_model_dir, tmp_path):
    run = tiny_runs["lora"]
    folder = unzipped(lab.download_run(str(run.path)), tmp_path / "elsewhere")
    assert json.loads((folder / "adapter_config.json").read_text())["base_model_name_or_path"] == tiny_model_dir.name
    with torch.no_grad():
        plain = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny_model_dir), folder)
        expected = load_tuned(run, "fp32").model(input_ids=INPUTS).logits  # the lab: base from config.json
        torch.testing.assert_close(plain.eval()(input_ids=INPUTS).logits, expected)


def test_the_cards_snippet_finds_the_base_by_its_public_name(tiny_runs, tiny_model_dir, tmp_path, monkeypatch):
    """AutoPeftModelForCausalLM reads the base from adapter_config.json: here a folder of that name beside it."""
    run = tiny_runs["lora"]
    folder = unzipped(lab.download_run(str(run.path)), tmp_path / "adapter")
    assert 'AutoPeftModelForCausalLM.from_pretrained(".")' in (folder / "README.md").read_text()
    os.symlink(tiny_model_dir, tmp_path / tiny_model_dir.name)
    monkeypatch.chdir(tmp_path)  # the base's name resolves from here, as a hub id would online
    with torch.no_grad():
        model = AutoPeftModelForCausalLM.from_pretrained("adapter")
        expected = load_tuned(run, "fp32").model(input_ids=INPUTS).logits
        torch.testing.assert_close(model.eval()(input_ids=INPUTS).logits, expected)


@pytest.mark.parametrize("method", ["lora", "prompt_tuning", "full"])
def test_no_file_of_the_result_names_a_path_of_this_machine(tiny_runs, tiny_model_dir, method):
    run = tiny_runs[method]
    for file in run.adapter_dir.iterdir():
        if file.suffix in (".json", ".md", ".txt", ".jinja"):
            text = file.read_text(encoding="utf-8")
            assert not [p for p in local_paths(run, tiny_model_dir) if p in text], file.name


def test_a_merged_export_carries_the_portable_card_and_its_size(tiny_runs, tiny_model_dir, tmp_path):
    run = tiny_runs["lora"]
    result = lab.export_run(str(run.path), str(tmp_path / "merged"), merge=True)
    card = (tmp_path / "merged" / "README.md").read_text()
    assert result["warnings"] == [] and result["size"] > (tmp_path / "merged" / "model.safetensors").stat().st_size
    assert "library_name: transformers" in card and f"base_model: {tiny_model_dir.name}" in card
    assert "## Before and after" in card and 'AutoModelForCausalLM.from_pretrained(".")' in card
    assert not [p for p in local_paths(run, tiny_model_dir) if p in card]
    whole = lab.export_run(str(tiny_runs["full"].path), str(tmp_path / "full"), merge=True)
    assert "nothing to merge" in whole["warnings"][0] and (tmp_path / "full" / "model.safetensors").exists()


def test_merging_a_quantised_run_warns_and_a_prompt_tuning_run_is_refused(tiny_runs, tmp_path):
    quantised = Path(shutil.copytree(tiny_runs["lora"].path, tmp_path / "runs" / tiny_runs["lora"].id))
    config = json.loads((quantised / "config.json").read_text())
    (quantised / "config.json").write_text(json.dumps({**config, "precision": "4bit"}))
    result = lab.download_merged(str(quantised))
    assert result["path"].endswith(".zip") and result["size"] == Path(result["path"]).stat().st_size
    assert len(result["warnings"]) == 1 and "4bit base" in result["warnings"][0]
    assert "model.safetensors" in zipfile.ZipFile(result["path"]).namelist()

    before = set(Path(result["path"]).parents[1].glob("lab-download-*"))
    with pytest.raises(lab.LabError, match="cannot be merged"):
        lab.download_merged(str(tiny_runs["prompt_tuning"].path))
    assert set(Path(result["path"]).parents[1].glob("lab-download-*")) == before  # no empty folder left behind
