"""Every panel driven without a browser: set .value, .click(), assert on what it shows and on the run store."""

import pytest

import lab
from lab.runs import list_runs
from lab.widgets import (ChatPanel, ClassifyPanel, ComparePanel, DataPanel, ExperimentPanel, Lab, ModelPanel,
                         RunsPanel, TrainPanel)
from tests.helpers import wait_for

ASSETS = "tests/assets/data/messages.jsonl"


@pytest.fixture
def home(lab_home):
    return lab_home


def test_model_panel_loads_and_shows_the_footprint(home, tiny_model_dir):
    panel = ModelPanel(str(tiny_model_dir), "4bit")
    panel.load_button.click()
    assert "4bit" in panel.info.value and "MiB" in panel.info.value and panel.message.value == ""


def test_model_panel_shows_a_bad_model_as_one_message(home):
    panel = ModelPanel("no-such-model", "fp32")
    panel.load_button.click()
    assert "Unknown model" in panel.message.value and "Fix:" in panel.message.value


def test_data_panel_previews_and_reports_bad_files(home, tiny_model_dir):
    panel = DataPanel(ASSETS, str(tiny_model_dir), 128)
    panel.preview_button.click()
    assert "messages" in panel.summary.value and panel.table.value.count("<tr>") > 1
    home.mkdir(parents=True, exist_ok=True)
    bad = home / "bad.jsonl"
    bad.write_text('{"messages": [}\n')
    panel.data.value = str(bad)
    panel.preview_button.click()
    assert "line 1" in panel.message.value


def test_train_panel_trains_plots_and_the_run_store_agrees(home, tiny_model_dir, tmp_path):
    panel = TrainPanel(str(tiny_model_dir), "fp32", ASSETS, poll_seconds=0.2)
    panel.steps.value = 4
    panel.batch_size.value = 2
    panel.max_length.value = 64
    panel.settings.value = "r: 4"
    panel.start_button.click()
    assert panel.message.value == "" and panel.run_id.value
    wait_for(lambda: panel.refresh() == "completed")
    assert panel.bar.value == panel.bar.max == 4
    assert [t.name for t in panel.figure.data] == ["train (raw)", "train", "validation"]
    assert len(panel.figure.data[0].x) == 4 and "completed" in panel.status.value
    shown = panel.plot.outputs[0]["data"]["application/vnd.plotly.v1+json"]  # what JupyterLab's plotly extension draws
    assert len(shown["data"]) == 3
    assert [r.id for r in list_runs()] == [panel.run_id.value]
    assert "base (step 0)" in panel.samples.value and "the base: validation loss" in panel.report.value  # without a click


def test_train_panel_method_help_and_bad_settings(home, tiny_model_dir):
    panel = TrainPanel(str(tiny_model_dir), "fp32", ASSETS)
    panel.method.value = "prompt_tuning"
    assert "num_virtual_tokens" in panel.settings.value and "soft prompt" in panel.help.value
    panel.settings.value = "num_virtual_tokens: 0"
    panel.start_button.click()
    assert "num_virtual_tokens" in panel.message.value
    panel.stop_button.click()
    assert "No run chosen" in panel.message.value
    assert list_runs() == []


def test_train_panel_switches_to_the_recipe_of_the_method_and_task(home, tiny_model_dir):
    panel = TrainPanel(str(tiny_model_dir), "fp32", ASSETS)
    recipe = lab.describe_method("prompt_tuning")["recipe"]
    panel.method.value = "prompt_tuning"
    assert (panel.learning_rate.value, panel.steps.value) == (recipe["learning_rate"], recipe["steps"])
    panel.task.value = "classify"
    recipe = lab.describe_method("prompt_tuning", "classify")["recipe"]
    assert (panel.learning_rate.value, panel.steps.value) == (recipe["learning_rate"], recipe["steps"])
    assert panel.config().report_to == "none"
    panel.report_to.value = True
    assert panel.config().report_to == "tensorboard"


