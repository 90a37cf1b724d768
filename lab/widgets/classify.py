"""Classify panel: label probabilities of classify runs (base vs tuned) and their before/after evaluation with
confusion matrices."""

from __future__ import annotations

import ipywidgets as w

from lab import views
from lab.errors import LabError
from lab.widgets.base import Panel


class ClassifyPanel(Panel):
    def __init__(self):
        self.runs = w.SelectMultiple(options=views.finished_run_ids(task="classify"), description="runs")
        self.refresh_button = w.Button(description="Refresh runs")
        self.texts = w.Textarea(value="What is AI?\nWho was the first president?", description="texts",
                                layout=w.Layout(height="70px", width="60%"))
        self.predict_button = w.Button(description="Predict", button_style="primary")
        self.evaluate_button = w.Button(description="Evaluate before vs after")
        self.result = w.HTML()
        super().__init__([w.HBox([self.runs, self.refresh_button]), self.texts,
                          w.HBox([self.predict_button, self.evaluate_button]), self.result])
        self.on_click(self.refresh_button, self.refresh)
        self.on_click(self.predict_button, self.predict)
        self.on_click(self.evaluate_button, self.evaluate)

    def refresh(self) -> None:
        self.runs.options = views.finished_run_ids(task="classify")

    def _chosen(self) -> list[str]:
        if not self.runs.value:
            raise LabError("No run chosen.", "", "Pick a finished classify run (Refresh runs lists new ones).")
        return list(self.runs.value)

    def predict(self) -> list[dict]:
        from lab.classify import predict
        from lab.classify_views import probabilities_html

        rows = predict(self._chosen(), self.texts.value.splitlines())
        self.result.value = probabilities_html(rows)
        return rows

    def evaluate(self) -> list[dict]:
        from lab.classify import evaluate_classifier
        from lab.classify_views import evaluation_html

        results = [evaluate_classifier(run_id) for run_id in self._chosen()]
        self.result.value = "".join(evaluation_html(result) for result in results)
        return results
