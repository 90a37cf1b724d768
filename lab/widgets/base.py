"""What every panel shares: a message area where core errors appear, and defaults for model and data."""

from __future__ import annotations

import ipywidgets as w

from lab import views
from lab.errors import LabError
from lab.models import DEFAULT_MODEL, PRECISIONS, list_models
from lab.serving import ModelCache

MODELS = ModelCache(capacity=2)  # shared by the panels of one kernel


class Panel(w.VBox):
    """A panel: its widgets plus `message`, where a LabError shows as what / why / fix (the kernel never sees a
    traceback for bad input)."""

    def __init__(self, children, **kwargs):
        self.message = w.HTML()
        super().__init__([*children, self.message], **kwargs)

    def attempt(self, action, *args):
        """Run a user action; show its LabError instead of raising. Returns the action's result or None."""
        self.message.value = ""
        try:
            return action(*args)
        except LabError as error:
            self.message.value = views.error_html(error.message)
            return None

    def on_click(self, button: w.Button, action) -> None:
        button.on_click(lambda _: self.attempt(action))


def model_picker(model: str = DEFAULT_MODEL, precision: str = "4bit") -> tuple[w.Combobox, w.Dropdown]:
    names = w.Combobox(value=model, options=[m.name for m in list_models()], description="model",
                       placeholder="a bundled model or a local folder", ensure_option=False)
    return names, w.Dropdown(options=list(PRECISIONS), value=precision, description="precision")
