"""An adapter trained elsewhere (a plain peft folder) registered as a run of its base model, so every view of a run
works on it (docs/ARCHITECTURE.md, "Imported adapters")."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from lab.errors import LabError
from lab.runs.config import TrainConfig
from lab.runs.store import Run, create_run

# peft_type -> (the lab's method, {its setting: adapter_config's field})
PEFT_METHODS = {
    "LORA": ("lora", {"r": "r", "alpha": "lora_alpha", "dropout": "lora_dropout", "target_modules": "target_modules"}),
    "PROMPT_TUNING": ("prompt_tuning", {"num_virtual_tokens": "num_virtual_tokens",
                                        "init_text": "prompt_tuning_init_text"}),
    "PREFIX_TUNING": ("prefix_tuning", {"num_virtual_tokens": "num_virtual_tokens",
                                        "projection": "prefix_projection"}),
    "IA3": ("ia3", {"target_modules": "target_modules", "feedforward_modules": "feedforward_modules"}),
}


def read_adapter_config(folder: Path) -> dict:
    path = folder / "adapter_config.json"
    if not folder.is_dir():
        raise LabError(f"{folder} is not a folder.", "An adapter is a folder saved by peft's save_pretrained.",
                       "Give the folder that holds adapter_config.json.")
    if not path.is_file():
        raise LabError(f"{folder} has no adapter_config.json.",
                       "The lab imports peft adapters: folders written by save_pretrained, with adapter_config.json "
                       "and adapter_model.safetensors.",
                       "Give the folder that holds adapter_config.json (a whole model is loaded by its folder "
                       "instead: use it as the model).")
    if not (folder / "adapter_model.safetensors").is_file():
        raise LabError(f"{folder} has no adapter_model.safetensors.",
                       "The lab loads weights from safetensors only; pickled .bin weights can run code.",
                       "Save the adapter again with save_pretrained(..., safe_serialization=True).")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LabError(f"{path} is not valid JSON.", str(exc), "Save the adapter again with save_pretrained.") from exc


def method_of(adapter_config: dict) -> tuple[str, dict]:
    """The lab's method and its settings for the adapter's peft type; other types and classifiers are refused."""
    peft_type = adapter_config.get("peft_type")
    if peft_type not in PEFT_METHODS:
        raise LabError(f"The lab cannot import a {peft_type or 'untyped'} adapter.",
                       "It compares, chats with and evaluates the methods it trains itself.",
                       f"Import an adapter of type {', '.join(PEFT_METHODS)}.")
    if adapter_config.get("task_type") not in (None, "CAUSAL_LM"):
        raise LabError(f"The lab imports chat adapters, not {adapter_config['task_type']} ones.",
                       "A classifier's labels and head are not in its adapter folder.",
                       "Import a CAUSAL_LM adapter, or train the classifier here (task classify).")
    method, fields = PEFT_METHODS[peft_type]
    return method, {ours: adapter_config[theirs] for ours, theirs in fields.items()
                    if adapter_config.get(theirs) is not None}


def base_model(adapter_config: dict, base: str | None) -> str:
    """The base as a run's config names it: a registry name (also for its public id), a folder's absolute path,
    or a hub id (offline: only one in the local hub cache)."""
    from lab.models.registry import MODELS, resolve_model

    name = base or adapter_config.get("base_model_name_or_path")
    if not name:
        raise LabError("The adapter does not name its base model.",
                       "adapter_config.json has no base_model_name_or_path.",
                       "Give the base model it was trained on (lab import PATH --base MODEL).")
    name = next((m.name for m in MODELS.values() if name in (m.name, m.public_id)), name)
    try:
        resolved = resolve_model(name)
    except LabError as error:
        raise LabError(error.what, error.why, f"{error.fix} Or give the base model it was trained on "
                                              "(lab import PATH --base MODEL).") from error
    return resolved if Path(name).expanduser().exists() else name


def import_adapter(folder: str | Path, base: str | None = None, name: str = "", root=None) -> Run:
    """A completed run of the adapter's base model holding a copy of the adapter (its folder's top-level files)."""
    folder = Path(folder).expanduser().resolve()
    adapter_config = read_adapter_config(folder)
    method, settings = method_of(adapter_config)
    config = TrainConfig(task="chat", model=base_model(adapter_config, base), precision="fp32", method=method,
                         method_params=settings, data=None, name=name or folder.name)
    run = create_run(config, root)
    try:
        run.adapter_dir.mkdir()
        for file in folder.iterdir():
            if file.is_file():
                shutil.copy2(file, run.adapter_dir / file.name)
        card = run.adapter_dir / "README.md"
        if not card.exists():  # a finished run is one with a model card (lab.list_runs(finished=True))
            card.write_text(f"# {config.name}\n\nA {method} adapter of `{config.model}`, imported into the lab from "
                            f"`{folder.name}`.\n", encoding="utf-8")
    except OSError as exc:
        shutil.rmtree(run.path, ignore_errors=True)  # nothing half-imported
        raise LabError(f"Could not copy the adapter into run {run.id}.", str(exc),
                       "Free disk space in the workspace, then import it again.") from exc
    run.set_status("completed", pid=None, finished=time.time(), imported=str(folder))
    return run
