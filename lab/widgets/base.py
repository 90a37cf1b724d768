"""What every panel shares: a message area where core errors appear, and the model picker."""

from __future__ import annotations

import ipywidgets as w

import lab
from lab import defaults
from lab.present import errors as error_view


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
        except lab.LabError as error:
            self.message.value = error_view.html(error.message)
            return None

    def on_click(self, button: w.Button, action) -> None:
        button.on_click(lambda _: self.attempt(action))


def model_picker(model: str = lab.DEFAULT_MODEL, precision: str = defaults.PRECISION) -> tuple[w.Combobox, w.Dropdown]:
    names = w.Combobox(value=model, options=lab.model_names(), description="model",
                       placeholder="a bundled model or a local folder", ensure_option=False)
    return names, w.Dropdown(options=list(lab.PRECISIONS), value=precision, description="precision")


def run_picker(task: str | None = None, multiple: bool = True) -> w.SelectMultiple | w.Dropdown:
    """Finished runs (of `task`) to pick; `refresh_runs` lists new ones."""
    ids = lab.run_ids(task=task, finished=True)
    return w.SelectMultiple(options=ids, description="runs") if multiple else w.Dropdown(options=ids,
                                                                                         description="run")


def answers_bar() -> w.IntProgress:
    """A bar that lab's progress(done, total) fills as answers are generated (hidden until the first call)."""
    return w.IntProgress(value=0, min=0, max=1, description="answers", layout=w.Layout(visibility="hidden"))


def counting(bar: w.IntProgress):
    """The progress(done, total) callback that fills `bar`."""
    def report(done: int, total: int) -> None:
        bar.layout.visibility = "visible"
        bar.max, bar.value = max(total, 1), done

    return report
