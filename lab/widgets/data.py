"""Data panel: a sample set or a file; the detected format, sizes and rendered examples with token counts (for
the classify task: classes with their counts per split)."""

from __future__ import annotations

import ipywidgets as w

import lab
from lab import defaults
from lab.present import data as data_view
from lab.widgets.base import Panel


class DataPanel(Panel):
    def __init__(self, data: str = defaults.DATA, model: str = lab.DEFAULT_MODEL, max_length: int = defaults.MAX_LENGTH):
        self.data = w.Text(value=data, description="data", placeholder="a file, or a folder with train/validation")
        self.model = w.Text(value=model, description="tokenizer of")
        self.max_length = w.BoundedIntText(value=max_length, min=8, max=32768, description="max length")
        self.task = w.Dropdown(options=list(lab.TASKS), value=defaults.TASK, description="task")
        self.preview_button = w.Button(description="Preview", button_style="primary")
        self.summary = w.HTML()
        self.table = w.HTML()
        super().__init__([w.HBox([self.data, self.model]), w.HBox([self.task, self.max_length, self.preview_button]),
                          self.summary, self.table])
        self.on_click(self.preview_button, self.preview)

    def preview(self) -> dict:
        described = lab.describe_data(self.data.value, self.model.value, self.task.value, self.max_length.value,
                                      confined=True)
        self.summary.value, self.table.value = data_view.sentence_html(described), data_view.table_html(described)
        return described
