"""Training runs: config, the run folder, the worker process and its launcher."""

from lab.runs.config import TrainConfig
from lab.runs.launcher import resume_run, start_run, stop_run
from lab.runs.store import Run, delete_run, get_run, list_runs, queue_position, workspace

__all__ = ["Run", "TrainConfig", "delete_run", "get_run", "list_runs", "queue_position", "resume_run", "start_run",
           "stop_run", "workspace"]
