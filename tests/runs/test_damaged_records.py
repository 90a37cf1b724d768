"""Run folders damaged outside the lab (a disk that filled, a copy cut short, a hand edit): every face still lists
the run with a state and a message that says what is wrong and what to do; details and progress read; resume
continues from the newest whole checkpoint or refuses with the way out (docs/ARCHITECTURE.md, Damaged records)."""

import json
import shutil
from pathlib import Path

import pytest

import lab
from lab.errors import LabError
from lab.present import runs as runs_view
from tests.helpers import MESSAGES, run_cli, wait_for


@pytest.fixture(scope="module")
def stopped_run(tmp_path_factory, tiny_model_dir):
    """A run stopped at step 4 of 8 with checkpoints 2 and 4 and its adapter, as a worker leaves one."""
    from lab.runs.config import TrainConfig
    from lab.runs.store import create_run
    from lab.runs.training import train

    config = TrainConfig(model=str(tiny_model_dir), precision="fp32", data=str(Path(MESSAGES).resolve()), max_steps=4,
                         batch_size=2, max_length=64, validation_fraction=0.25, eval_steps=2, save_steps=2,
                         samples=0, report_examples=0)
    run = create_run(config, tmp_path_factory.mktemp("made") / "runs")
    train(run)
    # the same run as if it had been asked for 8 steps and stopped after 4: resume has steps left to train
    settings = json.loads((run.path / "config.json").read_text())
    (run.path / "config.json").write_text(json.dumps({**settings, "max_steps": 8}))
    run.set_status("stopped", pid=None, phase=None)
    assert [c.name for c in run.checkpoints()] == ["checkpoint-2", "checkpoint-4"]
    return run


def torn_events(run):
    with open(run.path / "events.jsonl", "a") as f:
        f.write('{"type": "train", "st')  # cut off mid-line


def empty_status(run):
    (run.path / "status.json").write_text("")


def half_written_status(run):
    (run.path / "status.json").write_text('{"state": "stopped", "upd')


def deleted_config(run):
    (run.path / "config.json").unlink()


def checkpoint_without_optimizer(run):
    (run.checkpoints_dir / "checkpoint-4" / "optimizer.pt").unlink()


def no_whole_checkpoint(run):
    for checkpoint in run.checkpoints():
        (checkpoint / "optimizer.pt").unlink()


def adapter_without_weights(run):
    (run.adapter_dir / "adapter_model.safetensors").unlink()


# damage, the state every face shows, words of its message, and what resume does: the checkpoint it continues
# from, or the words of its refusal
DAMAGES = [
    (torn_events, "stopped", "events.jsonl has 1 unreadable line", "checkpoint-4"),
    (empty_status, "damaged", "status.json is empty", "checkpoint-4"),
    (half_written_status, "damaged", "status.json is half-written", "checkpoint-4"),
    (deleted_config, "damaged", "config.json is missing", "cannot be resumed: config.json is missing"),
    (checkpoint_without_optimizer, "stopped", "checkpoint-4 is not whole (no optimizer state)", "checkpoint-2"),
    (no_whole_checkpoint, "stopped", "checkpoint-2 is not whole (no optimizer state)", "no whole checkpoint"),
    (adapter_without_weights, "damaged", "adapter/ has no weights", "checkpoint-4"),
]


@pytest.fixture
def workspace(tmp_path, lab_home, monkeypatch):
    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path / "workspace"))
    return tmp_path / "workspace"


@pytest.mark.parametrize("damage, state, words, resumes", DAMAGES, ids=[d[0].__name__ for d in DAMAGES])
def test_a_damaged_run_is_listed_with_what_to_do_and_resumes_from_a_whole_checkpoint(
        damage, state, words, resumes, stopped_run, workspace, capsys):
    from apps import handlers
    from lab.runs.store import Run
    from lab.widgets import RunsPanel

    run = Run(workspace / "runs" / stopped_run.id)
    shutil.copytree(stopped_run.path, run.path)
    damage(run)

    # every face lists it, with its state and the message
    [row] = lab.list_runs()
    assert (row["id"], row["state"]) == (run.id, state)
    message = runs_view.message(row)
    assert words in message and ("lab resume" in message or "lab delete" in message or "Nothing to do" in message)
    code, out, _ = run_cli(capsys, "runs")
    assert code == 0 and run.id in out and state in out and words in out
    table = handlers.runs()
    assert table["state"].tolist() == [state] and words in table["message"][0]
    panel = RunsPanel()
    assert words in panel.table.value and words in panel.details.value  # the panel shows the chosen run's details
    details = lab.run_details(run.id)
    assert details["summary"]["state"] == state
    assert lab.progress(run.id)["state"] == state and lab.progress()["id"] == run.id

    if resumes.startswith("checkpoint-"):
        resumed = lab.resume_run(run.id)
        assert resumed["checkpoint"] == resumes
        said = runs_view.resumed(resumed)
        assert f"from {resumes}" in said
        if resumes == "checkpoint-2":  # the newer one is passed over, and the user is told why
            assert "checkpoint-4 (no optimizer state)" in said
        assert run.wait(timeout=240) == "completed", run.status()
        assert run.events("start")[-1]["step"] == int(resumes.split("-")[1])
        assert run.events("train")[-1]["step"] == 8
        assert (run.adapter_dir / "adapter_model.safetensors").is_file()
    else:
        with pytest.raises(LabError, match=resumes) as refused:
            lab.resume_run(run.id)
        assert "lab delete" in refused.value.fix
        assert lab.delete_run(run.id, confirmed=True) == run.id  # the way out works
        assert lab.list_runs() == []
