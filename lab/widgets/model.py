"""Model panel: choose a model and precision, load it, see its parameters and memory footprint."""

from __future__ import annotations

import ipywidgets as w

import lab
from lab import defaults
from lab.present import models as model_view
from lab.widgets.base import Panel, model_picker


class ModelPanel(Panel):
    def __init__(self, model: str = lab.DEFAULT_MODEL, precision: str = defaults.PRECISION):
        self.model, self.precision = model_picker(model, precision)
        self.load_button = w.Button(description="Load", button_style="primary")
        self.info = w.HTML()
        super().__init__([w.HBox([self.model, self.precision, self.load_button]), self.info])
        self.on_click(self.load_button, self.load)

    def load(self) -> dict:
        self.info.value = "Loading..."
        info = lab.describe_model(self.model.value, self.precision.value, confined=True)
        self.info.value = model_view.html(info)
        return info