def test_runs_compare_and_chat_panels_over_a_finished_run(home, tiny_model_dir):
    train = TrainPanel(str(tiny_model_dir), "fp32", ASSETS)
    train.steps.value, train.batch_size.value, train.max_length.value = 2, 2, 64
    run_id = train.start()
    wait_for(lambda: train.refresh() == "completed")

    runs = RunsPanel()
    assert run_id in runs.table.value and runs.chosen.value == run_id
    assert runs.overlaid.value == (run_id,) and len(runs.figure.data) == 3  # the newest run's curve at first
    assert "<th style='text-align:left'>state</th><td>completed" in runs.details.value
    assert "the base: validation loss" in runs.details.value

    compare = ComparePanel()
    compare.runs.value = (run_id,)
    compare.max_new_tokens.value = 4
    compare.compare_button.click()
    assert "<table" in compare.result.value and run_id in compare.result.value

    chat = ChatPanel(str(tiny_model_dir), "fp32")
    chat.adapter.value = run_id
    chat.max_new_tokens.value = 4
    chat.input.value = "Hello"
    chat.send().join(timeout=60)
    assert [t["role"] for t in chat.history] == ["user", "assistant"] and "you:" in chat.conversation.value
    chat.clear_button.click()
    assert chat.history == []

    runs.delete_button.click()
    assert "confirmation" in runs.message.value
    runs.confirm.value = True
    runs.delete_button.click()
    assert list_runs() == [] and runs.table.value == "<i>No runs yet.</i>"


def test_lab_shows_every_panel_in_tabs(home, tiny_model_dir):
    tabs = Lab(str(tiny_model_dir), "fp32", ASSETS)
    assert tabs.titles == ("Model", "Data", "Train", "Experiments", "Runs", "Compare", "Chat", "Classify",
                           "Evaluate")


def test_a_run_started_elsewhere_shows_in_a_new_train_panel(home, tiny_model_dir):
    from lab.runs import TrainConfig, start_run

    run = start_run(TrainConfig(model=str(tiny_model_dir), data=ASSETS, max_steps=3, batch_size=2, max_length=64,
                                validation_fraction=0.25, report_to="tensorboard"))  # as the app or the CLI would
    panel = TrainPanel(str(tiny_model_dir), "fp32", ASSETS, poll_seconds=0.2)
    assert panel.run_id.value == run.id
    # the form shows the followed run's own settings, not the panel's defaults
    assert (panel.steps.value, panel.batch_size.value, panel.max_length.value) == (3, 2, 64) and panel.report_to.value
    wait_for(lambda: "completed" in panel.status.value)
    again = TrainPanel(poll_seconds=0.2)  # a new kernel: the finished run stays in view until another starts
    assert again.run_id.value == run.id and "completed" in again.status.value


def test_classify_panels_preview_classes_then_predict_and_evaluate_a_run(home, tiny_encoder_dir):
    from lab.runs import TrainConfig, start_run

    data = DataPanel("sample_data/topics", str(tiny_encoder_dir))
    data.task.value = "classify"
    data.preview_button.click()
    assert "21 classes" in data.summary.value and data.message.value == ""

    panel = ClassifyPanel()
    panel.predict_button.click()
    assert "No run chosen" in panel.message.value

    run = start_run(TrainConfig(task="classify", model=str(tiny_encoder_dir), method="head_only",
                                method_params={"top_layers": 0}, data="sample_data/topics", max_steps=2,
                                batch_size=8, max_length=32))
    assert run.wait(timeout=120) == "completed"
    panel.refresh_button.click()
    panel.runs.value = (run.id,)
    panel.predict_button.click()
    assert "lab-predict" in panel.result.value and panel.message.value == ""
    panel.evaluate_button.click()
    assert panel.result.value.count("<svg") == 2


def test_runs_panel_overlays_the_chosen_runs_on_either_axis(home, tiny_runs):
    import shutil

    chosen = (tiny_runs["lora"].id, tiny_runs["prompt_tuning"].id)
    for name in ("lora", "prompt_tuning"):
        shutil.copytree(tiny_runs[name].path, home / "workspace" / "runs" / tiny_runs[name].id)
    panel = RunsPanel()
    panel.overlaid.value = chosen
    assert [t.name for t in panel.figure.data] == ["train (raw)", "train", "validation"] * 2
    assert len({t.legendgroup for t in panel.figure.data}) == 2
    panel.x_axis.value = "examples"
    assert panel.figure.layout.xaxis.title.text == "examples seen" and list(panel.figure.data[0].x) == [2, 4, 6]
    panel.overlaid.value = ()
    assert panel.figure.data == () and panel.message.value == ""


