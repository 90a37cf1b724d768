"""Runs panel: every run with its state, steps and losses; the loss curves of several runs in one chart; a run's
details; follow it in the Train panel, stop, resume, download its result, delete it (with confirmation); import an
adapter trained elsewhere as a run."""

from __future__ import annotations

import ipywidgets as w

import lab
from lab.present import curves as curves_view
from lab.present import exports as exports_view
from lab.present import runs as runs_view
from lab.widgets.base import Panel


class RunsPanel(Panel):
    def __init__(self, follow=None):
        """`follow(run_id)` shows a run in a Train panel (Lab() connects its own)."""
        self.refresh_button = w.Button(description="Refresh")
        self.table = w.HTML()
        # the one run the buttons below act on (its details shown); the chart's runs are picked apart, in `overlaid`
        self.chosen = w.Dropdown(options=[], description="buttons act on", style={"description_width": "initial"})
        self.overlaid = w.SelectMultiple(options=[], description="curves of", rows=4)
        self.x_axis = w.ToggleButtons(options=[(title, key) for key, title in curves_view.AXES.items()],
                                      description="x axis")
        self.plot = w.Output()  # shows `figure`, the overlaid runs' chart, through plotly's mime renderer
        self.follow_button = w.Button(description="Follow in Train", disabled=follow is None)
        self.stop_button = w.Button(description="Stop")
        self.resume_button = w.Button(description="Resume")
        self.download_button = w.Button(description="Download (zip)")
        self.merge_button = w.Button(description="Download merged (zip)",
                                     tooltip="LoRA/IA3 merged onto an fp32 copy of the base: a plain model")
        self.demo_button = w.Button(description="Demo", tooltip="a page of this run only (chat, its report) "
                                     "to show others")
        self.notice = w.HTML()
        self.details = w.HTML()
        self.confirm = w.Checkbox(description="Yes, delete it")
        self.delete_button = w.Button(description="Delete", button_style="danger")
        self.import_path = w.Text(description="adapter", placeholder="a peft folder trained elsewhere")
        self.import_base = w.Text(description="base", placeholder="empty: the adapter's own base model")
        self.import_button = w.Button(description="Import")
        self._follow = follow
        super().__init__([self.refresh_button, self.table, w.HBox([self.overlaid, self.x_axis]), self.plot,
                          self.chosen,
                          w.HBox([self.follow_button, self.stop_button, self.resume_button, self.download_button,
                                  self.merge_button]),
                          self.demo_button, self.notice, self.details, w.HBox([self.confirm, self.delete_button]),
                          w.HBox([self.import_path, self.import_base, self.import_button])])
        self.on_click(self.refresh_button, self.refresh)
        self.on_click(self.follow_button, self.follow)
        self.on_click(self.stop_button, self.stop)
        self.on_click(self.resume_button, self.resume)
        self.on_click(self.download_button, self.download)
        self.on_click(self.demo_button, self.demo)
        self.on_click(self.merge_button, self.merge)
        self.on_click(self.delete_button, self.delete)
        self.on_click(self.import_button, self.import_adapter)
        self.chosen.observe(lambda _: self.attempt(self.show), names="value")
        for picker in (self.overlaid, self.x_axis):
            picker.observe(lambda _: self.attempt(self.show_curves), names="value")
        self.refresh()

    def refresh(self) -> list[dict]:
        runs = lab.list_runs()
        self.table.value = runs_view.html(runs)
        current, ids = self.chosen.value, [r["id"] for r in runs]
        self.chosen.options = ids
        self.chosen.value = current if current in ids else (ids[0] if ids else None)
        overlaid = self.overlaid.value
        self.overlaid.options = ids
        self.overlaid.value = tuple(i for i in overlaid if i in ids) or tuple(ids[:1])  # none left: the newest run
        self.show_curves()  # also when the choice stays: a training run has new points
        return runs

    def show(self) -> dict | None:
        details = lab.run_details(self.chosen.value) if self.chosen.value else None
        self.details.value = runs_view.details_html(details) if details else ""
        return details

    def show_curves(self):
        """Draw the overlaid runs' losses (any state) against the chosen x axis."""
        self.figure = curves_view.figure(lab.curves(self.overlaid.value) if self.overlaid.value else [],
                                         x=self.x_axis.value)
        self.plot.outputs = (curves_view.notebook(self.figure),)
        return self.figure

    def follow(self) -> None:
        self._follow(lab.run_details(self.chosen.value)["folder"])

    def stop(self) -> None:
        self.notice.value = runs_view.stopping(lab.stop_run(self.chosen.value))
        self.refresh()

    def resume(self) -> None:
        self.notice.value = runs_view.resumed(lab.resume_run(self.chosen.value))
        if self._follow:
            self._follow(self.chosen.value)
        self.refresh()

    def download(self) -> str:
        path = lab.download_run(self.chosen.value)
        self.notice.value = f"Saved <code>{path}</code>"
        return path

    def merge(self) -> dict:
        """The chosen run merged into its base and zipped; the notice says "Merging…" while that takes."""
        self.notice.value = exports_view.MERGING
        try:
            result = lab.download_merged(self.chosen.value)
        finally:
            self.notice.value = ""
        self.notice.value = exports_view.html(result)
        return result

    def demo(self) -> str:
        """Serve a demo of the chosen run on this machine (the page `lab demo` serves); its link in the notice."""
        from apps.demo import serve  # the demo is a Gradio page, served from the notebook's own process

        url = serve([self.chosen.value])
        self.notice.value = f'A demo of {self.chosen.value}: <a href="{url}" target="_blank">{url}</a>'
        return url

    def delete(self) -> None:
        self.notice.value = runs_view.deleted(lab.delete_run(self.chosen.value, self.confirm.value))
        self.confirm.value = False
        self.refresh()

    def import_adapter(self) -> dict:
        """Register the adapter folder as a run (confined, as in the app) and choose it."""
        summary = lab.import_adapter(self.import_path.value, self.import_base.value, confined=True)
        self.notice.value = f"Imported as run {summary['id']} ({summary['method']} on {summary['model']})."
        self.refresh()
        self.chosen.value = summary["id"]
        return summary
