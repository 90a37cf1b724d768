"""Resume reproduces the loss curve: a run stopped at a checkpoint and resumed logs the same losses as an
uninterrupted run with the same seed."""

import pytest

from lab.runs.store import create_run
from lab.runs.training import train


def test_resumed_run_repeats_the_uninterrupted_curve(tmp_path, lab_home, tiny_config):
    config = tiny_config(max_steps=6, save_steps=1, eval_steps=100, learning_rate=1e-2)
    straight = create_run(config, tmp_path / "straight")
    train(straight)

    interrupted = create_run(config, tmp_path / "interrupted")
    interrupted.request_stop()  # honoured after the first step, which is checkpointed
    assert train(interrupted)[0] == "stopped"
    (interrupted.path / "stop").unlink()
    assert train(interrupted, resume=True)[0] == "completed"

    losses = {e["step"]: e["loss"] for e in straight.events("train")}
    resumed = {e["step"]: e["loss"] for e in interrupted.events("train")}
    assert sorted(resumed) == [1, 2, 3, 4, 5, 6]
    assert [resumed[s] for s in range(1, 7)] == pytest.approx([losses[s] for s in range(1, 7)], abs=1e-5)
