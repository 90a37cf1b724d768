"""Every api_name of the app, through gradio_client against the app launched in-process, on the tiny model."""

import json
import re
import shutil
import time

import pytest

gradio_client = pytest.importorskip("gradio_client")

ASSETS = "tests/assets/data/messages.jsonl"
GENERATION = dict(param_4=8, param_5=0, param_6=1, param_7=50, param_8=1, param_9=0)


@pytest.fixture(scope="module")
def client(tmp_path_factory, tiny_model_dir):
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("home")
    mp.setenv("LAB_HOME", str(home))
    from apps.app import build

    demo = build()
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    yield gradio_client.Client(demo.local_url, verbose=False)
    demo.close()
    mp.undo()


def wait_until(client, run_id, states, timeout=240):
    """Poll like the page does; return the progress and the latest curve sent (a poll with no new points skips
    the curve)."""
    deadline, curve, report = time.time() + timeout, None, None
    while time.time() < deadline:
        _, progress, sent, _, report_sent = client.predict(run_id, api_name="/train_status")
        curve = traces(sent) if "plot" in sent else curve  # else {"__type__": "update"}: nothing new
        report = report_sent if isinstance(report_sent, str) else report
        if any(f"— {s}" in progress for s in states):
            return progress, curve, report
        time.sleep(0.5)
    raise AssertionError(f"run {run_id} never reached {states}: {progress}")


def traces(plot) -> list[str]:
    """The trace names of a gr.Plot value as the client receives it."""
    assert plot["type"] == "plotly"
    return [trace["name"] for trace in json.loads(plot["plot"])["data"]]


def test_every_endpoint_on_the_tiny_model(client, tiny_model_dir, tmp_path):
    model = str(tiny_model_dir)
    summary, info = client.predict(model, "4bit", api_name="/model_load")
    assert "4bit" in summary and info["precision"] == "4bit"

    summary, table = client.predict(model, "sample_data", None, 128, api_name="/data_preview")
    assert "messages" in summary and len(table["data"]) == 8

    run_id = client.predict(model, "fp32", "lora", "r: 4", "sample_data", None, 6, 1e-3, 2, 64,
                            api_name="/train_start")
    progress, curve, report = wait_until(client, run_id, ["completed"])
    assert "step 6/6" in progress
    assert curve == ["train (raw)", "train", "validation"]
    assert "the base: validation loss" in report  # the before/after report's headline, without another click

    runs = client.predict(api_name="/runs")
    assert runs["data"][0][0] == run_id and runs["data"][0][1] == "completed"
    details = client.predict(run_id, api_name="/run_details")
    assert details["config"]["method"] == "lora"

    history, cleared = client.predict("Hello", [], run_id, model, "fp32", "", 8, 0, 1, 50, 1, 0, api_name="/chat")
    assert history[-1]["role"] == "assistant" and cleared == ""
    assert client.predict(api_name="/chat_clear") == []

    html, rows = client.predict([run_id], "Hello", 8, 0, 1, 50, 1, 0, api_name="/compare")
    assert set(rows[0]["answers"]) == {"base", run_id} and "<table" in html
    assert "<table" in client.predict([run_id], 1, 4, api_name="/compare_split")

    page = client.predict([run_id], 2, 4, api_name="/evaluate")  # the report's HTML: base and the run
    assert "<table" in page and run_id in page and "base" in page

    archive = client.predict(run_id, api_name="/run_download")
    assert str(archive).endswith(".zip")


def test_stop_resume_and_delete(client, tiny_model_dir):
    run_id = client.predict(str(tiny_model_dir), "fp32", "lora", "", "sample_data", None, 20_000, 2e-4, 2, 64,
                            api_name="/train_start")
    wait_until(client, run_id, ["running"])
    assert "Stopping" in client.predict(run_id, api_name="/train_stop")
    wait_until(client, run_id, ["stopped"])
    assert client.predict(run_id, api_name="/train_resume") == run_id
    wait_until(client, run_id, ["running"])
    client.predict(run_id, api_name="/train_stop")
    wait_until(client, run_id, ["stopped"])

    with pytest.raises(Exception, match="confirmation"):
        client.predict(run_id, False, api_name="/run_delete")
    assert "Deleted" in client.predict(run_id, True, api_name="/run_delete")
    assert run_id not in [row[0] for row in client.predict(api_name="/runs")["data"]]


