"""Train panel: method settings with help (choosing a method or task switches to its recipe), estimate / start /
stop / resume, a live loss chart and a progress bar.

Training runs in the worker process; a background thread reads the run folder once a second, so the kernel
stays free and a run started elsewhere (the app, the CLI) shows here too.
"""

from __future__ import annotations

import threading
import time

import ipywidgets as w

import lab
from lab import defaults as d
from lab.present import curves as curves_view
from lab.present import data as data_view
from lab.present import errors as error_view
from lab.present import estimate as estimate_view
from lab.present import methods as methods_view
from lab.present import progress as progress_view
from lab.present import report as report_view
from lab.present import runs as runs_view
from lab.present import samples as samples_view
from lab.widgets.base import Panel, model_picker


class TrainPanel(Panel):
    def __init__(self, model: str = lab.DEFAULT_MODEL, precision: str = d.PRECISION, data: str = d.DATA,
                 poll_seconds: float = 1.0):
        self.model, self.precision = model_picker(model, precision)
        self.data = w.Text(value=data, description="data", continuous_update=False)
        self.columns = w.Text(description="columns", placeholder="detected, or prompt=question,response=answer",
                              continuous_update=False)  # the Data panel's pickers fill it (Lab())
        self.data_line = w.HTML()  # the data Start trains on: "chitchat.json: 270 train / 30 validation, ShareGPT"
        self.task = w.Dropdown(options=list(lab.TASKS), value=d.TASK, description="task")
        self.method = w.Dropdown(options=list(lab.METHODS), value=d.METHOD, description="method")
        self.settings = w.Textarea(description="settings", layout=w.Layout(height="90px"))
        self.help = w.HTML()
        self.steps = w.BoundedIntText(value=d.STEPS, min=1, max=10**6, description="steps")
        self.learning_rate = w.FloatText(value=d.LEARNING_RATE, description="learning rate")
        self.batch_size = w.BoundedIntText(value=d.BATCH_SIZE, min=1, max=4096, description="batch size")
        self.max_length = w.BoundedIntText(value=d.MAX_LENGTH, min=8, max=32768, description="max length")
        self.processes = w.BoundedIntText(value=d.PROCESSES, min=1, max=1024, description="processes",
                                          tooltip="torchrun: one per GPU (batch size is per process)")
        self.strategy = w.Dropdown(options=list(lab.STRATEGIES), value=d.STRATEGY, description="strategy",
                                   tooltip="fsdp shards a full fine-tune")
        self.report_to = w.Checkbox(value=d.REPORT_TO == "tensorboard", description="also log to TensorBoard",
                                    indent=False, tooltip="into the run folder's tensorboard/")
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
        self.report = w.HTML()  # the before/after report, once the run ends
        self.samples = w.HTML()  # the sample prompts' answers, step by step
        self.plot = w.Output()  # shows `figure`, the chart of the followed run, through plotly's mime renderer
        self._draw([])
        self._shown = {}
        self.poll_seconds = poll_seconds
        self._watcher: threading.Thread | None = None
        self._ended = False
        super().__init__([
            w.HBox([self.model, self.precision, self.data, self.columns]),
            w.HBox([self.task, self.method, self.steps, self.learning_rate]),
            w.HBox([self.batch_size, self.max_length, self.processes, self.strategy, self.report_to]),
            w.HBox([self.settings, self.help]),
            w.HBox([self.estimate_button, self.force, self.start_button, self.stop_button, self.resume_button]),
            self.data_line, self.estimate_view, self.run_id, self.bar, self.status, self.report, self.plot,
            self.samples,
        ])
        self._show_method()
        for picker in (self.method, self.task):
            picker.observe(lambda _: self._show_method(), names="value")
        for box in (self.data, self.columns, self.task):
            box.observe(lambda _: self.show_data(), names="value")
        self.show_data()
        self.on_click(self.estimate_button, self.estimate)
        self.on_click(self.start_button, self.start)
        self.on_click(self.stop_button, self.stop)
        self.on_click(self.resume_button, self.resume)
        latest = lab.latest_run()
        if latest is not None:  # re-attach: a run started in the app or an earlier kernel, or the last one finished
            self.follow(latest)

    def _show_method(self) -> None:
        """The chosen method's help, and its recipe for the task: settings, learning rate and steps."""
        described = lab.describe_method(self.method.value, self.task.value)
        self.settings.value = methods_view.settings_text(described)
        self.help.value = methods_view.help_html(described)
        self.learning_rate.value = described["recipe"]["learning_rate"]
        self.steps.value = described["recipe"]["steps"]

    def config(self) -> lab.TrainConfig:
        return lab.plan_run(self.model.value, self.precision.value, self.method.value, self.settings.value,
                            self.data.value, self.steps.value, self.learning_rate.value, self.batch_size.value,
                            self.max_length.value, self.task.value, self.processes.value, self.strategy.value,
                            confined=True, report_to=self.report_to.value,  # True: tensorboard
                            columns=self.columns.value)

    def show_data(self) -> dict | None:
        """Name the data Start trains on (lab.data_summary) near the Start button; a data error shows in the line."""
        try:
            summary = lab.data_summary(self.data.value, self.task.value, columns=self.columns.value, confined=True)
        except lab.LabError as error:
            self.data_line.value = error_view.html(error.message)
            return None
        self.data_line.value = data_view.line_html(summary)
        return summary

    def estimate(self) -> dict:
        """Show memory by part, time and whether it fits (with the ranked fixes if not); load nothing."""
        result = lab.estimate_run(self.config())
        self.estimate_view.value = estimate_view.html(result)
        return result

    def start(self) -> str:
        run_id = lab.start_run(self.config(), force=self.force.value)["id"]
        self.follow(run_id)
        return run_id

    def stop(self) -> None:
        self.status.value += "<br>" + runs_view.stopping(lab.stop_run(self.run_id.value))

    def resume(self) -> None:
        self.follow(lab.resume_run(self.run_id.value)["id"])

    def follow(self, run_id: str) -> None:
        """Show this run, its own settings in the form, and keep refreshing while it is active."""
        self.run_id.value = run_id
        self._fill(lab.run_form(run_id))
        self.refresh()
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(target=self._watch, daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        while self.attempt(self.refresh) is not None and not self._ended:  # None: the run was deleted
            time.sleep(self.poll_seconds)

    def _fill(self, form: dict) -> None:
        self.model.value, self.precision.value, self.task.value = form["model"], form["precision"], form["task"]
        self.method.value = form["method"]  # first: choosing a method resets the form to its recipe
        described = lab.describe_method(form["method"], form["task"])
        self.settings.value = methods_view.settings_text(described, form["settings"])
        self.help.value = methods_view.help_html(described)  # the run's method and task, as the app's run_form
        self.data.value, self.steps.value = form["data"], form["steps"] or self.steps.value
        self.learning_rate.value, self.batch_size.value = form["learning_rate"], form["batch_size"]
        self.max_length.value, self.processes.value = form["max_length"], form["processes"]
        self.strategy.value, self.report_to.value = form["strategy"], form["report_to"] == "tensorboard"
        self.columns.value = ",".join(f"{role}={column}" for role, column in form["columns"].items() if column)

    def refresh(self) -> str:
        """Read the run folder once; update progress, status, report, plot and samples; return the run's state."""
        progress = lab.progress(self.run_id.value)
        self.bar.max = max(progress["max_steps"] or 1, 1)
        self.bar.value = min(progress["step"], self.bar.max)
        self.status.value = progress_view.html(progress)
        # redraw only what changed (another run, new points or samples, the report): no flicker every poll
        run = progress["id"]
        now = {"curve": (run, len(progress["points"])), "samples": (run, len(progress["samples"])),
               "report": (progress["id"], progress["final"], bool(progress["report"]))}
        if now["curve"] != self._shown.get("curve"):
            self._draw([progress["curve"]])
        if now["samples"] != self._shown.get("samples"):
            self.samples.value = samples_view.html(progress["samples"])
        if now["report"] != self._shown.get("report"):
            self.report.value = report_view.html(progress["report"]) if progress["final"] else ""
        self._shown = now
        self._ended = progress["final"]
        return progress["state"]

    def _draw(self, curves: list[dict]) -> None:
        self.figure = curves_view.figure(curves)
        self.plot.outputs = (curves_view.notebook(self.figure),)  # one assignment: safe from the watcher thread
