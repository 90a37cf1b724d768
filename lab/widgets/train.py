"""Train panel: method settings with help, start / stop / resume, a live loss plot and a progress bar with ETA.

Training runs in the worker process; a background thread reads the run folder once a second, so the kernel
stays free and a run started elsewhere (the app, the CLI) shows here too.
"""

from __future__ import annotations

import threading
import time

import ipywidgets as w

from lab import views
from lab.errors import LabError
from lab.methods import METHODS
from lab.models import DEFAULT_MODEL
from lab.paths import confine, confine_model
from lab.runs import TrainConfig, get_run, resume_run, start_run, stop_run
from lab.runs.config import STRATEGIES, TASKS
from lab.runs.launcher import resolve_data
from lab.runs.store import FINAL
from lab.widgets.base import Panel, model_picker


class TrainPanel(Panel):
    def __init__(self, model: str = DEFAULT_MODEL, precision: str = "4bit", data: str = "sample_data",
                 poll_seconds: float = 1.0):
        self.model, self.precision = model_picker(model, precision)
        self.data = w.Text(value=data, description="data")
        self.task = w.Dropdown(options=list(TASKS), value="chat", description="task")
        self.method = w.Dropdown(options=list(METHODS), value="lora", description="method")
        self.settings = w.Textarea(value=views.method_defaults_text("lora"), description="settings",
                                   layout=w.Layout(height="90px"))
        self.help = w.HTML(views.method_help("lora").replace("\n", "<br>"))
        self.steps = w.BoundedIntText(value=30, min=1, max=10**6, description="steps")
        self.learning_rate = w.FloatText(value=2e-4, description="learning rate")
        self.batch_size = w.BoundedIntText(value=4, min=1, max=4096, description="batch size")
        self.max_length = w.BoundedIntText(value=512, min=8, max=32768, description="max length")
        self.processes = w.BoundedIntText(value=1, min=1, max=1024, description="processes",
                                          tooltip="torchrun: one per GPU (batch size is per process)")
        self.strategy = w.Dropdown(options=list(STRATEGIES), value="ddp", description="strategy",
                                   tooltip="fsdp shards a full fine-tune")
        self.estimate_button = w.Button(description="Estimate")
        self.force = w.Checkbox(value=False, description="force", indent=False,
                                tooltip="start even if the estimate says it will not fit")
        self.estimate_view = w.HTML()
        self.start_button = w.Button(description="Start", button_style="primary")
        self.stop_button = w.Button(description="Stop")
        self.resume_button = w.Button(description="Resume")
        self.run_id = w.Text(description="run", disabled=True)
        self.bar = w.IntProgress(value=0, min=0, max=1, description="step")
        self.status = w.HTML()
        self.plot = w.HTML()
        self.poll_seconds = poll_seconds
        self._watcher: threading.Thread | None = None
        super().__init__([
            w.HBox([self.model, self.precision, self.data]),
            w.HBox([self.task, self.method, self.steps, self.learning_rate]),
            w.HBox([self.batch_size, self.max_length, self.processes, self.strategy]),
            w.HBox([self.settings, self.help]),
            w.HBox([self.estimate_button, self.force, self.start_button, self.stop_button, self.resume_button]),
            self.estimate_view, self.run_id, self.bar, self.status, self.plot,
        ])
        self.method.observe(self._method_changed, names="value")
        self.on_click(self.estimate_button, self.estimate)
        self.on_click(self.start_button, self.start)
        self.on_click(self.stop_button, self.stop)
        self.on_click(self.resume_button, self.resume)
        active = views.latest_active_run()
        if active is not None:  # re-attach: a run started in the app or an earlier kernel
            self.follow(active.id)

    def _method_changed(self, change) -> None:
        self.settings.value = views.method_defaults_text(change["new"])
        self.help.value = views.method_help(change["new"]).replace("\n", "<br>")

    def config(self) -> TrainConfig:
        steps = self.steps.value
        return TrainConfig(task=self.task.value, model=confine_model(self.model.value),
                           precision=self.precision.value, method=self.method.value, method_params=views.parse_settings(self.settings.value),
                           data=str(confine(resolve_data(self.data.value), "data path")),
                           max_steps=steps, learning_rate=self.learning_rate.value, batch_size=self.batch_size.value,
                           max_length=self.max_length.value, eval_steps=max(1, steps // 3),
                           save_steps=max(1, steps // 3), max_validation_examples=50,
                           processes=self.processes.value, strategy=self.strategy.value)

    def estimate(self):
        """Show memory by part, time and whether it fits (with the ranked fixes if not); load nothing."""
        from lab.runs.estimate import estimate

        result = estimate(self.config())
        self.estimate_view.value = views.estimate_html(result)
        return result

    def start(self) -> str:
        run = start_run(self.config(), force=self.force.value)
        self.follow(run.id)
        return run.id

    def stop(self) -> None:
        self._require_run()
        stop_run(self.run_id.value)
        self.status.value += "<br>Stopping: saving a checkpoint and the adapter..."

    def resume(self) -> None:
        self._require_run()
        self.follow(resume_run(self.run_id.value).id)

    def _require_run(self) -> None:
        if not self.run_id.value:
            raise LabError("No run in this panel.", "", "Start a run first (or open one with panel.follow(run_id)).")

    def follow(self, run_id: str) -> None:
        """Show this run and keep refreshing while it is active."""
        self.run_id.value = run_id
        self.refresh()
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(target=self._watch, daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while (state := self.attempt(self.refresh)) is not None and state not in FINAL:  # None: run deleted
            time.sleep(self.poll_seconds)

    def refresh(self) -> str:
        """Read the run folder once; update progress, status and plot; return the run's state."""
        run = get_run(self.run_id.value)
        progress = views.progress(run)
        self.bar.max = max(progress["max_steps"] or 1, 1)
        self.bar.value = min(progress["step"], self.bar.max)
        self.status.value = views.progress_text(progress).replace("**", "").replace("\n\n", "<br>")
        self.plot.value = views.loss_svg(views.loss_curve(run))
        return run.state
