"""Jupyter panels: the lab's capabilities as ipywidgets, views over the same core and run store as the app.

    from lab.widgets import Lab
    Lab()
"""

import ipywidgets as w

from lab.models import DEFAULT_MODEL
from lab.widgets.chat import ChatPanel
from lab.widgets.classify import ClassifyPanel
from lab.widgets.compare import ComparePanel
from lab.widgets.data import DataPanel
from lab.widgets.model import ModelPanel
from lab.widgets.runs import RunsPanel
from lab.widgets.train import TrainPanel


def Lab(model: str = DEFAULT_MODEL, precision: str = "4bit", data: str = "sample_data") -> w.Tab:
    """Every panel in tabs."""
    panels = {
        "Model": ModelPanel(model, precision),
        "Data": DataPanel(data, model),
        "Train": TrainPanel(model, precision, data),
        "Runs": RunsPanel(),
        "Compare": ComparePanel(),
        "Chat": ChatPanel(model, precision),
        "Classify": ClassifyPanel(),
    }
    tabs = w.Tab(children=list(panels.values()))
    tabs.titles = tuple(panels)
    tabs.panels = panels
    return tabs


__all__ = ["ChatPanel", "ClassifyPanel", "ComparePanel", "DataPanel", "Lab", "ModelPanel", "RunsPanel", "TrainPanel"]
