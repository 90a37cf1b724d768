"""The samples a run answers as it trains (its `sample` events): each prompt with its reference and the answers
step by step, the words that changed marked. (Renderers filled in with issue 16's samples work.)"""

from __future__ import annotations


def html(samples: list[dict]) -> str:
    return ""


def markdown(samples: list[dict]) -> str:
    return ""


def text(sample: dict) -> str:
    """One `sample` event, as the CLI prints it when it arrives."""
    return ""
