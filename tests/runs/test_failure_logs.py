"""A user's error (a LabError) is logged as one line, what and why; a bug keeps its traceback: in worker.log and in
any console that logs a failure (lab.log_failure)."""

import shutil
import subprocess
import sys

import lab
from lab.logs import log_failure
from lab.runs.config import TrainConfig
from lab.runs.store import create_run
from tests.helpers import MESSAGES


def test_a_run_failing_with_a_users_error_logs_one_line_and_no_traceback(tmp_path, lab_home, tiny_model_dir):
    data = tmp_path / "chat.jsonl"
    shutil.copy(MESSAGES, data)
    run = create_run(TrainConfig(model=str(tiny_model_dir), precision="fp32", method="lora", data=str(data),
                                 max_steps=2, batch_size=2, max_length=64), tmp_path / "runs")
    data.unlink()  # the worker re-reads the data it was started with: gone is the user's to fix
    with open(run.path / "worker.log", "w") as log:
        subprocess.run([sys.executable, "-m", "lab.train", "--run-dir", str(run.path)], stdout=log,
                       stderr=subprocess.STDOUT, timeout=300)
    assert run.state == "failed" and "is gone" in run.status()["error"]
    logged = (run.path / "worker.log").read_text()
    assert f"[lab] The data this run trained on is gone: {data}." in logged and "Traceback" not in logged
    assert logged.count("[lab] ") == 1


def test_a_bug_keeps_its_traceback_and_a_users_error_is_one_line(capsys, caplog):
    try:
        {}["missing"]
    except KeyError as bug:
        log_failure(bug)
    assert "Traceback" in capsys.readouterr().err and not caplog.messages

    log_failure(lab.LabError("No run 'x'.", "Nothing matches\nin the runs.", "See `lab runs`."))
    log_failure(lab.LabError("x" * 10_000))
    assert caplog.messages[0] == "[lab] No run 'x'. Nothing matches in the runs."
    assert len(caplog.messages[1]) < 600  # a request may echo a huge value
    assert "Traceback" not in capsys.readouterr().err
