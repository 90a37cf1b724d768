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

A run created elsewhere (`out`, `lab train --out DIR`) lives in DIR/<run-id>/; the runs folder records it as a link
<runs root>/<run-id> -> DIR/<run-id>, so every face finds it by id.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from lab.errors import LabError
from lab.home import lab_home

ACTIVE = ("queued", "running", "stopping")
FINAL = ("stopped", "completed", "failed", "damaged")  # damaged: reported by readers, never recorded
RECORDS = ("config.json", "status.json", "events.jsonl", "checkpoints", "adapter")  # any of them makes a run folder
RESULT_WEIGHTS = ("adapter_model.safetensors", "model.safetensors", "model.safetensors.index.json")
# what a Trainer checkpoint holds to resume exactly, each part by the names it may have (FSDP's are folders)
CHECKPOINT_PARTS = {
    "weights": (*RESULT_WEIGHTS, "pytorch_model_fsdp*"),
    "optimizer state": ("optimizer.pt", "optimizer.bin", "optimizer_*"),
    "scheduler state": ("scheduler.pt",),
    "trainer state": ("trainer_state.json",),
    "random state": ("rng_state.pth", "rng_state_*.pth"),
}


def workspace() -> Path:
    return Path(os.environ.get("LAB_WORKSPACE", lab_home() / "workspace")).expanduser()


def runs_root(root: str | Path | None = None) -> Path:
    return Path(root) if root else workspace() / "runs"


def write_json_atomic(path: Path, data) -> None:
    """Write beside the target and rename over it: readers see the old or the new file, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")  # one per writing thread
    tmp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return default


def json_problem(path: Path) -> str | None:
    """What is wrong with a JSON record, in words (None when it reads)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return f"{path.name} is missing"
    except (OSError, UnicodeDecodeError) as exc:
        return f"{path.name} cannot be read ({exc})"
    if not text.strip():
        return f"{path.name} is empty"
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return f"{path.name} is half-written (not valid JSON)"
    return None if isinstance(record, dict) else f"{path.name} is not a JSON object"


def _holds(folder: Path, names) -> bool:
    return any(p.is_dir() or p.stat().st_size > 0 for name in names for p in folder.glob(name))


def checkpoint_gaps(folder: Path) -> list[str]:
    """The parts a Trainer checkpoint lacks, in words; empty when it is whole (resume restores it exactly)."""
    gaps = [part for part, names in CHECKPOINT_PARTS.items() if not _holds(folder, names)]
    if "trainer state" not in gaps and read_json(folder / "trainer_state.json") is None:
        gaps.append("trainer state")  # present but half-written
    return gaps


