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


def test_the_eta_counts_every_evaluation_answer_pass_checkpoint_and_the_report_still_to_come(tmp_path, monkeypatch):
    from lab.runs.timeline import Schedule

    clock = {"now": 1000.0}
    monkeypatch.setattr(callbacks.time, "time", lambda: clock["now"])
    monkeypatch.setattr(callbacks.distributed, "agree", lambda value: value)
    run = Run(tmp_path / "run")
    run.path.mkdir()
    schedule = Schedule(eval_steps=10, save_steps=10, eval_seconds=5, answer_seconds=3, report_seconds=7,
                        save_seconds=1, finish_seconds=2)
    callback = RunFolderCallback(run, 10, 100, {}, schedule=schedule)
    state = SimpleNamespace(global_step=0, max_steps=25, num_input_tokens_seen=0, is_world_process_zero=True,
                            epoch=0.0)
    args = SimpleNamespace(world_size=1, learning_rate=1e-3)
    callback.on_train_begin(args, state, None)
    for step in (1, 10, 25):
        clock["now"] += 2
        state.global_step = step
        callback.on_log(args, state, None, logs={"loss": 1.0})
    eta = {r["step"]: r["eta_s"] for r in run.events("train")}
    # step 1: 24 steps; evaluations at 10, 20 and the end (25), answers after the first two, the report's last;
    # checkpoints at 10 and 20; the finish
    assert eta[1] == 2 * 24 + 3 * 5 + 2 * 3 + 7 + 2 * 1 + 2
    assert eta[10] == 2 * 15 + 3 * 5 + 2 * 3 + 7 + 2 * 1 + 2  # step 10's evaluation and checkpoint still come
    assert eta[25] == 5 + 7 + 2  # no step left, yet the last evaluation, the report's answers and the finish
