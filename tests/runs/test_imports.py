"""An adapter trained by a plain peft script, not the lab, imported as a run: chat, compare and evaluate take it;
a folder that is not an adapter, or whose base is not here, is refused with one clear error and leaves no run."""

import json
import shutil

import pytest

import lab
from lab.runs import get_run, list_runs
from lab.runs.store import create_run
from tests.plain_peft import train_plain_lora


@pytest.fixture(scope="module")
def plain_adapter(tmp_path_factory, tiny_model_dir):
    return train_plain_lora(tiny_model_dir, tmp_path_factory.mktemp("plain") / "my-lora")


def test_an_imported_adapter_is_a_completed_run_that_chats_compares_and_evaluates(lab_home, plain_adapter,
                                                                                     tiny_config, tiny_model_dir):
    summary = lab.import_adapter(str(plain_adapter), name="from a script")
    run = get_run(summary["id"])
    assert (summary["state"], summary["method"], summary["task"], summary["name"]) == (
        "completed", "lora", "chat", "from a script")
    assert summary["model"] == str(tiny_model_dir.resolve())  # the adapter's base_model_name_or_path
    assert run.config["data"] is None and run.config["method_params"]["r"] == 4
    assert run.status()["imported"] == str(plain_adapter)
    assert sorted(p.name for p in run.adapter_dir.iterdir()) == sorted(p.name for p in plain_adapter.iterdir())
    assert summary["id"] in lab.run_ids(task="chat", finished=True)  # offered by Chat and Compare
    assert lab.run_details(summary["id"])["data"] == "none"

    conversation = list(lab.stream_reply("Hello", [], summary["id"], max_new_tokens=3, temperature=0))[-1]
    assert conversation[-1]["role"] == "assistant"
    rows = lab.compare([summary["id"]], "Hello", max_new_tokens=3)
    assert set(rows[0]["answers"]) == {"base", summary["id"]}

    # a run trained here first: its validation split scores both
    trained = create_run(tiny_config(model=summary["model"]))
    train_plain_lora(tiny_model_dir, trained.adapter_dir)
    trained.set_status("completed", pid=None)
    result = lab.evaluate([trained.id, summary["id"]], 1, 2)
    assert [row["model"] for row in result["rows"]] == ["base", trained.id, summary["id"]]
    assert len(lab.compare_split([trained.id, summary["id"]], 1, max_new_tokens=2)[0]["answers"]) == 3


def test_what_needs_the_imported_runs_own_data_or_training_says_why_not(lab_home, plain_adapter):
    run_id = lab.import_adapter(str(plain_adapter))["id"]
    for action in (lambda: lab.compare_split([run_id], 1), lambda: lab.evaluate([run_id], 1, 2)):
        with pytest.raises(lab.LabError, match="This run has no data of its own") as error:
            action()
        assert "choose a run trained here first" in error.value.fix
    with pytest.raises(lab.LabError, match="was imported, not trained here"):
        lab.resume_run(run_id)


def test_a_base_named_by_the_user_or_by_a_registry_name(lab_home, plain_adapter, tmp_path, tiny_model_dir):
    assert lab.import_adapter(str(plain_adapter), base=str(tiny_model_dir))["model"] == str(tiny_model_dir.resolve())
    moved = shutil.copytree(plain_adapter, tmp_path / "public")
    config = json.loads((moved / "adapter_config.json").read_text())
    (moved / "adapter_config.json").write_text(json.dumps({**config,
                                                           "base_model_name_or_path": "tiny-random-llama"}))
    assert lab.import_adapter(str(moved))["model"] == "tiny-random-llama"  # built offline on first use


def without(folder, tmp_path, name, **changes):
    """A copy of the adapter folder with a file removed (name) or its config changed."""
    copy = shutil.copytree(folder, tmp_path / "copy")
    if name:
        (copy / name).unlink()
    if changes:
        config = json.loads((copy / "adapter_config.json").read_text())
        (copy / "adapter_config.json").write_text(json.dumps({**config, **changes}))
    return copy


@pytest.mark.parametrize("name, changes, message", [
    ("adapter_config.json", {}, "has no adapter_config.json"),
    ("adapter_model.safetensors", {}, "has no adapter_model.safetensors"),
    (None, {"base_model_name_or_path": "someone/not-here"}, "Cannot fetch 'someone/not-here'.*offline"),
    (None, {"base_model_name_or_path": None}, "does not name its base model"),
    (None, {"peft_type": "LOHA"}, "cannot import a LOHA adapter"),
    (None, {"task_type": "SEQ_CLS"}, "imports chat adapters, not SEQ_CLS"),
])
def test_a_folder_that_is_not_an_importable_adapter_is_refused_and_leaves_no_run(lab_home, plain_adapter, tmp_path,
                                                                                 name, changes, message):
    with pytest.raises(lab.LabError, match=message) as error:
        lab.import_adapter(str(without(plain_adapter, tmp_path, name, **changes)))
    assert error.value.fix
    if "someone" in message:
        assert "--base MODEL" in error.value.fix
    assert list_runs() == []


def test_a_confined_import_only_reads_allowed_folders(lab_home, plain_adapter):
    with pytest.raises(lab.LabError, match="The adapter folder .* is outside the folders"):
        lab.import_adapter(str(plain_adapter), confined=True)
    with pytest.raises(lab.LabError, match="No adapter folder given"):
        lab.import_adapter("  ")
