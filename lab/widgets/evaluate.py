"""Evaluate panel: the base and the chosen runs on the first run's validation split, in one table (loss,
perplexity, ROUGE-L, changed answers; accuracy and macro-F1 for classify runs); one run's result is stored as
its eval.json."""

from __future__ import annotations

import ipywidgets as w

import lab
from lab import defaults as d
from lab.present import classify as classify_view
from lab.present import evaluate as evaluate_view
from lab.widgets.base import Panel, answers_bar, counting, run_picker


class EvaluatePanel(Panel):
    def __init__(self):
        self.runs = run_picker()
        self.refresh_button = w.Button(description="Refresh runs")
        self.examples = w.BoundedIntText(value=d.EVAL_EXAMPLES, min=1, max=100000, description="examples")
        self.max_new_tokens = w.BoundedIntText(value=d.EVAL_NEW_TOKENS, min=1, max=2048, description="max tokens")
        self.evaluate_button = w.Button(description="Evaluate base vs tuned", button_style="primary",
                                        layout=w.Layout(width="auto"))
        self.bar = answers_bar()
        self.result = w.HTML()
        super().__init__([w.HBox([self.runs, self.refresh_button]),
                          w.HBox([self.examples, self.max_new_tokens, self.evaluate_button]), self.bar, self.result])
        self.on_click(self.refresh_button, self.refresh)
        self.on_click(self.evaluate_button, self.evaluate)

    def refresh(self) -> None:
        self.runs.options = lab.run_ids(finished=True)

    def evaluate(self) -> dict:
        result = lab.evaluate(self.runs.value, self.examples.value, self.max_new_tokens.value,
                              progress=counting(self.bar))
        view = classify_view.evaluation_html if result["task"] == "classify" else evaluate_view.html
        self.result.value = view(result)
        return result
