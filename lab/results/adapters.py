"""Put a run's result on its base model: a peft adapter on the shared base, or a whole tuned model."""

from __future__ import annotations

from typing import Iterator

import torch

from lab.errors import LabError
from lab.models import LoadedModel, load_model
from lab.runs.store import Run


def is_peft(run: Run) -> bool:
    return (run.adapter_dir / "adapter_config.json").is_file()


def check_result(run: Run) -> None:
    if not (run.adapter_dir / "config.json").is_file() and not is_peft(run):
        raise LabError(f"Run {run.id} has no trained adapter yet (it is {run.state}).",
                       "The adapter is saved when a run completes or is stopped.",
                       "Wait for the run to finish, or stop it to save what it has learned.")


def run_labels(run: Run) -> list[str] | None:
    """A classify run's class names (recorded in its start event), or None for a chat run."""
    if run.config.get("task", "chat") != "classify":
        return None
    start = run.events("start")
    return start[0]["data"]["labels"] if start else run.train_config().read_data().labels


def load_base(run: Run, precision: str | None = None) -> LoadedModel:
    """The model a run started from. A classify run's new head is seeded, so this is the head it trained from."""
    config, labels = run.config, run_labels(run)
    if labels:
        torch.manual_seed(config.get("seed", 0))
    return load_model(config["model"], precision or config["precision"], labels=labels)


def load_whole(run: Run) -> LoadedModel:
    """A full or head-only run's result: a whole model (with its classification head for classify runs)."""
    return load_model(str(run.adapter_dir), "fp32", labels=run_labels(run))


def detach(peft_model):
    """The base model again, with no trace of the adapter, so the next adapter starts clean."""
    name = peft_model.active_adapter
    if peft_model.peft_config[name].is_prompt_learning:
        return peft_model.get_base_model()
    return peft_model.unload()


def variants(runs: list[Run], precision: str | None = None, with_base: bool = True) -> Iterator[tuple[str, object, object]]:
    """Yield (label, model, tokenizer): the base, then each run's tuned model. The base loads once; peft adapters
    attach to it in turn, so memory stays near one model."""
    from peft import PeftModel

    if not runs:
        raise LabError("No run chosen.", "There is nothing to compare the base model with.", "Choose one or more runs.")
    for run in runs:
        check_result(run)
    models = {run.config["model"] for run in runs}
    if len(models) > 1:
        raise LabError("These runs tuned different base models.", ", ".join(sorted(models)),
                       "Compare runs of the same base model.")
    if len({run.config.get("task", "chat") for run in runs}) > 1:
        raise LabError("These runs do different tasks.", "Chat runs and classify runs give different outputs.",
                       "Compare runs of one task.")
    base, tokenizer, _ = load_base(runs[0], precision)
    if with_base:
        yield "base", base, tokenizer
    for run in runs:
        if is_peft(run):
            tuned = PeftModel.from_pretrained(base, str(run.adapter_dir))
            tuned.eval()
            yield run.id, tuned, tokenizer
            base = detach(tuned)
        else:
            full, _, _ = load_whole(run)
            yield run.id, full, tokenizer
            del full


def load_tuned(run: Run, precision: str | None = None) -> LoadedModel:
    """The run's tuned model, ready to chat with."""
    from peft import PeftModel

    check_result(run)
    if not is_peft(run):
        return load_whole(run)
    base, tokenizer, info = load_base(run, precision)
    tuned = PeftModel.from_pretrained(base, str(run.adapter_dir))
    tuned.eval()
    return LoadedModel(tuned, tokenizer, info)
