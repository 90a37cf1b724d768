"""Models kept in memory for interactive faces (app, widgets): loaded once, reused across requests."""

from __future__ import annotations

import threading
from collections import OrderedDict

from lab.models import LoadedModel, load_model

BASE = "base"


class ModelCache:
    """A small LRU of loaded models keyed by (model, precision, run); a lock so concurrent requests load once."""

    def __init__(self, capacity: int = 2):
        self.capacity = capacity
        self._models: OrderedDict[tuple, LoadedModel] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model: str, precision: str, run_id: str = BASE) -> LoadedModel:
        key = (model, precision, run_id or BASE)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            loaded = self._load(*key)
            self._models[key] = loaded
            while len(self._models) > self.capacity:
                self._models.popitem(last=False)
            return loaded

    @staticmethod
    def _load(model: str, precision: str, run_id: str) -> LoadedModel:
        if run_id == BASE:
            return load_model(model, precision)
        from lab.adapters import load_tuned
        from lab.runs import get_run

        return load_tuned(get_run(run_id))
