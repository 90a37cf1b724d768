import json
import os
import time

import pytest

from lab.errors import LabError
from lab.runs import TrainConfig, delete_run, get_run, list_runs
from lab.runs.store import Run, create_run, write_json_atomic


@pytest.fixture
def run(tmp_path, lab_home):
    return create_run(TrainConfig(), tmp_path / "runs")


def test_a_new_run_is_queued_with_its_config(run):
    from lab.data.fingerprint import data_sha256

    assert run.state == "queued"
    assert TrainConfig.from_dict(run.config) == TrainConfig(data_sha256=data_sha256("sample_data"))  # recorded


def test_readers_skip_a_half_written_last_event(run):
    run.append_event({"type": "train", "step": 1, "loss": 2.0})
    with open(run.path / "events.jsonl", "a") as f:
        f.write('{"type": "train", "st')  # a writer caught mid-line
    assert [e["step"] for e in run.events("train")] == [1]


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    write_json_atomic(tmp_path / "status.json", {"state": "running"})
    assert json.loads((tmp_path / "status.json").read_text()) == {"state": "running"}
    assert [p.name for p in tmp_path.iterdir()] == ["status.json"]


def test_a_running_status_whose_process_is_gone_becomes_failed(run):
    checkpoint = run.checkpoints_dir / "checkpoint-2"  # a whole one: every part a resume restores
    checkpoint.mkdir(parents=True)
    for name in ("adapter_model.safetensors", "optimizer.pt", "scheduler.pt", "rng_state.pth"):
        (checkpoint / name).write_bytes(b"x")
    (checkpoint / "trainer_state.json").write_text("{}")
    run.set_status("running", pid=2**22 + 12345)  # no such process
    status = run.status()
    assert status["state"] == "failed"
    assert "ended unexpectedly" in status["error"] and "lab resume" in status["hint"]


def test_a_live_process_keeps_its_running_status(run):
    run.set_status("running", pid=os.getpid())
    assert run.state == "running"


def test_get_run_by_id_prefix_suffix_and_errors(tmp_path, run):
    root = tmp_path / "runs"
    assert get_run(run.id, root).path == run.path
    assert get_run(run.id[-4:], root).path == run.path
    with pytest.raises(LabError, match="No run"):
        get_run("nothing-like-it", root)


def test_delete_refuses_an_active_run_and_removes_a_finished_one(tmp_path, run):
    run.set_status("running", pid=os.getpid())
    with pytest.raises(LabError, match="Stop it first"):
        delete_run(run.id, tmp_path / "runs")
    run.set_status("stopped")
    delete_run(run.id, tmp_path / "runs")
    assert list_runs(tmp_path / "runs") == []


def test_list_runs_is_newest_first(tmp_path, lab_home):
    first = create_run(TrainConfig(), tmp_path / "runs")
    time.sleep(1.1)
    second = create_run(TrainConfig(), tmp_path / "runs")
    assert [r.id for r in list_runs(tmp_path / "runs")] == [second.id, first.id]
    assert isinstance(list_runs(tmp_path / "runs")[0], Run)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"learning_rate": 1e3}, "learning_rate"),
        ({"max_steps": -5}, "max_steps cannot be negative"),
        ({"batch_size": 0}, "batch_size must be at least 1"),
        ({"method": "lora", "method_params": {"r": 0}}, "r=0"),
        ({"precision": "3bit"}, "Unknown precision"),
        ({"epochs": 0}, "Nothing to train"),
        ({"lerning_rate": 1e-4}, "Unknown training setting"),
    ],
)
def test_absurd_settings_are_refused_before_anything_loads(settings, message):
    with pytest.raises(LabError, match=message):
        TrainConfig.from_dict(settings)


def test_config_file_round_trip_and_parse_error(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text("method: prompt_tuning\nmethod_params:\n  num_virtual_tokens: 4\nmax_steps: 3\n")
    config = TrainConfig.from_file(path)
    assert config.method_config().num_virtual_tokens == 4 and config.max_steps == 3
    path.write_text("method: [unclosed\n")
    with pytest.raises(LabError, match="Cannot parse"):
        TrainConfig.from_file(path)


def test_summary_carries_the_evaluation_score(run):
    write_json_atomic(run.path / "eval.json", {"rows": [{"model": "base", "rougeL": 0.1},
                                                        {"model": run.id, "rougeL": 0.25}]})
    assert run.summary()["eval_rougeL"] == 0.25
