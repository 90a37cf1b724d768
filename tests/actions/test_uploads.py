"""An upload is kept in the workspace, content-addressed, before anything reads it: a run names the copy."""

import errno
import shutil
from pathlib import Path

import pytest

import lab
from lab.data.fingerprint import data_sha256
from lab.runs.store import workspace
from tests.helpers import MESSAGES


@pytest.fixture
def upload(tmp_path):
    """A file where Gradio puts uploads (a temporary folder that does not outlive the app)."""
    folder = tmp_path / "gradio" / "a1b2c3"
    folder.mkdir(parents=True)
    return Path(shutil.copy(MESSAGES, folder / "my data.jsonl"))


def test_an_upload_is_kept_once_in_the_workspace_and_a_run_names_the_copy(lab_home, upload, tiny_model_dir):
    kept = Path(lab.data_path(None, upload=str(upload)))
    assert kept == workspace() / "data" / data_sha256(upload)[:16] / "my data.jsonl"
    assert kept.read_bytes() == upload.read_bytes()
    assert lab.data_path(None, upload=str(upload)) == str(kept)  # the same file again: stored once
    assert sorted(p.name for p in kept.parent.iterdir()) == ["my data.jsonl"]  # no staging file left

    config = lab.plan_run(str(tiny_model_dir), "fp32", steps=2, upload=str(upload))
    assert config.data == str(kept)
    upload.unlink()  # the app's temporary folder is cleaned: the run's data is still there
    assert lab.TrainConfig.from_dict(config.to_dict()).read_data().train

    assert lab.data_path(MESSAGES) == str(Path(MESSAGES).resolve())  # a path that is not an upload is used in place


def test_an_upload_outside_the_allowed_folders_is_refused_before_any_copy(lab_home, upload):
    with pytest.raises(lab.LabError, match="The upload .* is outside the folders"):
        lab.data_path(None, upload=str(upload), confined=True)
    assert not (workspace() / "data").exists()


def test_an_upload_that_cannot_be_copied_is_one_clear_error(lab_home, upload, monkeypatch):
    def disk_full(source, target):
        Path(target).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", disk_full)
    with pytest.raises(lab.LabError, match="Could not keep the upload my data.jsonl") as error:
        lab.data_path(None, upload=str(upload))
    assert "No space left on device" in error.value.why and "Free disk space" in error.value.fix
    assert not any(p.is_file() for p in (workspace() / "data").rglob("*"))  # no half copy
