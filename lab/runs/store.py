"""The run folder: the single source of truth that the worker writes and every face reads.

<runs root>/<run-id>/
  config.json    TrainConfig as started
  status.json    {state, error, hint, pid, created, updated, ...}; replaced atomically
  events.jsonl   append-only, one JSON object a line (see docs/ARCHITECTURE.md)
  stop           present = a face asked the worker to stop
  checkpoints/   Trainer checkpoints (the resume point)
  adapter/       the result: a peft folder (or a whole model for full / head-only) + README.md
  eval.json      base vs tuned metrics
  worker.log     the worker's stdout/stderr
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from pathlib import Path

from lab.errors import LabError
from lab.home import lab_home

ACTIVE = ("queued", "running", "stopping")
FINAL = ("stopped", "completed", "failed")


def workspace() -> Path:
    return Path(os.environ.get("LAB_WORKSPACE", lab_home() / "workspace")).expanduser()


def runs_root(root: str | Path | None = None) -> Path:
    return Path(root) if root else workspace() / "runs"


def write_json_atomic(path: Path, data) -> None:
    """Write beside the target and rename over it: readers see the old or the new file, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return default


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an exited child nobody reaped yet is a zombie: gone for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


class Run:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.id = self.path.name

    # -- files --------------------------------------------------------------------------------
    @property
    def adapter_dir(self) -> Path:
        return self.path / "adapter"

    @property
    def checkpoints_dir(self) -> Path:
        return self.path / "checkpoints"

    @property
    def config(self) -> dict:
        return read_json(self.path / "config.json", {})

    def train_config(self):
        from lab.runs.config import TrainConfig

        return TrainConfig.from_dict(self.config)

    def exists(self) -> bool:
        return (self.path / "config.json").is_file()

    # -- status ---------------------------------------------------------------------------------
    def status(self) -> dict:
        """The status record; a run whose worker died without saying so is marked failed here."""
        status = read_json(self.path / "status.json", {"state": "failed", "error": "status.json is missing"})
        if status.get("state") in ACTIVE and not pid_alive(status.get("pid")):
            waited = time.time() - status.get("updated", 0)
            if status.get("pid") or waited > 60:  # a queued run gets a minute for its worker to start
                status = self.set_status(
                    "failed",
                    error="The training process ended unexpectedly (killed, or out of memory).",
                    hint=f"`lab resume {self.id}` continues from the last checkpoint"
                    if self.last_checkpoint() else "Start the run again; no checkpoint was saved yet.",
                )
        return status

    @property
    def state(self) -> str:
        return self.status().get("state", "failed")

    def set_status(self, state: str, **fields) -> dict:
        current = read_json(self.path / "status.json", {})
        status = {**current, "state": state, "updated": time.time(), **fields}
        if state not in FINAL:
            status.update(error=fields.get("error"), hint=fields.get("hint"))
        write_json_atomic(self.path / "status.json", status)
        return status

    # -- events ---------------------------------------------------------------------------------
    def append_event(self, event: dict) -> None:
        line = json.dumps({"time": round(time.time(), 3), **event}, default=float) + "\n"
        with open(self.path / "events.jsonl", "a", encoding="utf-8") as f:
            f.write(line)  # one write per line; readers skip a trailing partial line

    def events(self, kind: str | None = None) -> list[dict]:
        try:
            lines = (self.path / "events.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        except FileNotFoundError:
            return []
        events = [json.loads(line) for line in lines if line.endswith("\n") and line.strip()]
        return [e for e in events if kind is None or e.get("type") == kind]

    # -- control --------------------------------------------------------------------------------
    def request_stop(self) -> None:
        (self.path / "stop").touch()

    def stop_requested(self) -> bool:
        return (self.path / "stop").exists()

    def last_checkpoint(self) -> Path | None:
        checkpoints = sorted(self.checkpoints_dir.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
        complete = [c for c in checkpoints if (c / "trainer_state.json").is_file()]
        return complete[-1] if complete else None

    def wait(self, timeout: float | None = None, poll: float = 1.0) -> str:
        """Block until the run is stopped, completed or failed (or timeout seconds pass); return its state."""
        deadline = None if timeout is None else time.time() + timeout
        while (state := self.state) not in FINAL and (deadline is None or time.time() < deadline):
            time.sleep(poll)
        return state

    def summary(self) -> dict:
        """One row for tables in the CLI, the app and the widgets."""
        status, config = self.status(), self.config
        train, evals = self.events("train"), self.events("eval")
        from lab.metrics.verdict import row_of, verdict

        start = (self.events("start") or [{}])[-1]
        report = read_json(self.path / "eval.json", {})
        tuned = row_of(report, self.id) or {}
        return {
            "id": self.id,
            "name": config.get("name", ""),
            "state": status.get("state"),
            "task": config.get("task", "chat"),
            "method": config.get("method"),
            "model": config.get("model"),
            "precision": config.get("precision"),
            "step": train[-1]["step"] if train else 0,
            "max_steps": start.get("max_steps"),
            "loss": train[-1].get("loss") if train else None,
            "best_eval_loss": min((e["eval_loss"] for e in evals), default=None),
            "trainable_params": start.get("trainable_params"),
            "eval_rougeL": tuned.get("rougeL"),  # the tuned model's, from the report or `lab eval`
            "verdict": verdict(report, self.id),  # better, worse or the same as the base; None before a report
            "accuracy": evals[-1].get("accuracy") if evals else None,  # classify runs: the latest validation score
            "created": status.get("created"),
            "error": status.get("error"),
            "hint": status.get("hint"),
            "path": str(self.path),
        }


def new_run_id(method: str) -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{method}-{secrets.token_hex(2)}"


def create_run(config, root: str | Path | None = None) -> Run:
    """A new run folder with config.json (the data's fingerprint recorded: every re-read of it is checked) and a
    queued status."""
    from lab.data.fingerprint import data_sha256

    config.data_sha256 = data_sha256(config.data) if config.data and Path(config.data).exists() else None
    run = Run(runs_root(root) / new_run_id(config.method))
    run.path.mkdir(parents=True)
    write_json_atomic(run.path / "config.json", config.to_dict())
    run.set_status("queued", created=time.time(), pid=None)
    return run


def list_runs(root: str | Path | None = None) -> list[Run]:
    base = runs_root(root)
    runs = [Run(p) for p in base.iterdir() if p.is_dir()] if base.is_dir() else []
    return sorted((r for r in runs if r.exists()), key=lambda r: r.id, reverse=True)


def get_run(ref: str | Path, root: str | Path | None = None) -> Run:
    """A run by folder path, id, or unique id prefix/suffix."""
    try:
        if Path(ref).is_dir() and Run(ref).exists():
            return Run(ref)
    except OSError:  # longer than a folder name may be (ENAMETOOLONG): no run folder has it
        pass
    matches = [r for r in list_runs(root) if r.id == ref or r.id.startswith(str(ref)) or r.id.endswith(str(ref))]
    if len(matches) == 1:
        return matches[0]
    shown = str(ref) if len(str(ref)) <= 60 else f"{str(ref)[:60]}…"  # a run id is a folder name: short
    if not matches:
        raise LabError(f"No run '{shown}'.", f"Nothing matches in {runs_root(root)}.", "See `lab runs` for the run ids.")
    raise LabError(f"'{shown}' matches {len(matches)} runs.", ", ".join(r.id for r in matches[:5]), "Give more of the id.")


def queue_position(run: Run, root: str | Path | None = None) -> int | None:
    """1 for the next queued run to train, 2 after it, ...; None when the run is not waiting."""
    if run.state != "queued":
        return None
    queued = sorted((r for r in list_runs(root) if r.state == "queued"), key=lambda r: r.status().get("created", 0))
    return next((i + 1 for i, r in enumerate(queued) if r.path == run.path), None)


def delete_run(ref: str | Path, root: str | Path | None = None) -> None:
    run = get_run(ref, root)
    if run.state in ACTIVE:
        raise LabError(f"Run {run.id} is {run.state}; it cannot be deleted now.",
                       "Deleting the folder of a live run would crash its worker and lose its work.",
                       f"Stop it first (`lab stop {run.id}`), then delete it.")
    shutil.rmtree(run.path)
