"""What every face says of the data a run reads, in one small dict: its own name, its split sizes, its format and
the columns read (`lab.present.data.line` words it: "chitchat.json: 270 train / 30 validation, ShareGPT")."""

from __future__ import annotations

from pathlib import Path

from lab.data.files import data_name


def summarize(splits, source: str | Path) -> dict:
    """`splits` from read_dataset or read_classification, `source` the path they were read from: {name, task,
    format, train, validation, columns (role -> column read), classes (classify only)}."""
    classify = hasattr(splits, "labels")
    summary = {"name": data_name(source), "task": "classify" if classify else "chat", "format": splits.format,
               "train": len(splits.train), "validation": len(splits.validation), "columns": dict(splits.columns)}
    if classify:
        summary["classes"] = len(splits.labels)
    return summary


def named(source: str | Path | None) -> dict | None:
    """A summary that knows only the data's name (a run recorded before summaries, or one whose data is gone)."""
    return {"name": data_name(source)} if source else None
