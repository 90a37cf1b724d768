"""Bad input gets the same message in the CLI, the app and the widgets: all three show the core's LabError."""

import html

import gradio as gr
import pytest

from apps import handlers
from lab.cli import main
from lab.runs import list_runs
from lab.widgets import TrainPanel

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
        handlers.train_start(c["model"], "fp32", "lora", c["settings"], c["data"], None, 2, c["lr"], 2, 64)

    panel = TrainPanel(c["model"], "fp32", c["data"])
    panel.learning_rate.value, panel.settings.value, panel.steps.value = c["lr"], c["settings"], 2
    panel.start_button.click()

    assert cli_first_line in str(app_error.value.message)
    assert html.escape(cli_first_line) in panel.message.value
    assert list_runs() == []  # nothing half-started in the run store
