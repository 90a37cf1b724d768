"""A data set's fingerprint: a file's sha256, a folder's over its files and their names."""

import hashlib

import pytest

from lab.data.fingerprint import check_unchanged, data_sha256, data_state
from lab.errors import LabError


def test_a_file_is_its_sha256_and_a_folder_its_files_and_names(tmp_path):
    file = tmp_path / "train.jsonl"
    file.write_text('{"prompt": "a", "response": "b"}\n')
    assert data_sha256(file) == hashlib.sha256(file.read_bytes()).hexdigest()

    folder = tmp_path / "set"
    (folder / "sub").mkdir(parents=True)
    (folder / "train.jsonl").write_text("one\n")
    (folder / "sub" / "validation.jsonl").write_text("two\n")
    first = data_sha256(folder)
    (folder / ".DS_Store").write_text("not data")  # hidden files are not data
    assert data_sha256(folder) == first
    (folder / "sub" / "validation.jsonl").rename(folder / "sub" / "valid.jsonl")  # a name is part of it
    assert data_sha256(folder) != first
    (folder / "sub" / "valid.jsonl").rename(folder / "sub" / "validation.jsonl")
    assert data_sha256(folder) == first
    (folder / "train.jsonl").write_text("one!\n")
    assert data_sha256(folder) != first


def test_the_state_and_the_check_name_what_happened(tmp_path):
    file = tmp_path / "data.jsonl"
    file.write_text("x\n")
    recorded = data_sha256(file)
    assert data_state(None, None) == "none" and data_state(str(file), None) == "unrecorded"
    assert data_state(str(file), recorded) == "unchanged"
    check_unchanged(str(file), recorded)
    check_unchanged(str(file), None)  # a run from before fingerprints is not refused

    file.write_text("y\n")
    assert data_state(str(file), recorded) == "changed"
    with pytest.raises(LabError, match="The data this run trained on has changed") as changed:
        check_unchanged(str(file), recorded)
    assert recorded[:16] in changed.value.why and "new run" in changed.value.fix

    file.unlink()
    assert data_state(str(file), recorded) == "gone"
    with pytest.raises(LabError, match="The data this run trained on is gone") as gone:
        check_unchanged(str(file), recorded)
    assert str(file) in gone.value.what and "Put the data back" in gone.value.fix
