"""Model panel: choose a model and precision, load it, see its parameters and memory footprint."""

from __future__ import annotations

import ipywidgets as w

from lab.models import DEFAULT_MODEL
from lab.paths import confine_model
from lab.widgets.base import MODELS, Panel, model_picker


class ModelPanel(Panel):
    def __init__(self, model: str = DEFAULT_MODEL, precision: str = "4bit"):
        self.model, self.precision = model_picker(model, precision)
        self.load_button = w.Button(description="Load", button_style="primary")
        self.info = w.HTML()
        self.loaded = None
        super().__init__([w.HBox([self.model, self.precision, self.load_button]), self.info])
        self.on_click(self.load_button, self.load)

    def load(self):
        self.info.value = "Loading..."
        self.loaded = MODELS.get(confine_model(self.model.value), self.precision.value)
        i = self.loaded.info
        self.info.value = (f"<b>{i.name}</b> in {i.precision} on {i.device}: {i.parameters / 1e6:.1f} M parameters, "
                           f"{i.footprint_bytes / 2**20:.1f} MiB")
        return self.loaded
