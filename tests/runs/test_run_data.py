"""A run's data is fingerprinted when its folder is created; every re-read of it (resume, compare over a split,
evaluate, classify evaluate) says so clearly when the data has changed or gone, before anything loads."""

import shutil

import pytest

import lab
from lab.data.fingerprint import data_sha256
from lab.runs import get_run
from lab.runs.launcher import prepare
from lab.runs.store import create_run
from tests.helpers import MESSAGES
from tests.plain_peft import train_plain_lora


@pytest.fixture
def finished_run(lab_home, tiny_config, tiny_model_dir, tmp_path):
    """A completed chat run (its adapter a plain LoRA of the tiny model) on its own copy of the data."""
    data = tmp_path / "messages.jsonl"
    shutil.copy(MESSAGES, data)
    run = create_run(tiny_config(data=str(data)))
    train_plain_lora(tiny_model_dir, run.adapter_dir)
    run.set_status("completed", pid=None)
    return run, data


def test_the_run_folder_records_the_data_fingerprint(finished_run):
    run, data = finished_run
    assert run.config["data_sha256"] == data_sha256(data)
    assert lab.run_details(run.id)["data"] == "unchanged"


@pytest.mark.parametrize("fault, message", [("changed", "has changed"), ("gone", "is gone")])
def test_changed_or_gone_data_is_one_clear_error_wherever_it_is_read_again(finished_run, fault, message):
    run, data = finished_run
    data.write_text(data.read_text().replace("a", "e", 1)) if fault == "changed" else data.unlink()

    assert lab.run_details(run.id)["data"] == fault  # the details say it; they still show
    for action in (lambda: lab.compare_split([run.id], 1, max_new_tokens=2),
                   lambda: lab.evaluate([run.id], 1, 2)):
        with pytest.raises(lab.LabError, match=f"The data this run trained on {message}") as error:
            action()
        assert str(data) in error.value.what and error.value.fix

    run.set_status("stopped")
    with pytest.raises(lab.LabError, match=f"The data this run trained on {message}"):
        lab.resume_run(run.id)
    assert get_run(run.id).state == "stopped"  # refused before a worker started


def test_a_classify_run_checks_its_data_folder_too(tmp_path):
    data = tmp_path / "topics"
    shutil.copytree(lab.data_path("sample_data/topics"), data)
    config = lab.TrainConfig(task="classify", method="head_only", data=str(data), data_sha256=data_sha256(data))
    assert config.read_data().labels
    (data / "train.csv").write_text((data / "train.csv").read_text() + "one more,history\n")
    with pytest.raises(lab.LabError, match="has changed"):
        config.read_data()


def test_a_new_run_records_its_own_fingerprint_not_a_copied_one(lab_home, tiny_config):
    config = prepare(tiny_config(data_sha256="0" * 64), force=True)  # e.g. rerun from another run's config.json
    run = create_run(config)
    assert run.config["data_sha256"] == data_sha256(lab.data_path(MESSAGES))
