"""Presentation: the action layer's plain data rendered for a face, one module per topic, each renderer named
by its output format (`markdown`, `html`, `text`, `table`). Pure functions of dicts and lists: no model, no run
folder, no UI import."""

from lab.present import (classify, compare, curves, data, errors, estimate, evaluate, experiments, methods, models,  # noqa: F401
                         progress, runs)
