"""The device's waiting line (lab.runs.queue) and what a queued run says it waits for, without training."""

import os

from lab.runs.queue import line_path, place_in_line
from lab.runs.store import Run, write_json_atomic


def queued_run(path, since: float) -> Run:
    run = Run(path)
    run.path.mkdir(parents=True)
    run.set_status("queued", created=since, queued=since, pid=None)
    return run


def test_runs_take_the_device_in_the_order_they_joined_the_queue_across_workspaces(tmp_path, lab_home):
    older = queued_run(tmp_path / "theirs" / "runs" / "r-older", 100.0)
    newer = queued_run(tmp_path / "mine" / "runs" / "r-newer", 200.0)
    with place_in_line(newer, "cpu") as newer_first, place_in_line(older, "cpu") as older_first:
        assert older_first() and not newer_first()  # joined later, though it took its place in line first
    with place_in_line(newer, "cpu") as newer_first:
        assert newer_first()  # the older one left the line (it took the device, or stopped)
        dead = line_path("cpu") / f"{50.0:017.6f}-r-dead.json"  # a worker that died in line
        write_json_atomic(dead, {"run": "r-dead", "path": "/x/r-dead", "pid": 2**22 + 12345})
        assert newer_first() and not dead.exists()
        alive = line_path("cpu") / f"{60.0:017.6f}-r-alive.json"
        write_json_atomic(alive, {"run": "r-alive", "path": "/x/r-alive", "pid": os.getpid()})
        assert not newer_first()
    assert [p.name for p in line_path("cpu").iterdir()] == [alive.name]  # its own ticket gone when it leaves


def test_lab_train_wait_says_what_a_queued_run_waits_for(monkeypatch, capsys):
    import lab
    from lab.cli.train import follow

    holder = {"run": "r-holder", "workspace": "/other/runs"}
    base = {"id": "r1", "step": 0, "max_steps": None, "loss": None, "eval_loss": None, "tokens_per_s": None,
            "eta_s": None, "phase": None, "samples": [], "error": None, "hint": None}
    states = iter([{**base, "state": "queued #1", "waiting_for": holder, "final": False},
                   {**base, "state": "queued #1", "waiting_for": holder, "final": False},
                   {**base, "state": "completed", "waiting_for": None, "final": True}])
    monkeypatch.setattr(lab, "progress", lambda run_id: next(states))
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    assert follow("r1") == "completed"
    out = capsys.readouterr().out
    assert out.count("queued #1: waits for run r-holder in workspace /other/runs to free the device") == 1
