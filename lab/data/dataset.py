"""`read_dataset`: a file or a train/validation folder, in any known format, read into train and validation examples."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from lab.data.files import EXTENSIONS, data_name, read_records
from lab.data.formats import FORMATS, Columns, Example, detect_format, resolve_columns, to_example
from lab.errors import LabError

VALIDATION_STEMS = ("validation", "valid", "val", "dev")


@dataclass
class DatasetSplits:
    train: list[Example]
    validation: list[Example]
    format: str
    files: dict[str, str]  # split name -> file it was read from
    columns: dict[str, str] = field(default_factory=dict)  # role (prompt, response, system, text) -> column read


def read_dataset(
    source: str | Path,
    fmt: str = "auto",
    prompt_column: str | None = None,
    response_column: str | None = None,
    system_column: str | None = None,
    text_column: str | None = None,
    validation_fraction: float = 0.1,
    seed: int = 0,
) -> DatasetSplits:
    """Read `source`; without a validation file, a seeded `validation_fraction` of train becomes validation."""
    if fmt != "auto" and fmt not in FORMATS:
        raise LabError(f"Unknown data format '{fmt}'.", f"Known formats: auto, {', '.join(FORMATS)}.",
                       "Pick one of them, or 'auto' to detect it.")
    if not 0 <= validation_fraction < 1:
        raise LabError(f"validation_fraction must be in [0, 1), got {validation_fraction}.",
                       "It is the share of train examples held out for validation.", "Use e.g. 0.1, or 0 for none.")
    columns = Columns(prompt=prompt_column, response=response_column, system=system_column, text=text_column)
    files, name = find_split_files(Path(source)), data_name(source)
    read = {split: _read_file(path, name if path == Path(source) else f"{name}/{path.name}", fmt, columns)
            for split, path in files.items()}
    formats = {split: found for split, (_, found, _) in read.items()}
    if len(set(formats.values())) > 1:
        raise LabError(f"{name}: train and validation files differ in format ({formats}).",
                       "Both splits must hold the same kind of examples.", "Convert one file to the other's format.")
    train = read["train"][0]
    if "validation" in read:
        validation = read["validation"][0]
    else:
        train, validation = _split(train, validation_fraction, seed)
    return DatasetSplits(train, validation, formats["train"], {split: str(path) for split, path in files.items()},
                         read["train"][2])


def find_split_files(source: Path) -> dict[str, Path]:
    if not source.exists():
        raise LabError(f"{source} does not exist.", "No file or folder at that path.",
                       "Check the path; give a data file or a folder holding train.* (and optionally validation.*).")
    if source.is_file():
        return {"train": source}
    names = sorted(p.name for p in source.iterdir() if p.is_file())
    data = [source / n for n in names if Path(n).suffix.lower() in EXTENSIONS]
    found = {"train": [p for p in data if p.stem.lower() == "train"],
             "validation": [p for p in data if p.stem.lower() in VALIDATION_STEMS]}
    if len(found["train"]) != 1 or len(found["validation"]) > 1:
        raise LabError(
            f"{data_name(source)}: expected one train file and at most one validation file.",
            f"Files found: {', '.join(names) or 'none'}. A data folder holds train{{{','.join(EXTENSIONS)}}} "
            f"and optionally {'|'.join(VALIDATION_STEMS)} with one of those extensions.",
            "Rename the files, or point to a single file.",
        )
    return {split: paths[0] for split, paths in found.items() if paths}


def _read_file(path: Path, shown: str, fmt: str, columns: Columns) -> tuple[list[Example], str, dict[str, str]]:
    """The file's examples, its format and the columns read (role -> column); errors name the file `shown`."""
    records = read_records(path, shown)
    if not records:
        raise LabError(f"{shown} has no examples.", "The file is empty, or holds only a header or blank lines.",
                       "Add examples, or point to the right file.")
    if path.suffix.lower() == ".txt" and fmt not in ("auto", "text"):
        raise LabError(f"{shown}: a .txt file is plain text, not '{fmt}'.", "Its paragraphs are read as text examples.",
                       "Use fmt='text' (or 'auto'), or save the data as .jsonl/.csv.")
    first_where, first = records[0]
    fmt = detect_format(first, columns, f"{shown}, {first_where}") if fmt == "auto" else fmt
    resolved = resolve_columns(fmt, first, columns, f"{shown}, {first_where}")
    used = {role: column for role, column in vars(resolved).items() if column}
    return [to_example(record, fmt, resolved, f"{shown}, {where}") for where, record in records], fmt, used


def _split(examples: list[Example], fraction: float, seed: int) -> tuple[list[Example], list[Example]]:
    if fraction == 0 or len(examples) < 2:
        return examples, []
    count = min(len(examples) - 1, max(1, round(len(examples) * fraction)))
    held_out = set(random.Random(seed).sample(range(len(examples)), count))
    # both splits keep file order, so previews follow the file
    return ([e for i, e in enumerate(examples) if i not in held_out],
            [e for i, e in enumerate(examples) if i in held_out])