def test_experiment_panel_runs_three_methods_and_shows_the_leaderboard(home, tiny_model_dir):
    panel = ExperimentPanel(str(tiny_model_dir), "fp32", ASSETS, poll_seconds=0.2)
    assert panel.chosen.value is None and "No experiment yet" in panel.leaderboard.value
    panel.methods.value = ("lora", "prompt_tuning", "ia3")
    panel.steps.value, panel.batch_size.value, panel.max_length.value = "2", 2, 64
    panel.name.value = "three"
    panel.start_button.click()
    assert panel.message.value == "" and panel.chosen.value.split("-")[2] == "three"
    wait_for(lambda: lab.experiment(panel.chosen.value)["finished"], timeout=300, interval=1)
    wait_for(lambda: panel.leaderboard.value.count("completed") == 3)  # the watcher thread's refresh
    assert all(m in panel.leaderboard.value for m in ("lora", "prompt_tuning", "ia3"))
    assert "★" in panel.leaderboard.value and panel.leaderboard.value.count("completed") == 3
    assert len(panel.figure.data) >= 2 and len({t.legendgroup for t in panel.curves_figure.data}) == 3
    again = ExperimentPanel()  # a new kernel: the newest experiment, read from disk
    assert again.chosen.value == panel.chosen.value and "★" in again.leaderboard.value


def test_experiment_panel_shows_bad_rates_as_one_error(home, tiny_model_dir):
    panel = ExperimentPanel(str(tiny_model_dir), "fp32", ASSETS)
    panel.rates.value = "fast"
    panel.start_button.click()
    assert panel.message.value.count("Error:") == 1 and "Learning-rate factors must be numbers" in panel.message.value
    assert lab.list_experiments() == [] and list_runs() == []


def test_runs_panel_downloads_a_merged_model_and_says_its_size(home, tiny_runs):
    import shutil
    import zipfile

    shutil.copytree(tiny_runs["lora"].path, home / "workspace" / "runs" / tiny_runs["lora"].id)
    panel = RunsPanel()
    panel.chosen.value = tiny_runs["lora"].id
    panel.merge_button.click()
    assert panel.message.value == "" and "KiB" in panel.notice.value and "-merged.zip" in panel.notice.value
    path = panel.notice.value.split("<code>")[1].split("</code>")[0]
    assert "model.safetensors" in zipfile.ZipFile(path).namelist()


def test_runs_panel_imports_an_adapter_and_refuses_a_folder_without_one(home, tiny_model_dir):
    from tests.plain_peft import train_plain_lora

    adapter = train_plain_lora(tiny_model_dir, home / "adapters" / "plain")
    panel = RunsPanel()
    panel.import_path.value = str(adapter)
    panel.import_button.click()
    assert panel.message.value == "" and "Imported as run" in panel.notice.value
    assert panel.chosen.value == list_runs()[0].id and list_runs()[0].status()["imported"] == str(adapter)

    panel.import_path.value = str(adapter.parent)
    panel.import_button.click()
    assert "has no adapter_config.json" in panel.message.value and len(list_runs()) == 1


def test_runs_panel_serves_a_demo_of_the_chosen_run(home, tiny_runs):
    import shutil
    import urllib.request

    from apps import demo as demo_page

    run = tiny_runs["lora"]
    shutil.copytree(run.path, home / "workspace" / "runs" / run.id)
    panel = RunsPanel()
    panel.chosen.value = None
    panel.demo_button.click()
    assert "No run chosen" in panel.message.value  # one message, nothing served
    panel.chosen.value = run.id
    panel.demo_button.click()
    try:
        url = panel.notice.value.split('href="')[1].split('"')[0]
        assert urllib.request.urlopen(url, timeout=10).status == 200 and run.id in panel.notice.value
        assert panel.message.value == ""
    finally:
        demo_page.SERVING.pop((run.id,)).close()


def test_following_a_prompt_tuning_run_from_the_runs_panel_shows_its_help(home, tiny_model_dir, tiny_runs):
    import shutil

    for name in ("lora", "prompt_tuning"):
        shutil.copytree(tiny_runs[name].path, home / "workspace" / "runs" / tiny_runs[name].id)
    tabs = Lab(str(tiny_model_dir), "fp32", ASSETS)
    train, runs = tabs.panels["Train"], tabs.panels["Runs"]
    train.follow(tiny_runs["lora"].id)
    assert "<b>lora</b>" in train.help.value
    assert "act on" in runs.chosen.description  # the one run its buttons act on, apart from the chart's runs
    runs.chosen.value = tiny_runs["prompt_tuning"].id
    runs.follow_button.click()
    assert runs.message.value == "" and train.run_id.value == tiny_runs["prompt_tuning"].id
    assert train.method.value == "prompt_tuning" and "<b>prompt_tuning</b>" in train.help.value
    assert "num_virtual_tokens" in train.help.value and "num_virtual_tokens: " in train.settings.value
    assert "target_modules" not in train.help.value + train.settings.value
