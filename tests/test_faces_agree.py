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
        handlers.train_start(*inputs)
    assert "Fixes, cheapest first" in handlers.train_estimate(*inputs)

    panel = TrainPanel(model, "fp32", "sample_data")
    panel.steps.value, panel.max_length.value = 1, 64
    panel.start_button.click()
    first_line = cli_lines[0].removeprefix("error: ")
    assert first_line in str(app_error.value.message) and html.escape(first_line) in panel.message.value
    panel.estimate_button.click()
    assert "Fixes, cheapest first" in panel.estimate_view.value
    assert list_runs() == []

    assert main([*argv, "--force"]) == 0
    handlers.train_start(*inputs, "chat", True)
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
        handlers.train_start("tiny-random-llama", "fp32", "lora", "", "sample_data", None, 2, 2e-4, 2, 64, "chat", False,
                             2, "fsdp")
    assert message in str(app_error.value.message)
    panel = TrainPanel("tiny-random-llama", "fp32", "sample_data")
    panel.processes.value, panel.strategy.value = 2, "fsdp"
    panel.start_button.click()
    assert message in panel.message.value
    assert list_runs() == []
