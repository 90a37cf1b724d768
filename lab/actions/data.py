"""Data: the one rule that turns what a face names (a sample set, a path, an upload) into a readable path (an
upload kept in the workspace), and a description of a data set for either task."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lab.actions import defaults
from lab.actions.inputs import column_settings, whole
from lab.errors import LabError
from lab.paths import confine
from lab.runs.launcher import resolve_data


def data_path(data: str | None = defaults.DATA, upload=None, confined: bool = False) -> str:
    """An absolute path: the upload's copy in the workspace when there is one (kept_upload), else `data`
    ('sample_data' and 'sample_data/...' work from any folder). When `confined` (the app, the panels) it must lie in
    an allowed folder, checked before existence so a page cannot probe the machine's files."""
    what = "upload" if upload else "data path"
    source = str((upload if isinstance(upload, str) else getattr(upload, "name", upload)) or data or defaults.DATA)
    if confined:
        try:
            resolved = resolve_data(source)
        except LabError:
            confine(source, what)  # outside the allowed folders says only that, not whether it exists
            raise
        except (OSError, ValueError):  # a name longer than a file's may be, a NUL byte: no such file
            confine(source, what)
            raise LabError(f"Data '{source[:60]}' does not exist.", "", "Give a data file or a folder.") from None
        resolved = str(confine(resolved, what))  # before the copy: a page cannot have the server copy any file
    else:
        resolved = resolve_data(source)
    return kept_upload(resolved) if upload and Path(resolved).is_file() else resolved


def kept_upload(path: str) -> str:
    """The upload copied into `$workspace/data/<sha256[:16]>/<its name>` (once per content and name), so a run
    started from it outlives the app's temporary upload folder."""
    from lab.data.fingerprint import file_sha256
    from lab.runs.store import workspace

    source = Path(path)
    target = workspace() / "data" / file_sha256(source)[:16] / source.name
    if target.is_file():
        return str(target)
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staging)
        os.replace(staging, target)  # whole or absent: a reader never sees half a copy
    except OSError as exc:
        staging.unlink(missing_ok=True)
        raise LabError(f"Could not keep the upload {source.name} in the workspace.",
                       f"Copying it to {target.parent} failed: {exc.strerror or exc}.",
                       "Free disk space in the workspace (old runs: lab delete RUN), or set LAB_WORKSPACE to a "
                       "folder with room, then upload it again.") from exc
    return str(target)


def _read(source: str, task: str, columns, read_options: dict):
    """The data's splits as a run of `task` reads them, with the column mapping (lab.actions.inputs.column_settings)
    over `read_options` (TrainConfig's data settings)."""
    from lab.data import read_classification, read_dataset

    options = {**read_options, **column_settings(columns)}
    if task == "classify":
        return read_classification(source, text_column=options.get("text_column"),
                                   label_column=options.get("label_column"))
    if task != "chat":
        raise LabError(f"Unknown task '{task}'.", "", "Use chat or classify.")
    return read_dataset(source, fmt=options.get("data_format") or "auto", prompt_column=options.get("prompt_column"),
                        response_column=options.get("response_column"), system_column=options.get("system_column"))


def describe_data(data: str | None = defaults.DATA, model: str | None = None, task: str = defaults.TASK,
                  max_length: int = defaults.MAX_LENGTH, examples: int = defaults.PREVIEW_EXAMPLES, upload=None,
                  confined: bool = False, columns: str | dict | None = None, **read_options) -> dict:
    """Chat data: format, files, split sizes, token counts and rendered examples. Classify data: classes with
    their counts per split and a text of each. Both: data_summary's name, format and columns read. `columns` is the
    column mapping (plan_run's); `read_options` are TrainConfig's data settings (data_format, prompt_column,
    response_column, system_column; text_column, label_column)."""
    from lab.actions.models import model_name
    from lab.data import describe_classification, preview, tokenize_examples
    from lab.data.summary import summarize
    from lab.models.loading import load_tokenizer

    source = data_path(data, upload, confined)
    max_length, examples = whole(max_length, "max length"), whole(examples, "examples")
    splits = _read(source, task, columns, read_options)
    if task == "classify":
        summary = describe_classification(splits, len(splits.labels))
        return {**summarize(splits, source), **summary, "preview": summary["preview"][:examples],
                "example_of": {row["label"]: row["text"] for row in summary["preview"]}}
    tokenizer = load_tokenizer(model_name(model, confined))
    _, stats = tokenize_examples(tokenizer, splits.train, max_length)
    return {**summarize(splits, source), "files": splits.files, "train_tokens": stats, "max_length": max_length,
            "preview": preview(tokenizer, splits.train, n=examples, max_length=max_length)}


def data_summary(data: str | None = defaults.DATA, task: str = defaults.TASK, upload=None,
                 columns: str | dict | None = None, confined: bool = False, **read_options) -> dict:
    """What the Train tab and panel say of the data a run would read (lab.present.data.line): {name, task, format,
    train, validation, columns (role -> column read), classes (classify)}. It reads the data (no tokenizer): a
    LabError names the file by its own name, an upload's too."""
    from lab.data.summary import summarize

    source = data_path(data, upload, confined)
    return summarize(_read(source, task, columns, read_options), source)


def data_columns(data: str | None = defaults.DATA, upload=None, confined: bool = False) -> list[str]:
    """The columns a face's column pickers offer: a CSV's header, the fields of the first JSON record of the data's
    train file (none for a .txt file)."""
    from lab.data.dataset import find_split_files
    from lab.data.files import read_records

    train = find_split_files(Path(data_path(data, upload, confined)))["train"]
    if train.suffix.lower() == ".csv":  # the header, even of a file with no rows yet
        import csv

        with open(train, encoding="utf-8-sig", newline="", errors="replace") as f:
            return [name for name in next(csv.reader(f), []) if name.strip()]
    if train.suffix.lower() == ".txt":
        return []
    records = read_records(train)
    fields = [str(name) for name in records[0][1]] if records else []
    return [] if {"messages", "conversations"} & set(fields) else fields  # a conversation per record: no columns
