"""Jupyter panels: the lab's actions as ipywidgets, over the same action layer and run store as the app.

    from lab.widgets import Lab
    Lab()
"""

import ipywidgets as w

import lab
from lab import defaults
from lab.widgets.chat import ChatPanel
from lab.widgets.classify import ClassifyPanel
from lab.widgets.compare import ComparePanel
from lab.widgets.data import DataPanel
from lab.widgets.evaluate import EvaluatePanel
from lab.widgets.experiments import ExperimentPanel
from lab.widgets.model import ModelPanel
from lab.widgets.runs import RunsPanel
from lab.widgets.train import TrainPanel


def Lab(model: str = lab.DEFAULT_MODEL, precision: str = defaults.PRECISION, data: str = defaults.DATA) -> w.Tab:
    """Every panel in tabs; Follow and Resume in the Runs panel show the run in the Train panel, which trains on the
    Data panel's data and columns."""
    tabs = w.Tab()
    train = TrainPanel(model, precision, data)

    def follow(run_id: str) -> None:
        train.follow(run_id)
        tabs.selected_index = list(tabs.panels).index("Train")

    data_panel = DataPanel(data, model)

    def to_train(_=None) -> None:  # the Train panel trains on the Data panel's data and its columns, as in the app
        train.data.value = data_panel.data.value
        train.columns.value = ",".join(f"{role}={column}" for role, column in data_panel.mapping().items() if column)

    data_panel.data.observe(to_train, names="value")
    for picker in data_panel.columns.values():
        picker.observe(to_train, names="value")
    tabs.panels = {
        "Model": ModelPanel(model, precision),
        "Data": data_panel,
        "Train": train,
        "Experiments": ExperimentPanel(model, precision, data),
        "Runs": RunsPanel(follow),
        "Compare": ComparePanel(),
        "Chat": ChatPanel(model, precision),
        "Classify": ClassifyPanel(),
        "Evaluate": EvaluatePanel(),
    }
    tabs.children = list(tabs.panels.values())
    tabs.titles = tuple(tabs.panels)
    return tabs


__all__ = ["ChatPanel", "ClassifyPanel", "ComparePanel", "DataPanel", "EvaluatePanel", "ExperimentPanel", "Lab",
           "ModelPanel", "RunsPanel", "TrainPanel"]
