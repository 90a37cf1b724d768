"""Text classification data (the "classify" task): text and label columns, a label mapping, a stratified split."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lab.data.dataset import find_split_files
from lab.data.files import data_name, read_records
from lab.data.formats import choose_columns
from lab.errors import LabError

TEXT_NAMES = ("text", "sentence", "question", "input", "prompt")
LABEL_NAMES = ("label", "labels", "class", "category", "topic", "target")


@dataclass
class ClassificationSplits:
    train: list[tuple[str, int]]  # (text, label id)
    validation: list[tuple[str, int]]
    labels: list[str]  # label id -> name, sorted by name
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # split -> label name -> examples
    columns: dict[str, str] = field(default_factory=dict)  # {"text": column, "label": column} as read
    format: str = "classify"  # what a summary calls it, beside a chat data set's format


def _column(fields: dict, given: str | None, names: tuple[str, ...], what: str, where: str) -> str:
    lowered = {k.strip().lower(): k for k in fields}
    if given:
        if given.strip().lower() in lowered:
            return lowered[given.strip().lower()]
        raise LabError(f"{where}: no {what} column '{given}'.", f"The columns are: {', '.join(fields)}.",
                       f"{choose_columns('text', 'label', first=True)}: one of them as the {what} column.")
    for name in names:
        if name in lowered:
            return lowered[name]
    raise LabError(f"{where}: cannot tell which column holds the {what}.", f"The columns are: {', '.join(fields)}.",
                   f"{choose_columns('text', 'label', first=True)}, or call the {what} column one of: "
                   f"{', '.join(names)}.")


def _read(path: Path, shown: str, text_column: str | None, label_column: str | None,
          columns: dict | None = None) -> list[tuple[str, str]]:
    """(text, label) rows; `columns` gets the text and label columns of the first row."""
    rows = []
    for where, fields in read_records(path, shown):
        where = f"{shown}, {where}"
        text_key = _column(fields, text_column, TEXT_NAMES, "text", where)
        label_key = _column(fields, label_column, LABEL_NAMES, "label", where)
        if columns is not None and not columns:
            columns.update(text=text_key, label=label_key)
        text = str(fields.get(text_key) or "").strip()
        label = str(fields.get(label_key) or "").strip()
        if not text:
            raise LabError(f"{where}: the text is empty.", "Every example needs text to classify.",
                           "Fill in the text or delete the row.")
        if not label:
            raise LabError(f"{where}: the label is empty.", "Every training example needs its class.",
                           "Fill in the label or delete the row.")
        rows.append((text, label))
    if not rows:
        raise LabError(f"{shown} has no examples.", "", "Add rows with a text and a label.")
    return rows


def _stratified_split(rows, fraction: float, seed: int):
    """Hold out `fraction` of every class (at least one where the class has two or more examples)."""
    by_label: dict[str, list] = {}
    for row in rows:
        by_label.setdefault(row[1], []).append(row)
    rng, train, validation = random.Random(seed), [], []
    for label in sorted(by_label):
        group = by_label[label][:]
        rng.shuffle(group)
        held = min(len(group) - 1, max(1, round(len(group) * fraction))) if fraction > 0 else 0
        validation += group[:held]
        train += group[held:]
    rng.shuffle(validation)  # classes mixed: a capped evaluation (max_validation_examples) sees all of them
    return train, validation


def read_classification(source: str | Path, text_column: str | None = None, label_column: str | None = None,
                        validation_fraction: float = 0.1, seed: int = 0) -> ClassificationSplits:
    files, name, columns = find_split_files(Path(source)), data_name(source), {}
    shown = {split: name if path == Path(source) else f"{name}/{path.name}" for split, path in files.items()}
    train = _read(files["train"], shown["train"], text_column, label_column, columns)
    if "validation" in files:
        validation = _read(files["validation"], shown["validation"], text_column, label_column)
    else:
        train, validation = _stratified_split(train, validation_fraction, seed)
    labels = sorted({label for _, label in train})
    if len(labels) < 2:
        raise LabError(f"{name}: only one class ({labels[0]!r}) in the training data.",
                       "A classifier needs at least two classes to tell apart.", "Add examples of other classes.")
    unknown = sorted({label for _, label in validation} - set(labels))
    if unknown:
        raise LabError(f"{name}: validation labels {unknown} never occur in training.",
                       "The model can only predict classes it was trained on.",
                       "Add training examples of those classes, or remove them from validation.")
    ids = {label: i for i, label in enumerate(labels)}
    return ClassificationSplits(
        train=[(text, ids[label]) for text, label in train],
        validation=[(text, ids[label]) for text, label in validation],
        labels=labels,
        counts={"train": dict(Counter(label for _, label in train)),
                "validation": dict(Counter(label for _, label in validation))},
        columns=columns,
    )


def describe_classification(splits: ClassificationSplits, n: int = 5) -> dict:
    """What a preview shows: classes, counts per split and a labelled training text from each of n classes."""
    first_of_class = {}
    for text, label in splits.train:
        first_of_class.setdefault(label, text)
    preview = [{"text": text, "label": splits.labels[label]} for label, text in list(first_of_class.items())[:n]]
    return {"labels": splits.labels, "counts": splits.counts, "train": len(splits.train),
            "validation": len(splits.validation), "preview": preview}