@contextmanager
def runs_folder_lock(run: "Run"):
    """Held around a check and a change of a run (stop, resume, delete), so two faces acting on one run at once
    cannot, say, resume a run that is being deleted. Not re-entrant: never nest it."""
    with open(run.path.parent / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not run.exists():  # deleted while this face waited for the lock
                raise LabError(f"No run '{run.id}'.", "It was deleted meanwhile.", "See `lab runs` for the run ids.")
            yield run
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


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
        config = read_json(self.path / "config.json")
        return config if isinstance(config, dict) else {}  # a damaged one reads as no settings

    def train_config(self):
        from lab.runs.config import TrainConfig

        return TrainConfig.from_dict(self.config)

    @property
    def folder(self) -> Path:
        """Where the run's files are: its path, or for a run created with `out` the folder its record links to."""
        return self.path.resolve() if self.path.is_symlink() else self.path

    def exists(self) -> bool:
        """A run folder: it holds any of a run's records (a damaged run is still a run); or a link in the runs folder,
        the record of a run created with `out` (whose folder may be gone)."""
        return self.path.is_symlink() or any((self.path / name).exists() for name in RECORDS)

    def gone(self) -> bool:
        """The record of a run created with `out` whose folder was moved or deleted outside the lab."""
        return self.path.is_symlink() and not any((self.path / name).exists() for name in RECORDS)

    # -- status ---------------------------------------------------------------------------------
    def status(self) -> dict:
        """The status record; a run whose worker died without saying so is marked failed here, and a run whose
        records are damaged reads as `damaged` (see docs/ARCHITECTURE.md, Damaged records)."""
        status = read_json(self.path / "status.json")
        if not isinstance(status, dict) or status.get("state") not in ACTIVE or not pid_alive(status.get("pid")):
            if damage := self.record_damage(status if isinstance(status, dict) else None):
                return {**(status if isinstance(status, dict) else {}), "state": "damaged", **damage}
        if status.get("state") in ACTIVE and not pid_alive(status.get("pid")):
            waited = time.time() - status.get("updated", 0)
            # a queued run gets a minute for its worker to start; a record changed since this read (a resume) stands
            if (status.get("pid") or waited > 60) and read_json(self.path / "status.json") == status:
                status = self.set_status(
                    "failed",
                    error="The training process ended unexpectedly (killed, or out of memory).",
                    hint=f"`lab resume {self.id}` continues from {self.last_checkpoint().name}"
                    if self.last_checkpoint() else "Start the run again; no whole checkpoint was saved yet.",
                )
        return status

    def record_damage(self, status: dict | None) -> dict | None:
        """{error, hint} when the run's settings, status or saved result cannot be read; None when they can."""
        if self.gone():
            return {"error": "Its folder is gone: the run was created outside the runs folder (`--out`), and that "
                             "folder was moved or deleted.",
                    "hint": f"`lab delete {self.id}` removes what is left of it (its record in the runs folder)."}
        problem = json_problem(self.path / "config.json") or json_problem(self.path / "status.json")
        if not problem and status.get("state") in ("completed", "stopped") and self.adapter_dir.is_dir() \
                and not _holds(self.adapter_dir, RESULT_WEIGHTS):
            problem = f"The run {status['state']}, but adapter/ has no weights ({RESULT_WEIGHTS[0]} or model.safetensors)"
        if not problem:
            return None
        if json_problem(self.path / "config.json"):
            hint = f"config.json held the run's settings, so it cannot be resumed or loaded: `lab delete {self.id}`."
        elif checkpoint := self.last_checkpoint():
            hint = f"`lab resume {self.id}` continues from {checkpoint.name}, its newest whole checkpoint; or `lab delete {self.id}`."
        else:
            hint = f"No whole checkpoint to continue from: `lab delete {self.id}` and start a new run."
        return {"error": f"{problem}.", "hint": hint}

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
        with open(self.path / "events.jsonl", "ab") as f:
            if f.tell() and not self._ends_a_line():
                line = "\n" + line  # after a torn line (a crash mid-write): this record stays whole on its own
            f.write(line.encode("utf-8"))  # one write per line; readers skip a trailing partial line

    def _ends_a_line(self) -> bool:
        with open(self.path / "events.jsonl", "rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"

    def events(self, kind: str | None = None) -> list[dict]:
        events = self._read_events()[0]
        return [e for e in events if kind is None or e.get("type") == kind]

    def _read_events(self) -> tuple[list[dict], int]:
        """The readable records, and how many lines were not (a torn last line: a writer mid-line, or damage)."""
        try:
            lines = (self.path / "events.jsonl").read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
        except FileNotFoundError:
            return [], 0
        events = []
        for line in lines:
            try:
                event = json.loads(line) if line.endswith("\n") else None
            except json.JSONDecodeError:
                event = None
            if isinstance(event, dict) and "type" in event:
                events.append(event)
        return events, sum(1 for line in lines if line.strip()) - len(events)

    def damage(self, state: str) -> dict | None:
        """Damage that leaves the run its state, {what, fix}: unreadable event lines (once no worker writes), and
        newer checkpoints a resume passes over. None when there is none."""
        whats, fixes = [], []
        unreadable = self._read_events()[1] if state not in ACTIVE else 0
        if unreadable:
            whats.append(f"events.jsonl has {unreadable} unreadable line(s), skipped (a torn last line is the last "
                         "record lost)")
            fixes.append("Nothing to do: the rest of its history reads.")
        passed = self.passed_checkpoints() if state in ("stopped", "failed") else []
        if passed:
            whats += [f"{c.name} is not whole (no {', '.join(gaps)})" for c, gaps in passed]
            whole = self.last_checkpoint()
            fixes.append(f"`lab resume {self.id}` continues from {whole.name}, the newest whole checkpoint."
                         if whole else f"No whole checkpoint to resume from: `lab delete {self.id}`.")
        return {"what": "; ".join(whats) + ".", "fix": " ".join(fixes)} if whats else None

    # -- control --------------------------------------------------------------------------------
    def request_stop(self) -> None:
        (self.path / "stop").touch()

    def stop_requested(self) -> bool:
        return (self.path / "stop").exists()

    def checkpoints(self) -> list[Path]:
        """The Trainer's checkpoint folders, oldest first."""
        found = [c for c in self.checkpoints_dir.glob("checkpoint-*") if c.is_dir() and c.name[11:].isdigit()]
        return sorted(found, key=lambda c: int(c.name[11:]))

    def last_checkpoint(self) -> Path | None:
        """The newest whole checkpoint: the one resume continues from."""
        return next((c for c in reversed(self.checkpoints()) if not checkpoint_gaps(c)), None)

    def passed_checkpoints(self) -> list[tuple[Path, list[str]]]:
        """The checkpoints newer than the newest whole one, with what each lacks (resume passes over them)."""
        passed = []
        for checkpoint in reversed(self.checkpoints()):
            if not (gaps := checkpoint_gaps(checkpoint)):
                break
            passed.append((checkpoint, gaps))
        return passed

    def wait(self, timeout: float | None = None, poll: float = 1.0) -> str:
        """Block until the run is stopped, completed or failed, its report written (or timeout seconds pass);
        return its state."""
        deadline = None if timeout is None else time.time() + timeout
        while ((state := self.state) not in FINAL or self.report_pending()) and (
                deadline is None or time.time() < deadline):
            time.sleep(poll)
        return state

    def report_pending(self) -> bool:
        """A stopped run whose worker is still writing its report: the stop took effect at once, the report follows
        (faces say "report pending")."""
        status = read_json(self.path / "status.json", {})
        return isinstance(status, dict) and status.get("report") == "pending" and pid_alive(status.get("pid"))

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
            "verdict": verdict(report, self.id),  # better, worse, mixed or the same as the base; None before a report
            "accuracy": evals[-1].get("accuracy") if evals else None,  # classify runs: the latest validation score
            "created": status.get("created"),
            "error": status.get("error"),
            "hint": status.get("hint"),
            "damage": self.damage(status.get("state")),
            "path": str(self.folder),
        }


def new_run_id(method: str) -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{method}-{secrets.token_hex(2)}"


def create_run(config, root: str | Path | None = None, out: str | Path | None = None) -> Run:
    """A new run folder with config.json (the data's fingerprint recorded: every re-read of it is checked) and a
    queued status. With `out` the folder is made there, and the runs folder records it (a link named by the run's
    id, made once the folder is whole): the Run returned, like get_run's, names it by that record."""
    from lab.data.fingerprint import data_sha256

    config.data_sha256 = data_sha256(config.data) if config.data and Path(config.data).exists() else None
    folder = Path(out).expanduser().absolute() if out else runs_root(root)
    path = folder / new_run_id(config.method)
    staging = Run(path.with_name(f".{path.name}.creating"))  # built hidden, then renamed: no reader sees half a run
    staging.path.mkdir(parents=True)
    write_json_atomic(staging.path / "config.json", config.to_dict())
    now = time.time()
    staging.set_status("queued", created=now, queued=now, pid=None)
    os.rename(staging.path, path)
    record = runs_root(root) / path.name
    if not out or record.parent.resolve() == folder.resolve():
        return Run(path)
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(path, record, target_is_directory=True)
    except OSError as exc:
        shutil.rmtree(path, ignore_errors=True)  # a run no face could find would hold the device unseen
        raise LabError(f"Could not record the run in {record.parent}.", str(exc),
                       "Make the workspace's runs folder writable (or set LAB_WORKSPACE), or leave out --out.") \
            from exc
    return Run(record)


def list_runs(root: str | Path | None = None) -> list[Run]:
    base = runs_root(root)
    runs = [Run(p) for p in base.iterdir() if (p.is_dir() or p.is_symlink()) and not p.name.startswith(".")] \
        if base.is_dir() else []
    return sorted((r for r in runs if r.exists()), key=lambda r: r.id, reverse=True)


def get_run(ref: str | Path, root: str | Path | None = None) -> Run:
    """A run by folder path, id, or unique id prefix/suffix. A folder created with `out` is named by its record in
    the runs folder, however it is given, so every face takes the same lock and delete removes the record too."""
    try:
        if Path(ref).is_dir() and Run(ref).exists():
            record = runs_root(root) / Path(ref).name
            return Run(record) if record.is_symlink() and record.resolve() == Path(ref).resolve() else Run(ref)
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
    return next((i + 1 for i, r in enumerate(queue(root)) if r.path.resolve() == run.path.resolve()), None)


def queue(root: str | Path | None = None) -> list[Run]:
    """The queued runs in the order they take the device (queue_position's order: when each joined the queue)."""
    return sorted((r for r in list_runs(root) if r.state == "queued"), key=lambda r: queued_since(r.status()))


def queued_since(status: dict) -> float:
    """When the run joined the queue (created, or resumed): the queue's order, in every workspace."""
    return status.get("queued") or status.get("created") or 0.0


def delete_run(ref: str | Path, root: str | Path | None = None) -> None:
    run = get_run(ref, root)
    with runs_folder_lock(run):
        if run.state in ACTIVE:
            raise LabError(f"Run {run.id} is {run.state}; it cannot be deleted now.",
                           "Deleting the folder of a live run would crash its worker and lose its work.",
                           f"Stop it first (`lab stop {run.id}`), then delete it.")
        folder = run.folder  # a run created with `out`: where its record links
        if run.path.is_symlink():
            run.path.unlink()  # the record first: gone from every listing at once
            if not Run(folder).exists():  # its folder is gone (or is no run's now): the record was all there was
                return
        doomed = folder.with_name(f".{folder.name}.deleting-{secrets.token_hex(2)}")
        try:
            os.rename(folder, doomed)  # gone from every listing at once; the files go after
        except OSError:
            if folder != run.path:
                os.symlink(folder, run.path, target_is_directory=True)  # nothing deleted: the record stays
            raise
    shutil.rmtree(doomed)
