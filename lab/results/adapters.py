"""Put a run's result on its base model: a peft adapter on the shared base, or a whole tuned model."""

from __future__ import annotations

import ctypes
import functools
import gc
from typing import Iterator

import torch

from lab.errors import LabError
from lab.models import LoadedModel, load_model
from lab.models.loading import answering_precision
from lab.runs.store import Run


def release_memory() -> None:
    """Free the models nothing uses any more and give their memory back to the system. peft leaves reference
    cycles (a prompt-learning model's generate binds its base's own method onto the base) that only a full
    collection frees, which a long-lived app with millions of objects seldom runs; and glibc keeps freed pages in
    its arenas (one per thread that allocated) unless asked to return them."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        pass


def releases_models(answer):
    """For functions that load models to answer once (compare, evaluate): when they return or raise, those
    models are freed and their memory returned, so an app's memory stays at its cache of models."""
    @functools.wraps(answer)
    def call(*args, **kwargs):
        try:
            return answer(*args, **kwargs)
        finally:
            release_memory()

    return call


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
    # A chat run answers at the fastest precision; a classifier keeps its own, so its base is its step-0 head.
    chosen = precision or (config["precision"] if labels else answering_precision(config["precision"]))
    return load_model(config["model"], chosen, labels=labels)


def load_whole(run: Run) -> LoadedModel:
    """A full or head-only run's result: a whole model (with its classification head for classify runs)."""
    labels = run_labels(run)
    return load_model(str(run.adapter_dir), "fp32" if labels else answering_precision("fp32"), labels=labels)


def detach(peft_model):
    """The base model again, with no trace of the adapter, so the next adapter starts clean."""
    name = peft_model.active_adapter
    if peft_model.peft_config[name].is_prompt_learning:
        return peft_model.get_base_model()
    return peft_model.unload()


BASE_ADAPTER = "__base__"  # peft's name for "no adapter" in a batch of mixed adapters


def mixes(run: Run) -> bool:
    """Whether peft can run this run's adapter beside the base's rows in one batch (its method declares it)."""
    from lab.methods import METHODS

    method = METHODS.get(run.config.get("method"))
    return is_peft(run) and method is not None and method.mixes_in_batch


def check_comparable(runs: list[Run]) -> None:
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


def groups(runs: list[Run], precision: str | None = None,
           with_base: bool = True) -> Iterator[tuple[list[str], object, object, list[str] | None]]:
    """Yield (labels, model, tokenizer, adapter_names): the base and every run whose adapter peft can mix in
    one batch (LoRA) share one model, each row naming its adapter; every other run comes alone on its own model
    (adapter_names None). The base loads once, so memory stays near one model."""
    from peft import PeftModel

    check_comparable(runs)
    base, tokenizer, _ = load_base(runs[0], precision)
    mixed = [run for run in runs if mixes(run)]
    if mixed:
        tuned = PeftModel.from_pretrained(base, str(mixed[0].adapter_dir), adapter_name=mixed[0].id)
        for run in mixed[1:]:
            tuned.load_adapter(str(run.adapter_dir), adapter_name=run.id)
        tuned.eval()
        names = [BASE_ADAPTER] * with_base + [run.id for run in mixed]
        yield ["base"] * with_base + [run.id for run in mixed], tuned, tokenizer, names
        base = tuned.unload()
    elif with_base:
        yield ["base"], base, tokenizer, None
    for run in runs:
        if not mixes(run):
            tuned = tuned_on(base, run)
            yield [run.id], tuned, tokenizer, None
            base = detach(tuned) if is_peft(run) else base


def tuned_on(base, run: Run):
    """The run's tuned model: its peft adapter attached to `base`, or its whole saved model."""
    from peft import PeftModel

    if not is_peft(run):
        return load_whole(run).model
    tuned = PeftModel.from_pretrained(base, str(run.adapter_dir))
    tuned.eval()
    return tuned


def variants(runs: list[Run], precision: str | None = None, with_base: bool = True) -> Iterator[tuple[str, object, object]]:
    """Yield (label, model, tokenizer): the base, then each run's tuned model. The base loads once; peft adapters
    attach to it in turn, so memory stays near one model."""
    check_comparable(runs)
    base, tokenizer, _ = load_base(runs[0], precision)
    if with_base:
        yield "base", base, tokenizer
    for run in runs:
        tuned = tuned_on(base, run)
        yield run.id, tuned, tokenizer
        base = detach(tuned) if is_peft(run) else base


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