def test_bad_input_shows_a_message_and_the_app_stays_up(client):
    with pytest.raises(Exception, match="Unknown model"):
        client.predict("no-such-model", "fp32", api_name="/model_load")
    with pytest.raises(Exception, match="r=0"):
        client.predict("tiny-random-llama", "fp32", "lora", "r: 0", "sample_data", None, 5, 1e-3, 2, 64,
                       api_name="/train_start")
    with pytest.raises(Exception, match="outside the folders"):
        client.predict("tiny-random-llama", "fp32", "lora", "", "/etc/passwd", None, 5, 1e-3, 2, 64,
                       api_name="/train_start")
    assert client.predict(api_name="/runs") is not None  # still serving


def test_classify_preview_train_predict_and_evaluate(client, tiny_encoder_dir):
    summary, table = client.predict(str(tiny_encoder_dir), "sample_data/topics", None, 64, "classify",
                                    api_name="/data_preview")
    assert "21 classes" in summary and len(table["data"]) == 21 and table["headers"][0] == "class"

    run_id = client.predict(str(tiny_encoder_dir), "fp32", "head_only", "top_layers: 0", "sample_data/topics", None,
                            3, 5e-2, 8, 32, "classify", api_name="/train_start")
    wait_until(client, run_id, ["completed"])
    assert "lab-predict" in client.predict([run_id], "What is AI?\nTell me a joke", api_name="/predict")
    page = client.predict([run_id], api_name="/classify_evaluate")
    assert page.count("<svg") == 2 and "macro-F1" in page
    page = client.predict([run_id], 5, 4, api_name="/evaluate")
    assert "macro-F1" in page and run_id in page
    with pytest.raises(Exception, match="No run chosen"):
        client.predict([], "hello", api_name="/predict")


def test_the_estimate_button_counts_the_processes_start_would_use(tiny_model_dir):
    from apps import handlers

    inputs = (str(tiny_model_dir), "fp32", "lora", "", "sample_data", None, 4, 2e-4, 2, 64, "chat")
    def runtime_mib(text):
        return float(re.search(r"\| runtime \| ([\d.]+) MiB", text).group(1))

    one, two = handlers.train_estimate(*inputs, 1, "ddp"), handlers.train_estimate(*inputs, 2, "ddp")
    assert runtime_mib(two) == 2 * runtime_mib(one) > 0  # on a CPU every process is its own interpreter


def test_run_curves_overlays_the_chosen_runs_on_either_axis(client, tiny_runs):
    chosen = [str(tiny_runs["lora"].path), str(tiny_runs["prompt_tuning"].path)]
    for axis in ("step", "examples"):
        plot = client.predict(chosen, axis, api_name="/run_curves")
        assert traces(plot) == ["train (raw)", "train", "validation"] * 2
    layout = json.loads(plot["plot"])["layout"]
    assert layout["xaxis"]["title"]["text"] == "examples seen"
    assert "No loss yet" in client.predict([], "step", api_name="/run_curves")["plot"]


def test_after_a_reload_the_train_tab_shows_the_newest_finished_run(tiny_runs, tmp_path, monkeypatch):
    import gradio as gr

    from apps import handlers
    from lab.runs.store import Run

    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path))
    finished = tiny_runs["lora_b"]
    Run(shutil.copytree(finished.path, tmp_path / "runs" / finished.id)).set_status("completed")  # as the worker ends
    run_id, progress, curve, samples, report, shown = handlers.train_status("")  # a fresh page: no run id yet
    assert run_id == finished.id and "completed" in progress
    assert [t.name for t in curve.data] == ["train (raw)", "train", "validation"]
    assert "base (step 0)" in samples and "the base: validation loss" in report
    again = handlers.train_status(run_id, shown)
    assert again[2] == again[3] == again[4] == gr.skip()  # nothing new: curve, samples and report are not sent again
    form = dict(zip(handlers.FORM, handlers.run_form(run_id)))  # the form shows the followed run's own settings
    assert form["method"] == "lora" and form["steps"] == finished.config["max_steps"] and "r: " in form["settings"]
    assert form["report_to"] is False  # the TensorBoard box
    assert all(value == gr.skip() for value in handlers.run_form("no-such-run"))
    assert handlers.follow(["another", run_id])[0] == run_id  # the Runs tab's buttons act on the one picked last


