"""The column mapping (issue 29): which column is the prompt, the response and the system (chat), the text and the
label (classify), from a form, a panel or `--columns` through plan_run into TrainConfig, config.json and the
worker's read; a data error names the file by its own name (an upload's, never its copy in the workspace), and the
wrong-columns fix names the mapping every face offers."""

import json
import shutil
from pathlib import Path

import pytest

import lab
from lab.cli import build_parser
from lab.cli.train import config_from_args
from lab.runs.store import workspace

CONTROL = "(Data tab, Data panel, or --columns prompt=…,response=…)"


@pytest.fixture
def faq(tmp_path):
    """A CSV whose columns no format knows: the user has to say which is which."""
    path = tmp_path / "faq.csv"
    rows = "".join(f'"Question {i}?","Answer {i}.",Be brief.\n' for i in range(20))
    path.write_text("query,reply,persona\n" + rows, encoding="utf-8")
    return path


@pytest.fixture
def upload(tmp_path):
    """An upload in Gradio's temporary folder."""
    def make(name: str, text: str) -> str:
        folder = tmp_path / "gradio" / "f00d"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
        return str(folder / name)

    return make


def test_unknown_columns_fix_names_the_mapping_every_face_offers(faq):
    with pytest.raises(lab.LabError) as caught:
        lab.data_summary(str(faq))
    error = caught.value
    assert error.what.startswith("faq.csv, row 2: the record has no known format")
    assert "query, reply, persona" in error.why
    assert error.fix.startswith(f"Choose the prompt and response columns {CONTROL}")


def test_a_misnamed_column_fix_names_the_mapping_too(faq):
    with pytest.raises(lab.LabError) as caught:
        lab.data_summary(str(faq), columns="prompt=question,response=reply")
    assert "faq.csv, row 2, field 'question': no such column" in caught.value.what
    assert CONTROL in caught.value.fix and "query, reply, persona" in caught.value.why


def test_classify_columns_fix_names_the_mapping(tmp_path):
    path = tmp_path / "moods.csv"
    path.write_text("utterance,mood\nhi,happy\nugh,sad\n", encoding="utf-8")
    with pytest.raises(lab.LabError) as caught:
        lab.data_summary(str(path), task="classify")
    assert caught.value.what.startswith("moods.csv, row 2: cannot tell which column holds the text")
    assert "(Data tab, Data panel, or --columns text=…,label=…)" in caught.value.fix
    summary = lab.data_summary(str(path), task="classify", columns={"text": "utterance", "label": "mood"})
    assert summary["columns"] == {"text": "utterance", "label": "mood"} and summary["classes"] == 2


def test_the_mapping_reaches_the_run_config_and_the_read(faq, lab_home):
    config = lab.plan_run(data=str(faq), columns={"prompt": "query", "response": "reply", "system": "persona",
                                                  "text": "", "label": ""})
    assert (config.prompt_column, config.response_column, config.system_column) == ("query", "reply", "persona")
    assert config.text_column is None and config.label_column is None  # empty: detected
    saved = json.loads(json.dumps(config.to_dict()))  # config.json: what the worker reads back
    assert saved["system_column"] == "persona"
    splits = lab.TrainConfig.from_dict(saved).read_data()
    assert splits.columns == {"prompt": "query", "response": "reply", "system": "persona"}
    assert splits.train[0].messages == [{"role": "system", "content": "Be brief."},
                                        {"role": "user", "content": "Question 0?"},
                                        {"role": "assistant", "content": "Answer 0."}]


def test_the_cli_flag_is_the_same_mapping(faq):
    args = build_parser().parse_args(["train", "--data", str(faq), "--columns", "prompt=query, response=reply"])
    config = config_from_args(args)
    assert (config.prompt_column, config.response_column) == ("query", "reply")


def test_lab_data_takes_the_mapping(capsys, faq):
    from lab.cli import main

    assert main(["data", str(faq), "--model", "tiny-random-llama", "--columns", "prompt=query,response=reply",
                 "--json"]) == 0
    described = json.loads(capsys.readouterr().out)
    assert described["name"] == "faq.csv" and described["format"] == "columns"
    assert described["columns"] == {"prompt": "query", "response": "reply"}


@pytest.mark.parametrize("columns, message", [
    ("prompt", "'prompt' is not a role=column pair"),
    ("answer=reply", "'answer' is not a column role"),
    ({"prompt": 3}, "A column is named by text, not 3"),
    (["prompt=query"], "A column mapping is role=column pairs"),
])
def test_a_bad_mapping_is_one_clear_error(columns, message):
    with pytest.raises(lab.LabError, match=message) as caught:
        lab.column_settings(columns)
    assert "prompt=<column>,response=<column>" in caught.value.fix


def test_two_roles_cannot_read_one_column(faq):
    with pytest.raises(lab.LabError, match="The prompt and the response are both column 'query'") as caught:
        lab.plan_run(data=str(faq), columns="prompt=query,response=Query")
    assert CONTROL in caught.value.fix
    with pytest.raises(lab.LabError, match="prompt_column must be a column's name"):
        lab.TrainConfig(prompt_column=["query"])


def test_the_column_pickers_offer_the_files_own_columns(faq, tmp_path):
    assert lab.data_columns(str(faq)) == ["query", "reply", "persona"]
    assert lab.data_columns("sample_data") == []  # a conversation a record: nothing to map
    assert lab.data_columns("sample_data/topics") == ["text", "label"]
    (tmp_path / "rows.jsonl").write_text('{"q": "a", "a": "b"}\n', encoding="utf-8")
    assert lab.data_columns(str(tmp_path / "rows.jsonl")) == ["q", "a"]


def test_an_uploads_error_names_its_own_file_not_the_copy(lab_home, upload):
    bad = upload("chitchat.json", '[{"conversations": [{"from": "human", "value": "Hi"}]},\n{"x": }]')
    kept = lab.data_path(None, upload=bad)
    assert Path(kept).parent.parent == workspace() / "data"  # the copy: data/<sha256[:16]>/chitchat.json
    with pytest.raises(lab.LabError) as caught:
        lab.data_summary(None, upload=bad)
    assert caught.value.what == "chitchat.json, line 2: malformed JSON."
    assert Path(kept).parent.name not in caught.value.message and str(workspace()) not in caught.value.message


def test_a_run_config_re_reading_an_uploaded_file_names_it(lab_home, upload, faq):
    config = lab.plan_run(upload=upload("my faq.csv", faq.read_text()))
    with pytest.raises(lab.LabError) as caught:
        config.read_data()
    assert caught.value.what.startswith("my faq.csv, row 2: the record has no known format")
    assert CONTROL in caught.value.fix


def test_a_folders_files_are_named_inside_it(tmp_path):
    folder = tmp_path / "chat set"
    shutil.copytree("tests/assets/data/folder_with_validation", folder)
    (folder / "valid.jsonl").write_text('{"messages": 1}\n', encoding="utf-8")
    with pytest.raises(lab.LabError) as caught:
        lab.data_summary(str(folder))
    assert caught.value.what.startswith("chat set/valid.jsonl, line 1, field 'messages'")
    (folder / "dev.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(lab.LabError, match="^chat set: expected one train file"):
        lab.data_summary(str(folder))
