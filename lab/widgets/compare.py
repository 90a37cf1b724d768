"""Compare panel: one prompt through the base and chosen runs, side by side, same seed and settings."""

from __future__ import annotations

import ipywidgets as w

from lab import views
from lab.errors import LabError
from lab.generation import GenerationSettings
from lab.widgets.base import Panel


class ComparePanel(Panel):
    def __init__(self):
        self.runs = w.SelectMultiple(options=views.finished_run_ids(task="chat"), description="runs")
        self.prompt = w.Text(value="What is AI?", description="prompt")
        self.max_new_tokens = w.BoundedIntText(value=64, min=1, max=2048, description="max tokens")
        self.seed = w.IntText(value=0, description="seed")
        self.compare_button = w.Button(description="Compare", button_style="primary")
        self.refresh_button = w.Button(description="Refresh runs")
        self.result = w.HTML()
        super().__init__([w.HBox([self.runs, self.refresh_button]), self.prompt,
                          w.HBox([self.max_new_tokens, self.seed, self.compare_button]), self.result])
        self.on_click(self.compare_button, self.compare)
        self.on_click(self.refresh_button, self.refresh)

    def refresh(self) -> None:
        self.runs.options = views.finished_run_ids(task="chat")

    def compare(self) -> list[dict]:
        from lab.compare import compare

        if not self.runs.value:
            raise LabError("No run chosen.", "", "Pick one or more finished runs (Refresh runs lists new ones).")
        settings = GenerationSettings(max_new_tokens=self.max_new_tokens.value, seed=self.seed.value)
        rows = compare(list(self.runs.value), [self.prompt.value], settings)
        self.result.value = views.compare_html(rows)
        return rows
