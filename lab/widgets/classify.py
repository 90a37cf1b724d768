"""Classify panel: label probabilities of classify runs (base vs tuned) and their before/after evaluation with
confusion matrices."""

from __future__ import annotations

import ipywidgets as w

import lab
from lab import defaults as d
from lab.present import classify as classify_view
from lab.widgets.base import Panel, run_picker


class ClassifyPanel(Panel):
    def __init__(self):
        self.runs = run_picker("classify")
        self.refresh_button = w.Button(description="Refresh runs")
        self.texts = w.Textarea(value=d.CLASSIFY_TEXTS, description="texts", layout=w.Layout(height="70px", width="60%"))
        self.predict_button = w.Button(description="Predict", button_style="primary")
        self.evaluate_button = w.Button(description="Evaluate before vs after")
        self.result = w.HTML()
        super().__init__([w.HBox([self.runs, self.refresh_button]), self.texts,
                          w.HBox([self.predict_button, self.evaluate_button]), self.result])
        self.on_click(self.refresh_button, self.refresh)
        self.on_click(self.predict_button, self.predict)
        self.on_click(self.evaluate_button, self.evaluate)

    def refresh(self) -> None:
        self.runs.options = lab.run_ids(task="classify", finished=True)

    def predict(self) -> list[dict]:
        rows = lab.predict(self.runs.value, self.texts.value)
        self.result.value = classify_view.probabilities_html(rows)
        return rows

    def evaluate(self) -> list[dict]:
        results = lab.classify_evaluate(self.runs.value)
        self.result.value = "".join(classify_view.evaluation_html(result) for result in results)
        return results
