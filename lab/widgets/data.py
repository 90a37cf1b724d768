"""Data panel: a sample set or a file, and which of its columns holds what (the prompt and response, or the text
and label; empty: detected); the detected format, sizes and rendered examples with token counts (for the classify
task: classes with their counts per split)."""

from __future__ import annotations

import ipywidgets as w

import lab
from lab import defaults
from lab.present import data as data_view
from lab.widgets.base import Panel


class DataPanel(Panel):
    def __init__(self, data: str = defaults.DATA, model: str = lab.DEFAULT_MODEL, max_length: int = defaults.MAX_LENGTH):
        self.data = w.Text(value=data, description="data", placeholder="a file, or a folder with train/validation",
                           continuous_update=False)  # its columns are read once the path is typed, not per key
        self.model = w.Text(value=model, description="tokenizer of")
        self.max_length = w.BoundedIntText(value=max_length, min=8, max=32768, description="max length")
        self.task = w.Dropdown(options=list(lab.TASKS), value=defaults.TASK, description="task")
        self.preview_button = w.Button(description="Preview", button_style="primary")
        # which column holds what, picked from the data's own columns: prompt, response, system (chat), text, label
        self.columns = {role: w.Combobox(value="", options=[], description=f"{role} column", ensure_option=False,
                                         placeholder="(detected)", style={"description_width": "initial"})
                        for role in lab.TrainConfig.COLUMNS}
        self.summary = w.HTML()
        self.table = w.HTML()
        super().__init__([w.HBox([self.data, self.model]), w.HBox([self.task, self.max_length, self.preview_button]),
                          w.HBox(list(self.columns.values())), self.summary, self.table])
        self.on_click(self.preview_button, self.preview)
        self.data.observe(lambda _: self.offer_columns(), names="value")
        self.offer_columns()

    def mapping(self) -> dict:
        """The column pickers as the actions' `columns` ({role: column}; empty: detected)."""
        return {role: picker.value for role, picker in self.columns.items()}

    def offer_columns(self) -> list[str]:
        """The pickers offer the data's own columns; data that cannot be read offers none (Preview says why)."""
        try:
            names = lab.data_columns(self.data.value, confined=True)
        except lab.LabError:
            names = []
        for picker in self.columns.values():
            picker.options = names
        return names

    def preview(self) -> dict:
        described = lab.describe_data(self.data.value, self.model.value, self.task.value, self.max_length.value,
                                      confined=True, columns=self.mapping())
        self.summary.value, self.table.value = data_view.sentence_html(described), data_view.table_html(described)
        return described