def test_an_experiment_of_two_methods_ends_in_a_leaderboard(client, tiny_model_dir):
    methods = ["lora", "prompt_tuning"]
    experiment_id, board, chart, curves = client.predict(
        str(tiny_model_dir), "fp32", "sample_data", None, 64, "chat", methods, False, "1", 2, "two",
        api_name="/experiment_start")
    assert "two" in experiment_id and "0 of 2 runs ended" in board
    assert [c[0] for c in client.predict(None, api_name="/experiments")["choices"]] == [experiment_id]
    deadline = time.time() + 240
    while "2 of 2 runs ended" not in board and time.time() < deadline:
        time.sleep(1)
        board, chart, curves = client.predict(experiment_id, api_name="/experiment")
    assert "2 of 2 runs ended" in board and board.count("completed") == 2, board
    assert all(method in board for method in methods) and "★" in board
    assert set(methods) <= set(traces(chart))  # a point per method
    assert traces(curves) == ["train (raw)", "train", "validation"] * 2
    assert "2 of 2 runs ended" in client.predict(experiment_id, api_name="/experiment_stop")  # nothing left to stop


def test_a_bad_experiment_input_gives_one_clear_error(client, tiny_model_dir):
    with pytest.raises(Exception, match="Learning-rate factors must be numbers, not 'fast'") as raised:
        client.predict(str(tiny_model_dir), "fp32", "sample_data", None, 64, "chat", ["lora"], False, "fast", 2, "",
                       api_name="/experiment_start")
    assert str(raised.value).count("must be numbers") == 1


def test_choosing_a_method_or_task_takes_its_recipe_and_tensorboard_reaches_the_run(tiny_model_dir):
    import lab
    from apps import handlers

    settings, help_text, rate, steps = handlers.method_form("prompt_tuning", "chat")
    recipe = lab.describe_method("prompt_tuning", "chat")["recipe"]
    assert (rate, steps) == (recipe["learning_rate"], recipe["steps"]) and "num_virtual_tokens" in settings
    recipe = lab.describe_method("head_only", "classify")["recipe"]
    assert handlers.recipe("head_only", "classify") == (recipe["learning_rate"], recipe["steps"])
    assert handlers.recipe("head_only", "classify") != handlers.recipe("head_only", "chat")
    inputs = (str(tiny_model_dir), "fp32", "lora", "", "sample_data", None, 4, 2e-4, 2, 64, "chat", 1, "ddp")
    assert "runtime" in handlers.train_estimate(*inputs, True)  # the box's value is a plain bool
    assert handlers._plan(*inputs, True).report_to == "tensorboard" and handlers._plan(*inputs).report_to == "none"


def test_a_merged_download_says_merging_then_gives_the_zip_and_its_size(client, tiny_runs):
    from lab.runs.store import runs_root

    for name in ("lora", "prompt_tuning"):
        shutil.copytree(tiny_runs[name].path, runs_root() / tiny_runs[name].id)
    job = client.submit([tiny_runs["lora"].id], api_name="/run_merge")
    archive, notice = job.result()
    (first_file, first_notice), *_ = job.outputs()  # the generator's first yield, before the base loads
    assert first_file is None and first_notice.startswith("Merging")
    assert str(archive).endswith("-merged.zip") and "KiB" in notice and "Warning" not in notice
    with pytest.raises(Exception, match="cannot be merged"):
        client.predict([tiny_runs["prompt_tuning"].id], api_name="/run_merge")


def test_an_upload_is_kept_and_an_adapter_imported_from_the_runs_tab(client, tiny_model_dir):
    import os
    from pathlib import Path

    from lab.runs.store import workspace
    from tests.plain_peft import train_plain_lora

    upload = gradio_client.handle_file(ASSETS)  # into Gradio's temporary upload folder, as a browser would
    client.predict(str(tiny_model_dir), "fp32", "lora", "", "sample_data", upload, 2, 1e-3, 2, 64,
                   api_name="/train_estimate")
    assert [p.name for p in (workspace() / "data").glob("*/*")] == ["messages.jsonl"]  # the run would name it

    adapter = train_plain_lora(tiny_model_dir, Path(os.environ["LAB_HOME"]) / "adapters" / "plain")
    notice = client.predict(str(adapter), "", "mine", api_name="/run_import")
    run_id = re.search(r"run (\S+) \(lora on", notice).group(1)
    assert run_id in [row[0] for row in client.predict(api_name="/runs")["data"]]
    html, rows = client.predict([run_id], "Hello", 4, 0, 1, 50, 1, 0, api_name="/compare")
    assert set(rows[0]["answers"]) == {"base", run_id}
    with pytest.raises(Exception, match="outside the folders"):
        client.predict("/etc", "", "", api_name="/run_import")
    with pytest.raises(Exception, match="has no adapter_config.json"):
        client.predict(str(adapter.parent), "", "", api_name="/run_import")
