"""Data panel: a sample set or a file; the detected format, sizes and rendered examples with token counts (for
the classify task: classes with their counts per split)."""

from __future__ import annotations

import html

import ipywidgets as w

from lab.models import DEFAULT_MODEL
from lab.paths import confine, confine_model
from lab.runs.config import TASKS
from lab.widgets.base import Panel


class DataPanel(Panel):
    def __init__(self, data: str = "sample_data", model: str = DEFAULT_MODEL, max_length: int = 512):
        self.data = w.Text(value=data, description="data", placeholder="a file, or a folder with train/validation")
        self.model = w.Text(value=model, description="tokenizer of")
        self.max_length = w.BoundedIntText(value=max_length, min=8, max=32768, description="max length")
        self.task = w.Dropdown(options=list(TASKS), value="chat", description="task")
        self.preview_button = w.Button(description="Preview", button_style="primary")
        self.summary = w.HTML()
        self.table = w.HTML()
        super().__init__([w.HBox([self.data, self.model]), w.HBox([self.task, self.max_length, self.preview_button]),
                          self.summary, self.table])
        self.on_click(self.preview_button, self.preview)

    def preview(self):
        from lab.data import preview, read_dataset, tokenize_examples
        from lab.models.loading import load_tokenizer
        from lab.runs.launcher import resolve_data

        source = confine(resolve_data(self.data.value), "data path")
        if self.task.value == "classify":
            return self.preview_classes(source)
        splits = read_dataset(source)
        tokenizer = load_tokenizer(confine_model(self.model.value))
        _, stats = tokenize_examples(tokenizer, splits.train, self.max_length.value)
        self.summary.value = (f"Format <b>{splits.format}</b>: {len(splits.train)} train, {len(splits.validation)} "
                              f"validation examples; {stats['tokens']} train tokens ({stats['answer_tokens']} in "
                              f"answers), {stats['truncated']} truncated, {stats['dropped_no_answer']} dropped.")
        rows = preview(tokenizer, splits.train, n=5, max_length=self.max_length.value)
        body = "".join(f"<tr><td><pre>{html.escape(r['prompt'])}</pre></td><td>{html.escape(r['answer'])}</td>"
                       f"<td>{r['tokens']}</td><td>{r['answer_tokens']}</td></tr>" for r in rows)
        self.table.value = ("<table><tr><th>prompt</th><th>answer</th><th>tokens</th><th>trained</th></tr>"
                            f"{body}</table>")
        return rows

    def preview_classes(self, source) -> dict:
        from lab.classify_views import data_summary_html
        from lab.data import describe_classification, read_classification

        summary = describe_classification(read_classification(source))
        self.summary.value, self.table.value = data_summary_html(summary), ""
        return summary
