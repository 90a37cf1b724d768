"""The worker as users meet it: its own process, a queue, graceful stop, kill -9, resume."""

import os
import signal

import pytest

from lab.actions.train import waiting_for
from lab.errors import LabError
from lab.runs import queue_position, resume_run, start_run, stop_run
from tests.helpers import assert_loads_with_plain_peft, wait_for


def test_a_run_trains_to_completion_and_its_adapter_loads_without_lab(tmp_path, lab_home, tiny_config, tiny_model_dir):
    run = start_run(tiny_config(), out=tmp_path / "runs")
    wait_for(lambda: run.state in ("completed", "failed"))
    assert run.state == "completed", run.status()
    assert [e["step"] for e in run.events("train")] == [1, 2, 3, 4]
    assert run.events("eval") and run.events("end")[-1]["state"] == "completed"
    assert all(e["tokens_per_s"] > 0 for e in run.events("train"))
    assert_loads_with_plain_peft(tiny_model_dir, run.adapter_dir, tmp_path)


def test_second_run_waits_in_the_queue_then_stop_and_resume(tmp_path, lab_home, tiny_config):
    # far more steps than it reaches before the stop: on a quiet machine the tiny model trains 400 in 7 s
    first = start_run(tiny_config(max_steps=20_000, save_steps=5, eval_steps=10**6), out=tmp_path / "runs")
    wait_for(lambda: first.events("train"))
    second = start_run(tiny_config(max_steps=2), out=tmp_path / "runs")
    wait_for(lambda: second.status().get("pid"))
    assert second.state == "queued" and queue_position(second, tmp_path / "runs") == 1
    assert first.state == "running"
    assert waiting_for(second) == {"run": first.id, "workspace": None}  # the queued run names what it waits for
    # interactive work goes first: the worker runs at a lower scheduling priority than whoever started it
    assert os.getpriority(os.PRIO_PROCESS, first.status()["pid"]) == os.getpriority(os.PRIO_PROCESS, 0) + 10

    stop_run(first.path)
    wait_for(lambda: first.state == "stopped")
    stopped_at = first.events("train")[-1]["step"]
    assert stopped_at < 20_000 and (first.adapter_dir / "adapter_model.safetensors").exists()
    assert first.last_checkpoint().name == f"checkpoint-{stopped_at}"
    wait_for(lambda: second.state == "completed")  # the queue moved on once the device was free

    resume_run(first.path)
    wait_for(lambda: first.events("start")[-1]["step"] == stopped_at)
    stop_run(first.path)
    wait_for(lambda: first.state == "stopped")
    assert first.events("train")[-1]["step"] > stopped_at


def test_kill_9_marks_the_run_failed_and_resume_continues(tmp_path, lab_home, tiny_config):
    # enough steps that the kill lands mid-run: the tiny model trains eight steps faster than wait_for polls
    run = start_run(tiny_config(max_steps=60, save_steps=3, eval_steps=1000), out=tmp_path / "runs")
    wait_for(lambda: run.last_checkpoint() and run.events("train")[-1]["step"] >= 4)
    os.kill(run.status()["pid"], signal.SIGKILL)
    wait_for(lambda: run.state == "failed", timeout=10)
    checkpoint = run.last_checkpoint()
    assert checkpoint is not None and "lab resume" in run.status()["hint"]

    resume_run(run.path)
    wait_for(lambda: run.state == "completed")
    assert run.events("start")[-1]["step"] == int(checkpoint.name.split("-")[1])
    assert run.events("train")[-1]["step"] == 60
    with pytest.raises(LabError, match="already completed"):
        resume_run(run.path)


def test_training_on_reads_the_device_lock(lab_home):
    import fcntl

    from lab.runs.worker import lock_path, training_on

    assert training_on("cpu") is False
    with open(lock_path("cpu"), "w") as held:  # as a worker holds it while it trains (another open file here)
        fcntl.flock(held, fcntl.LOCK_EX)
        assert training_on("cpu") is True
    assert training_on("cpu") is False


def test_a_queued_run_names_the_holder_and_its_workspace(tmp_path, lab_home):
    from lab.runs.store import Run, write_json_atomic
    from lab.runs.worker import device_turn, holder_path

    mine, theirs = Run(tmp_path / "mine" / "runs" / "r-queued"), Run(tmp_path / "theirs" / "runs" / "r-holder")
    with device_turn(theirs, "cpu") as turn:
        assert turn and holder_path("cpu").exists()
        assert waiting_for(mine) == {"run": "r-holder", "workspace": str(tmp_path / "theirs" / "runs")}
        assert waiting_for(theirs) is None  # the holder itself waits for nothing
    assert not holder_path("cpu").exists() and waiting_for(mine) is None
    write_json_atomic(holder_path("cpu"), {"run": "r-dead", "path": "/x/r-dead", "pid": 0})  # a stale file
    assert waiting_for(mine) is None
