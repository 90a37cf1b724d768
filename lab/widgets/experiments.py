"""Experiments panel: compare methods on one data set (each at its recipe, at some multiples of its learning
rate), trained one after another; the leaderboard, quality against train time, and the runs' losses overlaid.

The experiments are read from disk, so the newest shows again after a kernel restart; a background thread
refreshes the chosen one until it has finished, as the Train panel does for a run.
"""

from __future__ import annotations

import threading
import time

import ipywidgets as w

import lab
from lab import defaults as d
from lab.present import curves as curves_view
from lab.present import experiments as experiments_view
from lab.widgets.base import Panel, model_picker


class ExperimentPanel(Panel):
    def __init__(self, model: str = lab.DEFAULT_MODEL, precision: str = d.PRECISION, data: str = d.DATA,
                 poll_seconds: float = 1.0):
        self.model, self.precision = model_picker(model, precision)
        self.data = w.Text(value=data, description="data")
        self.task = w.Dropdown(options=list(lab.TASKS), value=d.TASK, description="task")
        self.methods = w.SelectMultiple(options=list(lab.METHODS), description="methods", rows=len(lab.METHODS))
        self.all_methods = w.Checkbox(value=False, description="all methods", indent=False,
                                      tooltip="every method the task offers (also when none is chosen)")
        self.rates = w.Text(value="1", description="rate factors",
                            tooltip="multiples of each method's recipe learning rate, such as 0.3, 1, 3")
        self.steps = w.Text(value="", description="steps", placeholder="each method's recipe")
        self.batch_size = w.BoundedIntText(value=d.BATCH_SIZE, min=1, max=4096, description="batch size")
        self.max_length = w.BoundedIntText(value=d.MAX_LENGTH, min=8, max=32768, description="max length")
        self.name = w.Text(value="", description="name")
        self.force = w.Checkbox(value=False, description="force", indent=False,
                                tooltip="start even if an estimate says a run will not fit")
        self.start_button = w.Button(description="Start", button_style="primary")
        self.stop_button = w.Button(description="Stop")
        self.refresh_button = w.Button(description="Refresh list")
        self.chosen = w.Dropdown(options=[], description="experiment", layout=w.Layout(width="auto"))
        self.leaderboard = w.HTML()
        self.plot = w.Output()  # shows `figure`, quality against train time
        self.curves_plot = w.Output()  # shows `curves_figure`, the runs' losses overlaid
        self._shown = {}
        self.poll_seconds = poll_seconds
        self._watcher: threading.Thread | None = None
        self._ended = False
        super().__init__([
            w.HBox([self.model, self.precision, self.data]),
            w.HBox([self.methods, w.VBox([self.all_methods, self.task, self.rates, self.steps])]),
            w.HBox([self.batch_size, self.max_length, self.name]),
            w.HBox([self.force, self.start_button, self.stop_button]),
            w.HBox([self.chosen, self.refresh_button]), self.leaderboard, self.plot, self.curves_plot,
        ])
        self.on_click(self.start_button, self.start)
        self.on_click(self.stop_button, self.stop)
        self.on_click(self.refresh_button, self.refresh_list)
        self.chosen.observe(lambda _: self.attempt(self.follow), names="value")
        self.refresh_list()
        self.follow()  # the newest experiment, or "No experiment yet"

    def refresh_list(self) -> None:
        """Read the experiments from disk; keep the chosen one, else choose the newest."""
        ids = lab.experiment_ids()
        current = self.chosen.value
        self.chosen.options = ids
        self.chosen.value = current if current in ids else (ids[0] if ids else None)

    def start(self) -> str:
        methods = "all" if self.all_methods.value or not self.methods.value else list(self.methods.value)
        configs = lab.plan_experiment(methods, self.rates.value, self.data.value, self.model.value,
                                      self.precision.value, self.task.value, self.steps.value,
                                      self.batch_size.value, self.max_length.value, confined=True)
        board = lab.start_experiment(configs, self.name.value, force=self.force.value)
        self.refresh_list()
        self.chosen.value = board["id"]  # follows it (the dropdown's observer)
        return board["id"]

    def stop(self) -> None:
        lab.stop_experiment(self.chosen.value)
        self.refresh()

    def follow(self) -> None:
        """Show the chosen experiment and keep refreshing it until it has finished."""
        self.refresh()
        if not self._ended and (self._watcher is None or not self._watcher.is_alive()):
            self._watcher = threading.Thread(target=self._watch, daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while self.attempt(self.refresh) is not None and not self._ended:  # None: the experiment was deleted
            time.sleep(self.poll_seconds)

    def refresh(self) -> dict:
        """Read the chosen experiment once; redraw what changed; return its leaderboard ({} when none)."""
        board = lab.experiment(self.chosen.value) if self.chosen.value else None
        runs = [r["run"] for r in board["rows"]] if board else []
        curves = lab.curves(runs) if runs else []
        # redraw only what changed (another experiment, a run's row, new points): no flicker every poll
        now = {"board": board, "curves": [(c["id"], len(c["train"]), len(c["validation"])) for c in curves]}
        changed = {key: key not in self._shown or now[key] != self._shown[key] for key in now}
        if changed["board"]:
            self.leaderboard.value = experiments_view.html(board)
            self.figure = experiments_view.figure(board)
            self.plot.outputs = (curves_view.notebook(self.figure),)  # one assignment: safe from the watcher
        if changed["curves"]:
            self.curves_figure = curves_view.figure(curves)
            self.curves_plot.outputs = (curves_view.notebook(self.curves_figure),)
        self._shown = now
        self._ended = board is None or board["finished"]
        return board or {}
