"""A run's step 0, kept for the next run that starts at the same place: the base model's validation loss and its
answers to the run's sample and report prompts, with what each cost. Both depend only on the base model, its
precision, the validation examples and the answering settings, so a second run on the same base and data skips
its step-0 evaluation and answering (its first step comes that much sooner), and its report reuses the base's
answers. A method that changes the model before its first step (prompt and prefix tuning's virtual tokens)
starts elsewhere and is never cached."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from lab.home import lab_home
from lab.runs.store import read_json, write_json_atomic

VERSION = 1  # bump when what is stored, or how it is computed, changes


def cacheable(config) -> bool:
    return config.task == "chat" and config.method_config().starts_as_base


def _model_identity(model: str) -> dict:
    """A local model folder by its path and its weights' sizes and times (a re-converted model is another model);
    a hub id by its name."""
    folder = Path(model)
    if not folder.is_dir():
        from lab.models.registry import resolve_model

        folder = Path(resolve_model(model))
    if not folder.is_dir():
        return {"model": model}
    weights = sorted(folder.glob("*.safetensors")) + [folder / "config.json"]
    return {"model": str(folder.resolve()),
            "files": [[p.name, p.stat().st_size, int(p.stat().st_mtime)] for p in weights if p.exists()]}


def key(config, validation: list, answered: int) -> str:
    """What step 0's numbers depend on: the base, how it computes, the examples scored and answered, and how."""
    from lab.generation import GenerationSettings
    from lab.models.loading import default_device

    examples = [e.messages for e in validation[:config.max_validation_examples]]
    parts = {"version": VERSION, **_model_identity(config.model), "precision": config.precision,
             "device": default_device(), "examples": examples, "max_length": config.max_length,
             "answer_only": config.answer_only, "batch_size": config.batch_size, "answered": answered,
             "new_tokens": config.sample_new_tokens, "generation": repr(GenerationSettings())}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _path(digest: str) -> Path:
    return lab_home() / "cache" / "step0" / f"{digest}.json"


def lookup(digest: str) -> dict | None:
    """{eval_loss, answers, eval_seconds, answer_seconds} of an earlier run's step 0, or None."""
    record = read_json(_path(digest))
    return record if isinstance(record, dict) and record.get("answers") is not None else None


def store(digest: str, eval_loss: float | None, answers: list[str], eval_seconds: float, answer_seconds: float):
    path = _path(digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json_atomic(path, {"eval_loss": eval_loss, "answers": answers, "eval_seconds": round(eval_seconds, 3),
                             "answer_seconds": round(answer_seconds, 3)})
