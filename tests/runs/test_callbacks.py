"""The run-folder callback's progress records: tokens/s and the ETA read over recent steps, evaluations left out."""

from types import SimpleNamespace

from lab.runs import callbacks
from lab.runs.callbacks import RunFolderCallback
from lab.runs.store import Run


def test_speed_and_eta_stay_steady_across_an_evaluation(tmp_path, monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(callbacks.time, "time", lambda: clock["now"])
    monkeypatch.setattr(callbacks.distributed, "agree", lambda value: value)
    run = Run(tmp_path / "run")
    run.path.mkdir()
    callback = RunFolderCallback(run, 10, 100, {})
    state = SimpleNamespace(global_step=0, max_steps=20, num_input_tokens_seen=0, is_world_process_zero=True,
                            epoch=0.0)
    args = SimpleNamespace(world_size=1, learning_rate=1e-3)
    callback.on_train_begin(args, state, None)
    clock["now"] += 30  # the step-0 evaluation
    callback.on_log(args, state, None, logs={"eval_loss": 2.0})
    for step in range(1, 7):
        clock["now"] += 2  # every step: 2 s and 100 tokens
        state.global_step, state.num_input_tokens_seen = step, step * 100
        callback.on_log(args, state, None, logs={"loss": 1.0})
        if step == 3:
            clock["now"] += 60  # an evaluation after step 3
            callback.on_log(args, state, None, logs={"eval_loss": 1.5})
    records = run.events("train")
    assert {r["tokens_per_s"] for r in records} == {50.0}
    assert [r["eta_s"] for r in records] == [2.0 * (20 - r["step"]) for r in records]
    assert [r["tokens"] for r in records] == [100 * r["step"] for r in records]


def test_a_run_whose_validation_loss_runs_away_ends_as_diverged(tmp_path):
    import math

    import pytest

    from lab.errors import LabError

    run = Run(tmp_path / "run")
    run.path.mkdir()
    args = SimpleNamespace(world_size=1, learning_rate=0.3)
    for later in (3.2, math.nan):
        callback = RunFolderCallback(run, 10, 100, {})
        state = SimpleNamespace(global_step=0, is_world_process_zero=True)
        callback.on_log(args, state, None, logs={"eval_loss": 2.0})
        state.global_step = 10
        callback.on_log(args, state, None, logs={"eval_loss": 2.9})  # worse, but not yet 1.5x the start
        state.global_step = 20
        with pytest.raises(LabError, match="rose from 2 to .* by step 20: the run diverged") as raised:
            callback.on_log(args, state, None, logs={"eval_loss": later})
        assert "Lower learning_rate (it is 0.3)" in raised.value.fix
    assert [e["eval_loss"] for e in run.events("eval")][-1] != 2.9  # the last score is recorded before it ends
