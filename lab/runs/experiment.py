"""An experiment: runs on one data set and base model, trained one after another by a driver process and read
back as one leaderboard (docs/ARCHITECTURE.md, "Experiments").

    python -m lab.runs.experiment DIR    # the driver, started by start_experiment in its own session
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

from lab.errors import LabError
from lab.runs.config import TrainConfig
from lab.runs.store import FINAL, Run, create_run, read_json, runs_root, workspace, write_json_atomic


def experiments_root() -> Path:
    return workspace() / "experiments"


def new_experiment_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32] or "experiment"
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{slug}-{secrets.token_hex(2)}"


def start_experiment(configs: list[TrainConfig], name: str = "", force: bool = False) -> Path:
    """Check every run first (data, model, estimate), then create their folders and start the driver; returns
    the experiment's folder at once."""
    from lab.runs.launcher import prepare

    if not configs:
        raise LabError("An experiment needs at least one run.", "", "Choose one or more methods.")
    splits = configs[0].read_data()  # one data set for all: read once
    prepared = [prepare(config, force, splits) for config in configs]
    path = experiments_root() / new_experiment_id(name)
    path.mkdir(parents=True)
    runs = [create_run(config) for config in prepared]
    first = prepared[0]
    write_json_atomic(path / "experiment.json", {
        "id": path.name, "name": name, "created": time.time(), "task": first.task, "model": first.model,
        "data": first.data, "runs": [{"run": run.id, "method": c.method, "learning_rate": c.learning_rate,
                                      "settings": c.method_params} for run, c in zip(runs, prepared)]})
    log = open(path / "driver.log", "a")
    subprocess.Popen([sys.executable, "-m", "lab.runs.experiment", str(path)], stdout=log,
                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                     env=os.environ.copy())
    return path


def drive(path: Path) -> None:
    """The driver: own the queued runs (its pid keeps them alive), then start their workers one at a time."""
    from lab.runs.launcher import spawn_worker

    runs = [Run(runs_root() / entry["run"]) for entry in read_json(path / "experiment.json")["runs"]]
    for run in runs:
        if run.exists() and run.state == "queued":
            run.set_status("queued", pid=os.getpid())
    for run in runs:
        if not run.exists() or run.state != "queued":
            continue  # deleted, or ended while it waited
        if run.stop_requested():
            run.set_status("stopped", pid=None, finished=time.time(), error=None, hint="Stopped while queued.")
            continue
        spawn_worker(run).wait()


def list_experiments() -> list[dict]:
    """Every experiment, newest first: {id, name, created, task, data, runs}."""
    root = experiments_root()
    found = [read_json(p / "experiment.json") for p in root.iterdir()] if root.is_dir() else []
    return sorted((e for e in found if e), key=lambda e: e["id"], reverse=True)


def get_experiment(ref: str) -> dict:
    """An experiment's record by id, or a unique id prefix or suffix."""
    matches = [e for e in list_experiments() if e["id"] == ref or e["id"].startswith(ref) or e["id"].endswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LabError(f"No experiment '{str(ref)[:60]}'.", "No experiment has that id.",
                       "See `lab experiment list` for the ids.")
    raise LabError(f"'{ref}' matches {len(matches)} experiments.", ", ".join(e["id"] for e in matches[:5]),
                   "Give more of the id.")


def runs_of(experiment: dict) -> list[Run]:
    """The experiment's runs that still exist, in the grid's order."""
    runs = [Run(runs_root() / entry["run"]) for entry in experiment["runs"]]
    return [run for run in runs if run.exists()]


def finished(experiment: dict) -> bool:
    return all(run.state in FINAL for run in runs_of(experiment))


if __name__ == "__main__":
    drive(Path(sys.argv[1]))
