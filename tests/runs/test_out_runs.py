"""A run created elsewhere (`out`, `lab train --out DIR`) is recorded in the workspace's runs folder, so every face
lists, follows, stops, resumes and deletes it by id; a record whose folder was removed by hand reads as gone."""

import shutil

import pytest

import lab
from lab.errors import LabError
from lab.runs import TrainConfig, delete_run, get_run, list_runs
from lab.runs.store import create_run
from tests.helpers import run_cli, wait_for


@pytest.fixture
def workspace(tmp_path, lab_home, monkeypatch):
    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path / "workspace"))
    return tmp_path / "workspace"


def test_a_run_made_elsewhere_is_recorded_and_found_by_id_or_folder_then_deleted_whole(tmp_path, workspace):
    out = tmp_path / "elsewhere"
    run = create_run(TrainConfig(), out=out)
    folder, record = out / run.id, workspace / "runs" / run.id
    assert (folder / "config.json").is_file() and not (folder / "config.json").is_symlink()
    assert record.is_symlink() and record.resolve() == folder.resolve() and run.path == record
    assert [r.id for r in list_runs()] == [run.id] and run.summary()["path"] == str(folder.resolve())
    # by id or by its real folder: the same record, so the same runs-folder lock and delete removes both
    assert get_run(run.id).path == get_run(str(folder)).path == record
    run.set_status("stopped")
    delete_run(str(folder))
    assert not record.is_symlink() and list(out.iterdir()) == [] and list_runs() == []


def test_out_in_the_runs_folder_itself_is_an_ordinary_run(workspace):
    run = create_run(TrainConfig(), out=workspace / "runs")
    assert not run.path.is_symlink() and [r.id for r in list_runs()] == [run.id]


def test_a_record_whose_folder_was_removed_by_hand_is_listed_as_gone_and_deleted(tmp_path, workspace, capsys):
    kept = create_run(TrainConfig(), out=tmp_path / "elsewhere")
    gone = create_run(TrainConfig(), out=tmp_path / "elsewhere")
    folder = gone.folder
    shutil.rmtree(folder)

    rows = {row["id"]: row for row in lab.list_runs()}  # no crash; the gone run is shown, with what to do
    assert rows[kept.id]["state"] == "queued"
    assert rows[gone.id]["state"] == "damaged" and "folder is gone" in rows[gone.id]["error"]
    assert f"lab delete {gone.id}" in rows[gone.id]["hint"]
    assert lab.progress(gone.id)["state"] == "damaged" and lab.run_details(gone.id)["summary"]["state"] == "damaged"
    code, out, _ = run_cli(capsys, "runs")
    assert code == 0 and gone.id in out and "folder is gone" in out
    with pytest.raises(LabError, match="its folder is gone"):
        lab.resume_run(gone.id)

    folder.mkdir()  # something else now where the run was: delete removes the record and leaves it alone
    (folder / "mine.txt").write_text("not the lab's")
    code, _, err = run_cli(capsys, "delete", gone.id)
    assert code == 0, err
    assert (folder / "mine.txt").exists() and [r["id"] for r in lab.list_runs()] == [kept.id]


def test_a_started_run_is_listed_followed_stopped_resumed_and_deleted_by_id(tmp_path, workspace, tiny_config):
    out = tmp_path / "elsewhere"
    # far more steps than it reaches before the stop (see tests/runs/test_worker.py)
    started = lab.start_run(tiny_config(max_steps=20_000, save_steps=5, eval_steps=10**6, samples=0), out=str(out))
    run_id = started["id"]
    assert started["path"] == str((out / run_id).resolve()) and run_id in lab.run_ids()
    wait_for(lambda: lab.progress(run_id)["step"] > 0)
    assert lab.progress(run_id)["state"] == "running"

    lab.stop_run(run_id)
    assert lab.wait(run_id, timeout=120) == "stopped"
    stopped_at = lab.progress(run_id)["step"]
    resumed = lab.resume_run(run_id)
    assert resumed["checkpoint"] == f"checkpoint-{stopped_at}"
    wait_for(lambda: get_run(run_id).events("start")[-1]["step"] == stopped_at)
    lab.stop_run(run_id)
    assert lab.wait(run_id, timeout=120) == "stopped" and lab.progress(run_id)["step"] > stopped_at

    lab.delete_run(run_id, confirmed=True)
    assert list(out.iterdir()) == [] and lab.list_runs() == []
