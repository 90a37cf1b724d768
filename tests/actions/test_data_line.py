"""The data a run trains on, named in one line wherever a face shows the run (issue 29): the Train tab and panel
before Start, the estimate (and so `lab train`), the run's status while it is followed. An upload is named by its
own file name, never by its copy in the workspace."""

import json

import pytest

import lab
from lab.present import data as data_view
from lab.present import estimate as estimate_view
from lab.present import progress as progress_view
from lab.runs.launcher import prepare
from lab.runs.store import create_run

LINE = "chitchat.json: 270 train / 30 validation, ShareGPT"


@pytest.fixture
def chitchat(tmp_path):
    """A ShareGPT upload of 300 conversations, in Gradio's temporary folder."""
    folder = tmp_path / "gradio" / "0ff1ce"
    folder.mkdir(parents=True)
    records = [{"conversations": [{"from": "human", "value": f"Hi {i}"}, {"from": "gpt", "value": f"Hello {i}."}]}
               for i in range(300)]
    path = folder / "chitchat.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return str(path)


def test_the_train_tabs_line_names_the_upload_its_splits_and_format(lab_home, chitchat):
    summary = lab.data_summary(None, upload=chitchat)
    assert data_view.line(summary) == LINE
    assert data_view.line_markdown(summary) == f"**Data:** {LINE}"
    assert data_view.line(lab.data_summary("sample_data/topics", "classify")) == \
        "sample_data/topics: 674 train / 75 validation, 21 classes (text=text, label=label)"


def test_the_estimate_names_the_data(lab_home, chitchat, tiny_model_dir, capsys):
    config = lab.plan_run(str(tiny_model_dir), "fp32", steps=2, upload=chitchat)
    assert config.data.endswith("chitchat.json") and "/data/" in config.data  # the workspace's copy
    result = lab.estimate_run(config)
    assert data_view.line(result["data"]) == LINE
    assert f"**Data:** {LINE}" in estimate_view.markdown(result)
    assert f"Data: {LINE}" in estimate_view.text(result) and f"<b>Data:</b> {LINE}" in estimate_view.html(result)

    from lab.cli import main  # `lab train --estimate` prints the same line

    assert main(["train", "--model", str(tiny_model_dir), "--precision", "fp32", "--data", config.data,
                 "--max-steps", "2", "--estimate"]) == 0
    assert f"Data: {LINE}" in capsys.readouterr().out


def test_a_followed_runs_status_names_its_data(lab_home, chitchat, tiny_model_dir):
    run = create_run(prepare(lab.plan_run(str(tiny_model_dir), "fp32", steps=2, upload=chitchat), force=True))
    assert json.loads((run.path / "config.json").read_text())["data_summary"]["name"] == "chitchat.json"
    progress = lab.progress(run.id)  # queued: no worker was started, the line is there already
    assert data_view.line(progress["data"]) == LINE
    assert f"**Data:** {LINE}" in progress_view.markdown(progress)
    assert f"<b>Data:</b> {LINE}" in progress_view.html(progress)

    config = json.loads((run.path / "config.json").read_text())  # a run recorded before data summaries
    config.pop("data_summary")
    (run.path / "config.json").write_text(json.dumps(config))
    assert lab.progress(run.id)["data"] == {"name": "chitchat.json"}
    assert "**Data:** chitchat.json" in progress_view.markdown(lab.progress(run.id))
    assert lab.run_form(run.id)["columns"] == {"prompt": "", "response": "", "system": "", "text": "", "label": ""}


def test_the_train_panel_names_the_data_near_start(lab_home, tiny_model_dir):
    from lab.widgets import TrainPanel

    panel = TrainPanel(str(tiny_model_dir), "fp32")
    assert "sample_data: 800 train / 99 validation, chat messages" in panel.data_line.value
    panel.data.value = "sample_data/no-such-set"
    assert "Error" in panel.data_line.value and "does not exist" in panel.data_line.value
    panel.data.value, panel.task.value = "sample_data/topics", "classify"
    assert "sample_data/topics: 674 train / 75 validation, 21 classes" in panel.data_line.value


def test_the_train_panel_takes_the_data_panels_columns(lab_home, tiny_model_dir):
    from lab.widgets import Lab

    csv = lab_home / "workspace" / "faq" / "faq.csv"  # the workspace: a panel may read it
    csv.parent.mkdir(parents=True)
    csv.write_text("query,reply\n" + "".join(f"q{i},a{i}\n" for i in range(10)), encoding="utf-8")
    tabs = Lab(str(tiny_model_dir), "fp32")
    data, train = tabs.panels["Data"], tabs.panels["Train"]
    data.data.value = str(csv)
    assert list(data.columns["prompt"].options) == ["query", "reply"]
    assert "choose the prompt and response columns" in train.data_line.value.lower()
    data.columns["prompt"].value, data.columns["response"].value = "query", "reply"
    assert train.columns.value == "prompt=query,response=reply"
    assert "faq.csv: 9 train / 1 validation, columns prompt=query, response=reply" in train.data_line.value
    assert train.config().prompt_column == "query"
