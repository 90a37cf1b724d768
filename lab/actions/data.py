"""Data: the one rule that turns what a face names (a sample set, a path, an upload) into a readable path (an
upload kept in the workspace), and a description of a data set for either task."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lab.actions import defaults
from lab.actions.inputs import whole
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


def describe_data(data: str | None = defaults.DATA, model: str | None = None, task: str = defaults.TASK,
                  max_length: int = defaults.MAX_LENGTH, examples: int = defaults.PREVIEW_EXAMPLES, upload=None,
                  confined: bool = False, **read_options) -> dict:
    """Chat data: format, files, split sizes, token counts and rendered examples. Classify data: classes with
    their counts per split and a text of each. `read_options` are TrainConfig's data settings (data_format,
    prompt_column, response_column; text_column, label_column)."""
    from lab.actions.models import model_name
    from lab.data import describe_classification, preview, read_classification, read_dataset, tokenize_examples
    from lab.models.loading import load_tokenizer

    source = data_path(data, upload, confined)
    max_length, examples = whole(max_length, "max length"), whole(examples, "examples")
    if task == "classify":
        splits = read_classification(source, text_column=read_options.get("text_column"),
                                     label_column=read_options.get("label_column"))
        summary = describe_classification(splits, len(splits.labels))
        return {"task": "classify", **summary, "preview": summary["preview"][:examples],
                "example_of": {row["label"]: row["text"] for row in summary["preview"]}}
    if task != "chat":
        raise LabError(f"Unknown task '{task}'.", "", "Use chat or classify.")
    splits = read_dataset(source, fmt=read_options.get("data_format") or "auto",
                          prompt_column=read_options.get("prompt_column"),
                          response_column=read_options.get("response_column"))
    tokenizer = load_tokenizer(model_name(model, confined))
    _, stats = tokenize_examples(tokenizer, splits.train, max_length)
    return {"task": "chat", "format": splits.format, "files": splits.files, "train": len(splits.train),
            "validation": len(splits.validation), "train_tokens": stats, "max_length": max_length,
            "preview": preview(tokenizer, splits.train, n=examples, max_length=max_length)}
