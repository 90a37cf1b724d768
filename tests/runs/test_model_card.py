"""The model card and adapter_config.json as another machine reads them: the base's public id, the data by name
and content hash, the seed and the versions, the project's link; no path of this machine."""

import hashlib
import importlib.metadata
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

from lab.models.registry import DEFAULT_MODEL
from lab.runs.config import TrainConfig
from lab.runs.model_card import write_model_card
from lab.runs.store import Run
from tests.helpers import MESSAGES


def upload_run(tmp_path, model: str) -> tuple[Run, Path]:
    """A run of `model` on data uploaded through the app (a file in a temporary folder), with a saved adapter."""
    upload = tmp_path / "gradio" / "3f9a1c" / "my chats.jsonl"
    upload.parent.mkdir(parents=True)
    shutil.copy(MESSAGES, upload)
    run = Run(tmp_path / "runs" / "20260101-000000-lora-abcd")
    run.adapter_dir.mkdir(parents=True)
    config = TrainConfig(model=model, precision="fp32", method="lora", data=str(upload), seed=7).to_dict()
    (run.path / "config.json").write_text(json.dumps({**config, "data_sha256": None}))
    (run.adapter_dir / "adapter_config.json").write_text(json.dumps(
        {"peft_type": "LORA", "base_model_name_or_path": str(tmp_path / "models" / model)}))
    return run, upload


def test_the_card_names_the_public_base_the_data_by_name_and_hash_the_seed_and_versions(tmp_path):
    run, upload = upload_run(tmp_path, DEFAULT_MODEL)
    write_model_card(run, SimpleNamespace(parameters=1000), 10)
    card = (run.adapter_dir / "README.md").read_text()
    adapter_config = json.loads((run.adapter_dir / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert "base_model: HuggingFaceTB/SmolLM2-135M-Instruct" in card and "library_name: peft" in card
    assert "`my chats.jsonl`" in card and hashlib.sha256(upload.read_bytes()).hexdigest() in card
    assert "| seed | 7 |" in card
    for package in ("torch", "transformers", "peft", "lab"):
        assert f"{package} {importlib.metadata.version(package)}" in card
    homepage = dict(u.split(", ", 1) for u in importlib.metadata.metadata("lab").get_all("Project-URL"))["Homepage"]
    assert f"[lab]({homepage})" in card and homepage != "https://github.com/"
    assert 'AutoPeftModelForCausalLM.from_pretrained(".")' in card and "fetched from the Hugging Face hub" in card
    assert str(tmp_path) not in card + json.dumps(adapter_config)  # neither the upload's folder nor the base's


def test_a_folder_of_data_is_named_and_hashed_over_its_files(tmp_path):
    run, upload = upload_run(tmp_path, "minilm-l6")
    folder = tmp_path / "topics"
    folder.mkdir()
    shutil.copy(upload, folder / "train.jsonl")
    config = json.loads((run.path / "config.json").read_text())
    (run.path / "config.json").write_text(json.dumps({**config, "data": str(folder)}))
    write_model_card(run, SimpleNamespace(parameters=1000), 10)
    card = (run.adapter_dir / "README.md").read_text()
    file_hash = hashlib.sha256(upload.read_bytes()).hexdigest()
    folder_hash = hashlib.sha256(f"train.jsonl\0{file_hash}\n".encode()).hexdigest()
    assert "`topics`, sha256 `" + folder_hash in card
    assert "base_model: sentence-transformers/all-MiniLM-L6-v2" in card
