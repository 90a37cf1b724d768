"""A data set's fingerprint: recorded when a run is created, checked whenever the run's data is read again, so a
changed or deleted file is one clear error instead of silently different numbers."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lab.errors import LabError

CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def data_sha256(path: str | Path) -> str:
    """sha256 of a file; of a folder, over its files in sorted order, each as its relative path and its contents'
    sha256 (hidden files such as .DS_Store left out: they are not data)."""
    path = Path(path)
    if path.is_file():
        return file_sha256(path)
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))
    for file in files:
        digest.update(f"{file.relative_to(path).as_posix()}\0{file_sha256(file)}\n".encode())
    return digest.hexdigest()


def data_state(path: str | None, recorded: str | None) -> str:
    """none (no data: an imported run), unrecorded (no fingerprint), gone, changed or unchanged."""
    if not path:
        return "none"
    if not recorded:
        return "unrecorded"
    if not Path(path).exists():
        return "gone"
    return "unchanged" if data_sha256(path) == recorded else "changed"


def check_unchanged(path: str, recorded: str | None) -> None:
    """A LabError when the data a run trained on is gone or differs from its fingerprint."""
    state = data_state(path, recorded)
    if state == "gone":
        raise LabError(f"The data this run trained on is gone: {path}.",
                       "The run re-reads its own data to continue training or to score its validation split, "
                       "and the file or folder is no longer there.",
                       "Put the data back at that path, or start a new run on data that exists.")
    if state == "changed":
        raise LabError(f"The data this run trained on has changed: {path}.",
                       f"Its sha256 is no longer {recorded[:16]}… (recorded when the run started), so its splits "
                       "and scores would not be the run's.",
                       "Restore the original data at that path, or start a new run on the new data.")
