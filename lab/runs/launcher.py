"""Start, stop and resume runs. Training always happens in its own process, so the caller returns at once."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from lab.errors import LabError
from lab.home import BUNDLED_SAMPLE_DATA
from lab.runs.config import TrainConfig
from lab.runs.distributed import worker_command
from lab.runs.store import ACTIVE, Run, create_run, get_run, json_problem, runs_folder_lock


def resolve_data(data: str) -> str:
    """Absolute, so the worker finds the data whatever its working folder; 'sample_data' and 'sample_data/...'
    (e.g. sample_data/topics) work from anywhere."""
    path = Path(data).expanduser()
    try:
        if not path.exists() and Path(data).parts[:1] == ("sample_data",):
            path = BUNDLED_SAMPLE_DATA.joinpath(*Path(data).parts[1:])
        found = path.exists()
    except OSError:  # a name longer than the file system allows (ENAMETOOLONG): no such data
        found = False
    if not found:
        shown = data if len(data) <= 60 else f"{data[:60]}…"
        raise LabError(f"Data '{shown}' does not exist.", "", "Give a data file or a folder with train/validation files.")
    return str(path.resolve())


REPORT_WAIT_SECONDS = 120  # resume waits this long for a stopped run's report


def spawn_worker(run: Run, resume: bool = False) -> subprocess.Popen:
    command = worker_command(run.path, resume, run.config.get("processes", 1))
    log = open(run.path / "worker.log", "a")
    # A new session: the run outlives the app, notebook or terminal that started it.
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=os.environ.copy())


def prepare(config: TrainConfig | dict, force: bool = False, splits=None) -> TrainConfig:
    """A config ready to become a run folder: data made absolute and read, the model found, `auto` decided, and
    (unless `force`) the estimate says it fits. Bad input fails here, in the caller, not minutes later in a worker."""
    from lab.data.summary import summarize
    from lab.runs.estimate import check_fits, resolve_precision

    config = TrainConfig.from_dict(config) if isinstance(config, dict) else config
    config.data = resolve_data(config.data)
    config.data_sha256 = None  # one copied from another run's config.json; create_run records this run's
    splits = splits or config.read_data()
    config.data_summary = summarize(splits, config.data)  # what every face following the run names
    if not Path(config.model).exists():
        from lab.models.registry import resolve_model

        resolve_model(config.model)
    config = resolve_precision(config)  # auto becomes a precision, with its reason, before the folder exists
    if not force:
        check_fits(config, splits)
    return config


def start_run(config: TrainConfig | dict, out: str | Path | None = None, force: bool = False) -> Run:
    """Create the run folder and start its worker; returns at once. The run waits its turn if another trains.

    A run estimated not to fit in the device's free memory is refused (a LabError listing the cheapest fixes)
    unless `force`."""
    run = create_run(prepare(config, force), out=out)  # recorded in the workspace's runs folder: every face finds it
    spawn_worker(run)
    return run


def stop_run(ref: str | Path, root=None) -> Run:
    run = get_run(ref, root)
    with runs_folder_lock(run):
        if run.state not in ACTIVE:
            raise LabError(f"Run {run.id} is not running (it is {run.state}).", "", "Nothing to stop.")
        run.request_stop()
    return run


def resume_run(ref: str | Path, root=None) -> Run:
    """Continue a stopped, failed or damaged run from its newest whole checkpoint (the start when it has none)."""
    run = get_run(ref, root)
    deadline = time.time() + REPORT_WAIT_SECONDS
    while run.report_pending() and time.time() < deadline:  # a stopped run's report is being written: seconds
        time.sleep(0.5)
    if run.report_pending():
        raise LabError(f"Run {run.id} is still writing the report of its stop.",
                       "Its worker scores the result where it stopped before it ends.",
                       "Resume it once its state shows no 'report pending'.")
    with runs_folder_lock(run):  # not resumed while another face deletes or resumes it
        check_resumable(run)
        (run.path / "stop").unlink(missing_ok=True)
        (run.path / "eval.json").unlink(missing_ok=True)  # the report of the stop; the resumed run writes its own
        run.set_status("queued", pid=None, queued=time.time())  # the back of the queue
    spawn_worker(run, resume=True)
    return run


def check_resumable(run: Run) -> None:
    state = run.state
    if state in ACTIVE:
        raise LabError(f"Run {run.id} is already {state}.", "", "Wait for it, or stop it first.")
    if run.gone():
        raise LabError(f"Run {run.id} cannot be resumed: its folder is gone.",
                       "It was created outside the runs folder (`--out`), and that folder was moved or deleted.",
                       f"`lab delete {run.id}` removes what is left of it (its record in the runs folder).")
    if run.status().get("imported"):
        raise LabError(f"Run {run.id} was imported, not trained here.",
                       "The lab has no checkpoint or data of it to continue from.",
                       "Start a new run (lab train) to train further.")
    if state == "completed":
        raise LabError(f"Run {run.id} is already completed.", "It trained to its last step.",
                       "Start a new run (with more steps) to train further.")
    if problem := json_problem(run.path / "config.json"):
        raise LabError(f"Run {run.id} cannot be resumed: {problem}.",
                       "config.json holds the run's settings (model, method, data); nothing can continue without them.",
                       f"Delete it (`lab delete {run.id}`) and start a new run.")
    if run.checkpoints() and not run.last_checkpoint():
        lacks = "; ".join(f"{c.name} has no {', '.join(gaps)}" for c, gaps in run.passed_checkpoints())
        raise LabError(f"Run {run.id} has no whole checkpoint to resume from.", f"{lacks}.",
                       f"Delete it (`lab delete {run.id}`) and start a new run.")
    run.train_config().check_data()  # changed or gone data: one clear error here, not a failed worker later
