"""Runs panel: every run with its state, steps and losses; details; delete with confirmation."""

from __future__ import annotations

import html
import json

import ipywidgets as w

from lab import views
from lab.errors import LabError
from lab.runs import delete_run, get_run
from lab.widgets.base import Panel


class RunsPanel(Panel):
    def __init__(self):
        self.refresh_button = w.Button(description="Refresh")
        self.table = w.HTML()
        self.chosen = w.Dropdown(options=[], description="run")
        self.details = w.HTML()
        self.confirm = w.Checkbox(description="Yes, delete it")
        self.delete_button = w.Button(description="Delete", button_style="danger")
        super().__init__([self.refresh_button, self.table, self.chosen, self.details,
                          w.HBox([self.confirm, self.delete_button])])
        self.on_click(self.refresh_button, self.refresh)
        self.on_click(self.delete_button, self.delete)
        self.chosen.observe(lambda _: self.attempt(self.show), names="value")
        self.refresh()

    def refresh(self) -> list[list]:
        rows = views.runs_table()
        head = "".join(f"<th>{c}</th>" for c in views.RUN_COLUMNS)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
        self.table.value = f"<table><tr>{head}</tr>{body}</table>" if rows else "<i>No runs yet.</i>"
        current, ids = self.chosen.value, [row[0] for row in rows]
        self.chosen.options = ids
        self.chosen.value = current if current in ids else (ids[0] if ids else None)
        return rows

    def show(self) -> None:
        if self.chosen.value:
            run = get_run(self.chosen.value)
            record = {"status": run.status(), "config": run.config}
            self.details.value = f"<pre>{html.escape(json.dumps(record, indent=2, default=str))}</pre>"

    def delete(self) -> None:
        if not self.confirm.value:
            raise LabError("Deletion needs confirmation.", "A deleted run cannot be restored.",
                           "Tick 'Yes, delete it' and press Delete again.")
        delete_run(self.chosen.value)
        self.confirm.value = False
        self.refresh()
