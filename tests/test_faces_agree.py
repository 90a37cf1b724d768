"""Every user action through every face: the CLI, the app's handler and the panel give the same result and the
same error line for a good and a bad input (all three are thin layers over the one action in `lab`); and the
start refusals, which must leave nothing half-started in the run store."""

import html
import json
import re
import zipfile

import gradio as gr
import pytest

import lab
from apps import handlers as app
from lab.cli import main
from lab.runs import list_runs
from lab.widgets import (ChatPanel, ClassifyPanel, ComparePanel, DataPanel, EvaluatePanel, ModelPanel, RunsPanel,
                         TrainPanel)
from tests.helpers import MESSAGES

def cli(capsys, *argv):
    """(the JSON or text it printed, None) or (None, the error's first line)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    if code == 2:
        return None, err.splitlines()[0].removeprefix("error: ")
    assert code == 0, err
    try:
        return json.loads(out), None
    except json.JSONDecodeError:
        return out, None


def page(handler, *args):
    try:
        result = handler(*args)
        return (list(result) if hasattr(result, "__next__") else result), None
    except gr.Error as error:
        return None, html.unescape(error.message.split("<br>")[0])


def panel(p, action):
    """(what the panel's action returned, None) or (None, the first line of the error it shows)."""
    result = p.attempt(action if hasattr(action, "__self__") else action.__get__(p))
    first = re.search(r"</b> (.*?)(<br>|</div>)", p.message.value)
    return result, html.unescape(first.group(1)) if first else None


@pytest.fixture(scope="module")
def store(tmp_path_factory, tiny_model_dir, tiny_encoder_dir):
    """A workspace with a finished chat run and a finished classify run of the tiny models."""
    mp = pytest.MonkeyPatch()
    mp.setenv("LAB_HOME", str(tmp_path_factory.mktemp("home")))
    chat = lab.start_run(lab.plan_run(str(tiny_model_dir), "fp32", "lora", "r: 4", MESSAGES, 2, 1e-3, 2, 64))
    classify = lab.start_run(lab.plan_run(str(tiny_encoder_dir), "fp32", "head_only", "top_layers: 0",
                                          "sample_data/topics", 2, 5e-2, 8, 32, "classify"))
    assert lab.wait(chat["id"], 180) == "completed" and lab.wait(classify["id"], 180) == "completed"
    yield {"model": str(tiny_model_dir), "chat": chat["id"], "classify": classify["id"]}
    mp.undo()


def test_load_model(capsys, store):
    m = store["model"]
    (c, _), (a, _), (p, _) = cli(capsys, "load", m, "--json"), page(app.load, m, "fp32"), \
        panel(ModelPanel(m, "fp32"), ModelPanel.load)
    assert c["parameters"] == a[1]["parameters"] == p["parameters"] > 0
    errors = {cli(capsys, "load", "no-such-model")[1], page(app.load, "no-such-model", "fp32")[1],
              panel(ModelPanel("no-such-model", "fp32"), ModelPanel.load)[1]}
    assert errors == {"Unknown model 'no-such-model'."}


def test_describe_data(capsys, store, lab_home):
    m = store["model"]
    c = cli(capsys, "data", MESSAGES, "--model", m, "--json")[0]
    a = page(app.preview_data, m, MESSAGES, None, 512)[0]
    data_panel = DataPanel(MESSAGES, m)
    p = panel(data_panel, data_panel.preview)[0]
    assert c["train"] == p["train"] > 0 and f"{c['train']} train" in a[0]
    missing = str(lab.data_path(MESSAGES).rsplit("/", 1)[0] + "/missing.jsonl")
    data_panel.data.value = missing
    errors = {cli(capsys, "data", missing)[1], panel(data_panel, data_panel.preview)[1]}
    assert errors == {f"Data '{missing}' does not exist."}
    # a page's visitor may be remote: the app names no path of the server (lab.without_server_paths)
    assert page(app.preview_data, m, missing, None, 512)[1] == "Data 'missing.jsonl' does not exist."


def train_panel(model, **values):
    p = TrainPanel(model, "fp32", MESSAGES)  # it shows the store's newest run and that run's settings: reset them
    p.model.value, p.precision.value, p.task.value, p.method.value, p.data.value = model, "fp32", "chat", "lora", MESSAGES
    p.settings.value, p.learning_rate.value, p.processes.value, p.strategy.value = "", 2e-4, 1, "ddp"
    p.steps.value, p.batch_size.value, p.max_length.value = 2, 2, 64
    for name, value in values.items():
        getattr(p, name).value = value
    return p


def test_estimate(capsys, store):
    m = store["model"]
    argv = ["train", "--model", m, "--data", MESSAGES, "--max-steps", 2, "--batch-size", 2, "--max-length", 64]
    c = cli(capsys, *argv, "--estimate", "--json")[0]
    a = page(app.train_estimate, m, "fp32", "lora", "", MESSAGES, None, 2, 2e-4, 2, 64)[0]
    p_ = train_panel(m)
    p = panel(p_, p_.estimate)[0]
    assert c["trainable_params"] == p["trainable_params"] and f"{c['trainable_params']:,} of" in a
    p_.learning_rate.value = 1e3
    errors = {cli(capsys, *argv, "--learning-rate", 1e3, "--estimate")[1],
              page(app.train_estimate, m, "fp32", "lora", "", MESSAGES, None, 2, 1e3, 2, 64)[1],
              panel(p_, p_.estimate)[1]}
    assert errors == {"learning_rate 1000.0 is outside (0, 1]."}


def test_start_stop_resume_delete(capsys, store):
    """Each face starts a long run (they queue), stops, resumes and deletes one; bad inputs read alike."""
    m = store["model"]
    argv = ["train", "--model", m, "--data", MESSAGES, "--max-steps", 20_000, "--batch-size", 2, "--max-length", 64]
    cli_run = cli(capsys, *argv, "--json")[0]["id"]
    app_run = page(app.train_start, m, "fp32", "lora", "", MESSAGES, None, 20_000, 2e-4, 2, 64)[0]
    start_panel = train_panel(m, steps=20_000)
    panel_run = panel(start_panel, start_panel.start)[0]
    assert len({cli_run, app_run, panel_run}) == 3

    runs = RunsPanel()
    runs.chosen.value = panel_run
    cli(capsys, "stop", cli_run), page(app.train_stop, app_run), panel(runs, runs.stop)
    for run_id in (cli_run, app_run, panel_run):
        assert lab.wait(run_id, 180) == "stopped"
    assert {lab.run_details(r)["config"]["max_steps"] for r in (cli_run, app_run, panel_run)} == {20_000}

    cli(capsys, "resume", cli_run), page(app.train_resume, app_run), panel(runs, runs.resume)
    for run_id in (cli_run, app_run, panel_run):
        if lab.progress(run_id)["state"] not in ("stopped", "completed"):
            lab.stop_run(run_id)
        assert lab.wait(run_id, 180) == "stopped"

    done = store["chat"]
    runs.chosen.value = done
    stop_errors = {cli(capsys, "stop", done)[1], page(app.train_stop, done)[1], panel(runs, runs.stop)[1]}
    resume_errors = {cli(capsys, "resume", done)[1], page(app.train_resume, done)[1], panel(runs, runs.resume)[1]}
    assert stop_errors == {f"Run {done} is not running (it is completed)."}
    assert resume_errors == {f"Run {done} is already completed."}

    runs.chosen.value = panel_run
    runs.confirm.value = True
    cli(capsys, "delete", cli_run), page(app.run_delete, app_run, True), panel(runs, runs.delete)
    assert sorted(lab.run_ids()) == sorted([store["classify"], store["chat"]])
    errors = {cli(capsys, "delete", "no-such-run")[1], page(app.run_delete, "no-such-run", True)[1]}
    runs.chosen.options = ["no-such-run"]
    runs.confirm.value = True
    errors.add(panel(runs, runs.delete)[1])
    assert errors == {"No run 'no-such-run'."}


def test_list_runs_and_details(capsys, store):
    runs = RunsPanel()
    listed = {tuple(r["id"] for r in cli(capsys, "runs", "--json")[0]),
              tuple(row[0] for row in page(app.runs)[0].values.tolist()),
              tuple(r["id"] for r in runs.refresh())}
    assert len(listed) == 1 and sorted(listed.pop()) == sorted([store["classify"], store["chat"]])
    runs.chosen.value = store["chat"]
    c, a, p = cli(capsys, "runs", store["chat"], "--json")[0], page(app.run_details, store["chat"])[0], \
        panel(runs, runs.show)[0]
    assert c == a == p and c["config"]["method"] == "lora"
    runs.chosen.options = [*runs.chosen.options, "no-such-run"]
    runs.chosen.value = "no-such-run"
    errors = {cli(capsys, "runs", "no-such-run")[1], page(app.run_details, "no-such-run")[1], panel(runs, runs.show)[1]}
    assert errors == {"No run 'no-such-run'."}


def test_compare_and_compare_split(capsys, store):
    run = store["chat"]
    gen = ["--max-new-tokens", 4]
    c = cli(capsys, "compare", run, "--prompt", "Hello", *gen, "--json")[0]
    a = page(app.compare, [run], "Hello", 4, 0, 1, 50, 1, 0)[0][1]
    compare = ComparePanel()
    compare.runs.value, compare.prompt.value, compare.max_new_tokens.value = (run,), "Hello", 4
    p = panel(compare, compare.compare)[0]
    assert c == a == p and set(c[0]["answers"]) == {"base", run}

    c = cli(capsys, "compare", run, "--split", "validation", "--examples", 1, *gen, "--json")[0]
    a = page(app.compare_split, [run], 1, 4)[0]
    compare.questions.value = 1
    p = panel(compare, compare.compare_split)[0]
    assert c == p and c[0]["prompt"] in html.unescape(a)

    compare.runs.value = ()
    errors = {page(app.compare, [], "Hello", 4, 0, 1, 50, 1, 0)[1], panel(compare, compare.compare)[1],
              page(app.compare_split, [], 1, 4)[1], panel(compare, compare.compare_split)[1]}
    assert errors == {"No run chosen."}  # the CLI's RUN argument is required: it cannot name none
    errors = {cli(capsys, "compare", "no-such-run", "--prompt", "Hi")[1],
              page(app.compare, ["no-such-run"], "Hi", 4, 0, 1, 50, 1, 0)[1]}
    compare.runs.options = ["no-such-run"]
    compare.runs.value = ("no-such-run",)
    errors.add(panel(compare, compare.compare)[1])
    assert errors == {"No run 'no-such-run'."}


def test_evaluate(capsys, store):
    run = store["chat"]
    c = cli(capsys, "eval", run, "--examples", 1, "--max-new-tokens", 3, "--json")[0]
    a = page(app.evaluate, [run], 1, 3)[0]
    evaluate = EvaluatePanel()
    evaluate.runs.options = [run]
    evaluate.runs.value, evaluate.examples.value, evaluate.max_new_tokens.value = (run,), 1, 3
    p = panel(evaluate, evaluate.evaluate)[0]
    losses = [row["loss"] for row in c["rows"]]
    assert losses == [row["loss"] for row in p["rows"]] and all(f"{loss:.3f}" in a for loss in losses)
    evaluate.runs.options = ["no-such-run"]
    evaluate.runs.value = ("no-such-run",)
    errors = {cli(capsys, "eval", "no-such-run")[1], page(app.evaluate, ["no-such-run"], 1, 3)[1],
              panel(evaluate, evaluate.evaluate)[1]}
    assert errors == {"No run 'no-such-run'."}
    classify = store["classify"]
    errors = {cli(capsys, "eval", run, classify)[1], page(app.evaluate, [run, classify], 1, 3)[1]}
    evaluate.runs.options = [run, classify]
    evaluate.runs.value = (run, classify)
    errors.add(panel(evaluate, evaluate.evaluate)[1])
    assert errors == {"These runs tuned different base models."}


def test_chat(capsys, store):
    run, m = store["chat"], store["model"]
    c = cli(capsys, "chat", "--adapter", run, "--prompt", "Hello", "--max-new-tokens", 4, "--json")[0]["answer"]
    a = page(app.chat, "Hello", [], run, m, "fp32", "", 4, 0, 1, 50, 1, 0)[0][-1][0][-1]["content"]
    chat = ChatPanel(m, "fp32")
    chat.adapter.options = [lab.BASE, run]
    chat.adapter.value, chat.max_new_tokens.value, chat.input.value = run, 4, "Hello"
    chat.send().join(timeout=60)
    assert c == a == chat.history[-1]["content"]
    chat.adapter.options = [lab.BASE, "no-such-run"]
    chat.adapter.value, chat.input.value = "no-such-run", "Hello"
    chat.send().join(timeout=60)
    errors = {cli(capsys, "chat", "--adapter", "no-such-run", "--prompt", "Hi")[1],
              page(app.chat, "Hi", [], "no-such-run", m, "fp32", "", 4, 0, 1, 50, 1, 0)[1],
              re.search(r"</b> (.*?)<br>", chat.message.value).group(1).replace("&#x27;", "'")}
    assert errors == {"No run 'no-such-run'."}


def test_predict_and_classify_evaluate(capsys, store):
    run = store["classify"]
    c = cli(capsys, "predict", run, "--text", "What is AI?", "--json")[0]
    classify = ClassifyPanel()
    classify.runs.value, classify.texts.value = (run,), "What is AI?"
    p = panel(classify, classify.predict)[0]
    a = page(app.predict, [run], "What is AI?")[0]
    assert c == p and f"{max(c[0]['probabilities'][run].values()):.2f}" in a
    evaluated = panel(classify, classify.evaluate)[0]
    assert [r["accuracy"] for r in evaluated[0]["rows"]] == [
        r["accuracy"] for r in cli(capsys, "eval", run, "--examples", 1000, "--json")[0]["rows"]]
    chat_run = store["chat"]
    classify.runs.options = [run, chat_run]
    classify.runs.value = (chat_run,)
    errors = {cli(capsys, "predict", chat_run, "--text", "Hi")[1], page(app.predict, [chat_run], "Hi")[1],
              panel(classify, classify.predict)[1]}
    assert errors == {f"Run {chat_run} is a chat run, not a classifier."}


def test_export_and_download(capsys, store, tmp_path):
    run = store["chat"]
    cli(capsys, "export", run, "--out", tmp_path / "exported")
    runs = RunsPanel()
    runs.chosen.value = run
    zipped = {tuple(sorted(zipfile.ZipFile(path).namelist()))
              for path in (page(app.run_download, run)[0], panel(runs, runs.download)[0])}
    assert zipped == {tuple(sorted(p.name for p in (tmp_path / "exported").iterdir()))}
    runs.chosen.options = [*runs.chosen.options, "no-such-run"]
    runs.chosen.value = "no-such-run"
    errors = {cli(capsys, "export", "no-such-run", "--out", tmp_path / "x")[1],
              page(app.run_download, "no-such-run")[1], panel(runs, runs.download)[1]}
    assert errors == {"No run 'no-such-run'."}



def test_demo(capsys, store, monkeypatch):
    from apps import demo as demo_page

    served = []

    def serve(runs, *flags, **options):  # every face starts the same page; here nothing is served
        served.append(runs.ids if isinstance(runs, lab.DemoRuns) else lab.DemoRuns(runs).ids)
        return "http://127.0.0.1:9/"

    monkeypatch.setattr(demo_page, "serve", serve)
    run, classify = store["chat"], store["classify"]
    runs = RunsPanel()
    runs.chosen.value = run
    cli(capsys, "demo", run), page(demo_page.open_demo, [run]), panel(runs, runs.demo)
    assert served == [[run]] * 3
    runs.chosen.value = classify
    errors = {cli(capsys, "demo", classify)[1], page(demo_page.open_demo, [classify])[1], panel(runs, runs.demo)[1]}
    assert errors == {f"Run {classify} is a classify run."}


CASES = {
    "unknown model": dict(model="no-such-model", data="sample_data", lr=2e-4, settings=""),
    "absurd learning rate": dict(model="tiny-random-llama", data="sample_data", lr=1e3, settings=""),
    "lora rank 0": dict(model="tiny-random-llama", data="sample_data", lr=2e-4, settings="r: 0"),
    "malformed JSONL": dict(model="tiny-random-llama", data="BAD", lr=2e-4, settings=""),
}


@pytest.mark.parametrize("case", CASES)
def test_cli_app_and_widgets_say_the_same(case, capsys, lab_home, tmp_path):
    c = dict(CASES[case])
    if c["data"] == "BAD":
        lab_home.mkdir(parents=True, exist_ok=True)
        c["data"] = str(lab_home / "bad.jsonl")
        (lab_home / "bad.jsonl").write_text('{"messages": [}\n')
    argv = ["train", "--model", c["model"], "--data", c["data"], "--learning-rate", str(c["lr"]), "--max-steps", "2"]
    if c["settings"]:
        argv += ["--r", "0"]
    assert main(argv) == 2
    cli_first_line = capsys.readouterr().err.splitlines()[0].removeprefix("error: ")

    with pytest.raises(gr.Error) as app_error:
        app.train_start(c["model"], "fp32", "lora", c["settings"], c["data"], None, 2, c["lr"], 2, 64)

    panel = TrainPanel(c["model"], "fp32", c["data"])
    panel.learning_rate.value, panel.settings.value, panel.steps.value = c["lr"], c["settings"], 2
    panel.start_button.click()

    assert lab.without_server_paths(cli_first_line) in str(app_error.value.message)  # a visitor may be remote
    assert html.escape(cli_first_line) in panel.message.value
    assert list_runs() == []  # nothing half-started in the run store


def test_a_run_that_will_not_fit_is_refused_alike_with_fixes_and_can_be_forced(capsys, lab_home, tiny_model_dir,
                                                                                monkeypatch):
    """LAB_MEMORY_LIMIT simulates a small machine: every face refuses before loading, with the same ranked fixes,
    shows the estimate on demand, and starts the run when forced."""
    from lab.runs import stop_run

    monkeypatch.setenv("LAB_MEMORY_LIMIT", "1MiB")
    model = str(tiny_model_dir)
    argv = ["train", "--model", model, "--data", "sample_data", "--max-steps", "1", "--precision", "fp32",
            "--batch-size", "4", "--max-length", "64", "--max-validation-examples", "50"]
    assert main(argv) == 2
    cli_lines = capsys.readouterr().err.splitlines()
    assert "it would run out of memory" in cli_lines[0] and "(1) " in cli_lines[-1]
    assert main([*argv, "--estimate"]) == 0
    assert "Fixes, cheapest first" in capsys.readouterr().out

    inputs = (model, "fp32", "lora", "", "sample_data", None, 1, 2e-4, 4, 64)
    with pytest.raises(gr.Error) as app_error:
        app.train_start(*inputs)
    assert "Fixes, cheapest first" in app.train_estimate(*inputs)

    panel = TrainPanel(model, "fp32", "sample_data")
    panel.steps.value, panel.max_length.value = 1, 64
    panel.start_button.click()
    first_line = cli_lines[0].removeprefix("error: ")
    assert first_line in str(app_error.value.message) and html.escape(first_line) in panel.message.value
    panel.estimate_button.click()
    assert "Fixes, cheapest first" in panel.estimate_view.value
    assert list_runs() == []

    assert main([*argv, "--force"]) == 0
    app.train_start(*inputs, "chat", True)
    panel.force.value = True
    panel.start_button.click()
    runs = list_runs()
    assert len(runs) == 3
    for run in runs:
        if run.state not in ("completed", "failed", "stopped"):
            stop_run(run.id)
    assert all(run.wait(timeout=120) in ("completed", "stopped") for run in runs)  # no worker outlives the test


def test_processes_and_strategy_reach_the_core_from_every_face(capsys, lab_home):
    """fsdp asked for a LoRA run is refused with the same words in the CLI, the app and the panel."""
    message = "fsdp is for full fine-tuning, not lora."
    argv = ["train", "--model", "tiny-random-llama", "--max-steps", "2", "--processes", "2", "--strategy", "fsdp"]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    with pytest.raises(gr.Error) as app_error:
        app.train_start("tiny-random-llama", "fp32", "lora", "", "sample_data", None, 2, 2e-4, 2, 64, "chat", False,
                             2, "fsdp")
    assert message in str(app_error.value.message)
    panel = TrainPanel("tiny-random-llama", "fp32", "sample_data")
    panel.processes.value, panel.strategy.value = 2, "fsdp"
    panel.start_button.click()
    assert message in panel.message.value
    assert list_runs() == []


def test_import_an_adapter(capsys, lab_home, tiny_model_dir):
    from tests.plain_peft import train_plain_lora

    adapter = train_plain_lora(tiny_model_dir, lab_home / "adapters" / "plain")  # inside LAB_HOME: the app may read it
    runs = RunsPanel()
    runs.import_path.value = str(adapter)
    imported = [cli(capsys, "import", adapter, "--json")[0]["id"],
                re.search(r"run (\S+) \(", page(app.run_import, str(adapter), "", "")[0]).group(1),
                panel(runs, runs.import_adapter)[0]["id"]]
    assert sorted(imported) == sorted(r.id for r in list_runs()) and len(set(imported)) == 3
    runs.import_path.value = str(adapter.parent)
    errors = {cli(capsys, "import", adapter.parent)[1], panel(runs, runs.import_adapter)[1]}
    assert errors == {f"{adapter.parent} has no adapter_config.json."}
    # a page's visitor may be remote: the app names no path of the server (lab.without_server_paths)
    assert page(app.run_import, str(adapter.parent), "", "")[1] == "the lab's home/adapters has no adapter_config.json."
