"""Models: the names a face offers, and loading one to describe it. Loaded models stay in one small cache per
process, shared by every interactive face (the Model tab and panel, chat)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict

from lab.models import DEFAULT_MODEL, LoadedModel, list_models, load_model, resolve_model
from lab.models.loading import answering_precision
from lab.paths import confine_model

BASE = "base"  # the run id that means "the base model, untuned"


class ModelCache:
    """An LRU of loaded models keyed by (model, precision, run, options); a lock so concurrent requests load once."""

    def __init__(self, capacity: int = 2):
        self.capacity = capacity
        self._models: OrderedDict[tuple, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model: str, precision: str, run_id: str = BASE, **options) -> LoadedModel:
        key = (model, precision, run_id or BASE, tuple(sorted(options.items())))
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            loaded = self._models[key] = self._load(model, precision, run_id or BASE, options)
            evicted = len(self._models) > self.capacity
            while len(self._models) > self.capacity:
                self._models.popitem(last=False)
        if evicted:  # outside the lock: a full collection takes a while
            from lab.results.adapters import release_memory

            release_memory()  # an evicted model may sit in a reference cycle that keeps it whole
        return loaded

    @staticmethod
    def _load(model: str, precision: str, run_id: str, options: dict) -> LoadedModel:
        if run_id == BASE:
            return load_model(model, answering_precision(precision), **options)
        from lab.results.adapters import load_tuned
        from lab.runs import get_run

        return load_tuned(get_run(run_id))


MODELS = ModelCache(capacity=2)


def model_names() -> list[str]:
    return [m.name for m in list_models()]


def model_name(model: str | None, confined: bool) -> str:
    """A registry name, hub id or folder; a folder outside the allowed ones is refused when `confined`."""
    model = model or DEFAULT_MODEL
    return confine_model(model) if confined else model


def loaded_model(model: str | None = None, precision: str = "fp32", run: str | None = BASE, confined: bool = False,
                 **options) -> LoadedModel:
    """The base model at a precision, or a run's tuned model (on its own base and precision), from the cache.
    `options` go to load_model (quant_type, trust_remote_code)."""
    return MODELS.get(model_name(model, confined), precision, run or BASE, **options)


def describe_model(model: str | None = None, precision: str = "fp32", confined: bool = False) -> dict:
    """Load (or reuse) a model and say what it is: name, folder, precision, device, parameters, footprint."""
    return loaded_model(model, precision, confined=confined).info.to_dict()


def describe_models() -> list[dict]:
    """Every model the lab knows: name, source, state (ready, needs conversion, ...), size on disk, folder."""
    return [asdict(entry) for entry in list_models()]


def prepare_models() -> list[dict]:
    """Convert or build every known model whose package is installed; then describe them all."""
    for entry in list_models():
        if entry.state != "missing package":
            resolve_model(entry.name)
    return describe_models()
