"""Faults inside the worker end as a failed status with an actionable hint; the run folder stays readable."""

import errno
import json
import math

import pytest
import torch

from lab.errors import LabError
from lab.runs.callbacks import RunFolderCallback
from lab.runs.store import create_run
from lab.runs.worker import run_worker


@pytest.fixture
def run(tmp_path, lab_home, tiny_config):
    return create_run(tiny_config(), tmp_path / "runs")


@pytest.mark.parametrize(
    "fault, error, hint",
    [
        (torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), "Out of memory", "4bit"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk is full", "Free disk space"),
        (LabError("The training loss became nan at step 3.", "", "Lower learning_rate"), "nan", "learning_rate"),
        (RuntimeError("something unexpected"), "RuntimeError", "worker.log"),
    ],
)
def test_a_fault_while_training_fails_the_run_with_a_hint(run, monkeypatch, fault, error, hint):
    def broken(run, resume=False, imported_s=0.0):
        raise fault

    monkeypatch.setattr("lab.runs.training.train_run", broken)
    assert run_worker(run) == "failed"
    status = json.loads((run.path / "status.json").read_text())  # still whole JSON
    assert status["state"] == "failed" and error in status["error"] and hint in status["hint"]
    assert run.events("end")[-1]["state"] == "failed"


@pytest.mark.parametrize("loss", [math.nan, math.inf])
def test_a_non_finite_loss_stops_training_with_the_learning_rate_hint(run, loss):
    from transformers import TrainerControl, TrainerState, TrainingArguments

    callback = RunFolderCallback(run, 1, 1, {})
    state = TrainerState()
    state.global_step, state.max_steps = 3, 10
    with pytest.raises(LabError) as err:
        callback.on_log(TrainingArguments(output_dir=str(run.path), report_to="none", learning_rate=1e3), state,
                        TrainerControl(), logs={"loss": loss})
    assert "learning_rate" in err.value.fix and "1000" in err.value.fix


def test_disk_full_while_writing_status_keeps_the_old_record(run, monkeypatch):
    before = (run.path / "status.json").read_text()

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("pathlib.Path.write_text", full)
    with pytest.raises(OSError):
        run.set_status("running", pid=1)
    monkeypatch.undo()
    assert (run.path / "status.json").read_text() == before
