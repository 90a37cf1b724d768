"""The worker process: waits its turn for the device, trains, and records every outcome in the run folder."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager

from lab.errors import LabError
from lab.home import lab_home
from lab.logs import log_failure
from lab.runs import distributed
from lab.runs.store import Run

WAITING = "waiting"  # rank 0's heartbeat while it waits for the device


def lock_path(device: str):
    path = lab_home() / "locks" / f"{device}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def holder_path(device: str):
    return lock_path(device).with_suffix(".holder.json")


def device_holder(device: str) -> dict | None:
    """The run that holds the device now: {run, path, pid}, or None when the device is free."""
    from lab.runs.store import pid_alive, read_json

    holder = read_json(holder_path(device))
    return holder if holder and pid_alive(holder.get("pid")) and training_on(device) else None


def training_on(device: str) -> bool:
    """Whether a run is training on this device now (its worker holds the device's lock)."""
    with open(lock_path(device), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock, fcntl.LOCK_UN)
        return False


@contextmanager
def device_turn(run: Run, device: str):
    """Hold the device's lock for the duration; yield False if a stop was asked for while queued.

    A file lock (not a queue process) orders runs: the OS releases it when a worker dies, so a crash never
    blocks the queue; the run first in the device's line (lab.runs.queue) is the one that tries it. Only rank 0
    takes it; its heartbeat keeps the other ranks waiting with it."""
    from lab.runs.queue import place_in_line

    with open(lock_path(device), "w") as lock, place_in_line(run, device) as first_in_line:
        while True:
            try:
                if not first_in_line():
                    raise BlockingIOError("another run is ahead in the line")
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if run.stop_requested():
                    yield False
                    return
                distributed.agree(WAITING)
                time.sleep(0.5)
        try:
            from lab.runs.store import write_json_atomic

            # who holds the device, for the progress of runs queued behind it (any workspace)
            write_json_atomic(holder_path(device), {"run": run.id, "path": str(run.path), "pid": os.getpid()})
            yield True
        finally:
            holder_path(device).unlink(missing_ok=True)
            fcntl.flock(lock, fcntl.LOCK_UN)


def failure_fields(exc: BaseException) -> dict:
    import torch

    if isinstance(exc, LabError):
        return {"error": exc.what + (f" {exc.why}" if exc.why else ""), "hint": exc.fix}
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return {"error": f"The disk is full: {exc}.",
                "hint": "Free disk space (old runs: `lab delete RUN`; checkpoints/), then `lab resume` continues "
                        "from the last complete checkpoint."}
    if isinstance(exc, torch.OutOfMemoryError) or "out of memory" in str(exc).lower():
        return {"error": "Out of memory while training.",
                "hint": "Use precision 4bit, a smaller batch_size with more gradient_accumulation, or a shorter "
                        "max_length; `lab resume` continues from the last checkpoint."}
    if distributed.world_size() > 1 and any(word in str(exc) for word in ("gloo", "NCCL", "Connection reset")):
        return {"error": "Another process of this run ended (killed, out of memory, or an error).",
                "hint": "worker.log in the run folder has every rank's output; `lab resume` continues from the last "
                        "checkpoint."}
    return {"error": f"{type(exc).__name__}: {exc}", "hint": "See worker.log in the run folder for the traceback."}


def run_worker(run: Run, resume: bool = False) -> str:
    """Rank 0 (or the only process) records everything; see follow_rank_0 for the others."""
    from lab.models.loading import default_device, quiet_bitsandbytes

    quiet_bitsandbytes()
    distributed.join()
    if not distributed.is_main():
        return follow_rank_0(run, resume)
    pid = os.getpid()  # rank 0's: if it dies, torchrun ends the other ranks, so the run is dead too
    imported = time.time() - process_started()  # the imports' share of the run's start, for the next estimate
    run.set_status("queued", pid=pid)
    with device_turn(run, default_device()) as turn:
        distributed.agree(turn)
        if not turn:
            run.set_status("stopped", pid=pid, finished=time.time(), error=None, hint="Stopped while queued.")
            return "stopped"
        began = time.time()
        run.set_status("running", pid=pid, started=began)
        outcome = {"error": None, "hint": None}
        try:
            from lab.runs.training import train_run

            trained = train_run(run, resume=resume, imported_s=imported)
            state = trained.state
            if state == "stopped":  # the stop is honoured now; its report follows, and faces show it pending
                ended(run, state, began, pid, report="pending", **outcome)
            write_report(run, state, pid, trained.finish)
        except BaseException as exc:  # every failure must land in status.json, whatever raised it
            log_failure(exc)  # a LabError (diverged, data gone) in one line; a bug with its traceback
            state, outcome = "failed", failure_fields(exc)
        if run.status().get("report") == "pending":
            run.set_status(state, report=None, **outcome)  # the stopped run's report is written (or its error)
        else:
            ended(run, state, began, pid, **outcome)
    return state


def process_started() -> float:
    import psutil

    return psutil.Process().create_time()


def ended(run: Run, state: str, began: float, pid: int, **fields) -> None:
    """The end event first: a reader that sees the final state finds the run's time and peak too."""
    run.append_event({"type": "end", "state": state, "seconds": round(time.time() - began, 3),
                      "peak_memory_bytes": peak_memory_bytes()})
    run.set_status(state, pid=pid, finished=time.time(), phase=None, **fields)


def peak_memory_bytes() -> int:
    """This worker's peak so far: allocated GPU memory on a GPU, resident memory (ru_maxrss, KiB) on a CPU."""
    import resource

    import torch

    from lab.models.loading import default_device

    if default_device() == "cuda":
        return torch.cuda.max_memory_allocated()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def write_report(run: Run, state: str, pid: int, finish=None) -> None:
    """The before/after report (eval.json) of a run that completed or stopped, and its place in the model card:
    `finish` builds it from training's own numbers (lab.runs.training.Trained), else the base and the result
    load afresh. A failed report is recorded in eval.json and worker.log; the run keeps its state."""
    config = run.train_config()
    if not config.report_examples:
        return
    import gc

    import torch

    from lab.results.evaluation import evaluate_runs
    from lab.runs.model_card import add_report
    from lab.runs.store import write_json_atomic

    if state != "stopped":  # a stopped run already reads as stopped, its report pending
        run.set_status(run.status()["state"], pid=pid, phase="report")
    known = {"state": state, "peak_memory_bytes": peak_memory_bytes()}
    try:
        if finish is not None:
            report = finish(known)
        else:
            gc.collect()  # the training model and its Trainer: the report loads the base and the result afresh
            if torch.cuda.is_available():
                torch.cuda.empty_cache()
            report = evaluate_runs([run], config.report_examples, config.sample_new_tokens, known_facts=known)
        add_report(run, report)
    except Exception as exc:  # a report is a view of the result, never a reason to fail the run
        log_failure(exc)
        write_json_atomic(run.path / "eval.json", {"run": run.id, "error": failure_fields(exc)["error"]})


def follow_rank_0(run: Run, resume: bool) -> str:
    """A rank other than 0: wait for rank 0's turn, train alongside it, write nothing. A failure here ends this
    process; torchrun then ends rank 0, and the dead pid marks the run failed (the traceback is in worker.log)."""
    while (turn := distributed.agree(None)) == WAITING:
        pass
    if not turn:
        return "stopped"
    from lab.runs.training import train

    return train(run, resume=resume)[0]
