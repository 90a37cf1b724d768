"""A stopped run reads `stopped` at once while its worker writes the report: faces say the report is pending while
that worker lives, resume waits for it, and a worker that died meanwhile leaves a plain stopped run."""

import subprocess
import sys

import pytest

import lab
from lab.errors import LabError
from lab.runs import TrainConfig, launcher
from lab.runs.store import create_run


@pytest.fixture
def stopped(tmp_path, lab_home, monkeypatch):
    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path))
    run = create_run(TrainConfig(max_steps=4))
    (run.adapter_dir).mkdir()
    (run.adapter_dir / "adapter_model.safetensors").write_bytes(b"weights")  # a saved result, as a stop leaves
    return run


def test_the_report_is_pending_while_the_worker_lives_and_resume_waits_for_it(stopped, monkeypatch):
    worker = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stopped.set_status("stopped", pid=worker.pid, report="pending")
        progress = lab.progress(stopped.id)
        assert progress["state"] == "stopped" and progress["final"] and progress["report_pending"]
        assert progress["report"] == {"pending": True} and progress["eta_s"] is None
        monkeypatch.setattr(launcher, "REPORT_WAIT_SECONDS", 1)
        with pytest.raises(LabError, match="still writing the report of its stop") as refused:
            lab.resume_run(stopped.id)
        assert "report pending" in refused.value.fix
        assert stopped.wait(timeout=1) == "stopped" and stopped.report_pending()  # wait counts the report too
    finally:
        worker.kill()
        worker.wait()


def test_a_worker_that_died_writing_the_report_leaves_a_plain_stopped_run(stopped):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stopped.set_status("stopped", pid=gone.pid, report="pending")
    progress = lab.progress(stopped.id)
    assert progress["state"] == "stopped" and not progress["report_pending"] and progress["report"] is None
    assert stopped.wait(timeout=1) == "stopped"
