"""A run's before/after report (its eval.json): a headline that says whether the tuned model got better, each
metric rounded with its change, and example answers. (Renderers filled in with issue 16's report work.)"""

from __future__ import annotations


def headline(report: dict | None) -> str:
    return ""


def html(report: dict | None) -> str:
    return ""


def markdown(report: dict | None) -> str:
    return ""


def text(report: dict | None) -> str:
    return ""
