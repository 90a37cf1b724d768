"""The device's waiting line: queued runs take the device in the order they joined the queue (created or resumed:
queue_position's order), across workspaces, rather than whichever worker's poll first finds the lock free."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

from lab.home import lab_home
from lab.runs.store import Run, pid_alive, queued_since, read_json, write_json_atomic


def line_path(device: str) -> Path:
    return lab_home() / "locks" / f"{device}.line"


@contextmanager
def place_in_line(run: Run, device: str):
    """Hold this run's ticket in the device's line; yield a function that says whether it is first. A ticket names
    its worker's pid, so a worker that died in line (its ticket left behind) is passed over and its ticket removed."""
    folder = line_path(device)
    folder.mkdir(parents=True, exist_ok=True)
    since = queued_since(read_json(run.path / "status.json") or {}) or time.time()
    ticket = folder / f"{since:017.6f}-{run.id}.json"  # zero-padded: the names sort as the times do
    write_json_atomic(ticket, {"run": run.id, "path": str(run.path), "pid": os.getpid()})

    def first() -> bool:
        for other in sorted(folder.glob("*.json")):
            if other == ticket:
                return True
            waiting = read_json(other)
            if waiting is None:  # left the line meanwhile
                continue
            if not pid_alive(waiting.get("pid")):
                other.unlink(missing_ok=True)
                continue
            return False
        return True

    try:
        yield first
    finally:
        ticket.unlink(missing_ok=True)
