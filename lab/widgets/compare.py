"""Compare panel: prompts through the base and chosen runs side by side (same seed and settings), or the runs'
own validation questions."""

from __future__ import annotations

import ipywidgets as w

import lab
from lab import defaults as d
from lab.present import compare as compare_view
from lab.widgets.base import Panel, answers_bar, counting, run_picker


class ComparePanel(Panel):
    def __init__(self):
        self.runs = run_picker("chat")
        self.prompt = w.Text(value=d.COMPARE_PROMPT, description="prompt")
        self.max_new_tokens = w.BoundedIntText(value=d.COMPARE_NEW_TOKENS, min=1, max=2048, description="max tokens")
        self.seed = w.IntText(value=d.GENERATION["seed"], description="seed")
        self.questions = w.BoundedIntText(value=d.SPLIT_QUESTIONS, min=1, max=1000, description="questions")
        self.compare_button = w.Button(description="Compare", button_style="primary")
        self.split_button = w.Button(description="Compare on validation questions", layout=w.Layout(width="auto"))
        self.refresh_button = w.Button(description="Refresh runs")
        self.bar = answers_bar()
        self.result = w.HTML()
        super().__init__([w.HBox([self.runs, self.refresh_button]), self.prompt,
                          w.HBox([self.max_new_tokens, self.seed, self.compare_button]),
                          w.HBox([self.questions, self.split_button]), self.bar, self.result])
        self.on_click(self.compare_button, self.compare)
        self.on_click(self.split_button, self.compare_split)
        self.on_click(self.refresh_button, self.refresh)

    def refresh(self) -> None:
        self.runs.options = lab.run_ids(task="chat", finished=True)

    def compare(self) -> list[dict]:
        rows = lab.compare(self.runs.value, [self.prompt.value], max_new_tokens=self.max_new_tokens.value,
                           seed=self.seed.value)
        self.result.value = compare_view.html(rows)
        return rows

    def compare_split(self) -> list[dict]:
        rows = lab.compare_split(self.runs.value, self.questions.value, max_new_tokens=self.max_new_tokens.value,
                                 seed=self.seed.value, progress=counting(self.bar))
        self.result.value = compare_view.html(rows)
        return rows
