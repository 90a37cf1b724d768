"""report_to: a run can also log to TensorBoard, in its own folder; the lab's views never need it."""

import pytest

from lab.errors import LabError
from lab.runs.store import create_run
from lab.runs.training import train


def test_a_run_logs_its_losses_to_tensorboard_when_asked(tmp_path, tiny_config):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    run = create_run(tiny_config(report_to="tensorboard", max_steps=2, eval_steps=2), tmp_path)
    train(run)
    logs = EventAccumulator(str(run.path / "tensorboard")).Reload()
    assert {"train/loss", "eval/loss"} <= set(logs.Tags()["scalars"])
    assert [e.step for e in logs.Scalars("train/loss")] == [1, 2]


def test_no_tracker_unless_asked_and_unknown_ones_are_refused(tmp_path, tiny_config, monkeypatch):
    run = create_run(tiny_config(max_steps=1), tmp_path)
    train(run)
    assert not (run.path / "tensorboard").exists()
    with pytest.raises(LabError, match="Unknown report_to 'wandb'"):
        tiny_config(report_to="wandb")
    monkeypatch.setattr("transformers.integrations.is_tensorboard_available", lambda: False)
    with pytest.raises(LabError, match="needs the tensorboard package"):
        tiny_config(report_to="tensorboard")
