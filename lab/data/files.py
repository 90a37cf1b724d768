"""Data files read into raw records, each tagged with its place in the file so errors can point at it."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from lab.errors import LabError
from lab.home import BUNDLED_SAMPLE_DATA

EXTENSIONS = (".jsonl", ".json", ".csv", ".txt")
Record = tuple[str, dict]  # ("line 3" | "row 4" | "record 2" | "paragraph 5", fields)


def data_name(path: str | Path) -> str:
    """What a message or a face calls a data file or folder: its own name (an upload's copy in the workspace keeps
    the upload's name as its last part), a bundled sample set as `sample_data[/...]`."""
    path = Path(path)
    try:
        inside = path.resolve().relative_to(BUNDLED_SAMPLE_DATA.resolve())
    except (OSError, ValueError):
        return path.name or str(path)
    return "/".join(("sample_data", *inside.parts))


def read_records(path: Path, name: str | None = None) -> list[Record]:
    """The file's records; errors name it as `name` (default: its own file name, never the folder it lies in)."""
    shown, suffix = name or data_name(path), path.suffix.lower()
    if suffix not in EXTENSIONS:
        raise LabError(f"{shown}: unknown file type '{suffix or '(none)'}'.",
                       f"The lab reads {', '.join(EXTENSIONS)} files.", "Convert the file to one of these types.")
    text = _read_text(path, shown)
    return {".jsonl": _jsonl, ".json": _json, ".csv": _csv, ".txt": _txt}[suffix](shown, text)


def _read_text(path: Path, shown: str) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise LabError(f"{shown} is not a text file.",
                       "It contains binary (NUL) bytes, as zip, parquet or UTF-16 files do.",
                       f"Point to a UTF-8 {', '.join(EXTENSIONS)} file.")
    try:
        return data.decode("utf-8-sig")  # -sig drops the BOM spreadsheet programs write
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LabError(f"{shown}, line {line}: not UTF-8 text.", str(exc), "Save the file as UTF-8.") from None


def _bad_json(path: str, line: int, exc: json.JSONDecodeError) -> LabError:
    return LabError(f"{path}, line {line}: malformed JSON.", f"{exc.msg} (column {exc.colno}).",
                    "Fix that line; each line of a .jsonl file is one JSON object.")


def _object(path: str, where: str, value) -> dict:
    if not isinstance(value, dict):
        raise LabError(f"{path}, {where}: not a JSON object.", f"Got {type(value).__name__}.",
                       'Write each record as an object, e.g. {"messages": [...]}.')
    return value


def _jsonl(path: str, text: str) -> list[Record]:
    records = []
    # split on \n only: str.splitlines would also split on U+2028, which JSON strings may hold raw
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _bad_json(path, number, exc) from None
        records.append((f"line {number}", _object(path, f"line {number}", value)))
    return records


def _json(path: str, text: str) -> list[Record]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # JSON Lines saved as .json
            return _jsonl(path, text)
        raise _bad_json(path, exc.lineno, exc) from None
    if not isinstance(value, list):
        raise LabError(f"{path}: not a list of records.", f"The file holds a JSON {type(value).__name__}.",
                       "Make the file a JSON list of objects, or save one object a line as .jsonl.")
    return [(f"record {i}", _object(path, f"record {i}", v)) for i, v in enumerate(value, start=1)]


def _csv(path: str, text: str) -> list[Record]:
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, [])
    # rows are numbered as a spreadsheet shows them: the header is row 1
    return [(f"row {number}", dict(zip(header, row))) for number, row in enumerate(rows, start=2) if any(row)]


def _txt(path: str, text: str) -> list[Record]:
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n"))]
    return [(f"paragraph {i}", {"text": p}) for i, p in enumerate(filter(None, paragraphs), start=1)]
