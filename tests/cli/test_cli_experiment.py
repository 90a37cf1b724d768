"""`lab experiment start|list|show|stop` from the terminal, on the tiny model."""

import json

import pytest

from tests.helpers import MESSAGES, run_cli, wait_for


def test_start_wait_show_and_plot_an_experiment(capsys, lab_home, tiny_model_dir, tmp_path):
    code, out, err = run_cli(capsys, "experiment", "start", "--methods", "lora,prompt_tuning,ia3", "--data", MESSAGES,
                             "--model", str(tiny_model_dir), "--precision", "fp32", "--steps", "2",
                             "--batch-size", "2", "--max-length", "64", "--name", "cli", "--wait")
    assert code == 0, err
    assert "3 of 3 runs ended" in out and "★" in out and "prompt_tuning" in out and "ia3" in out
    code, out, _ = run_cli(capsys, "experiment", "list", "--json")
    (listed,) = json.loads(out)
    assert listed["finished"] and listed["runs"] == 3 and "-cli-" in listed["id"]
    plot, curves = tmp_path / "quality.html", tmp_path / "curves.html"
    code, out, _ = run_cli(capsys, "experiment", "show", listed["id"][-4:], "--plot", str(plot),
                           "--curves", str(curves), "--json")
    board = json.loads(out)
    assert code == 0 and [r["method"] for r in board["rows"]] == ["lora", "prompt_tuning", "ia3"]
    assert "Pareto" in plot.read_text() or "validation loss" in plot.read_text()
    assert all(r["run"][-4:] in curves.read_text() for r in board["rows"])


def test_stop_ends_the_queued_runs(capsys, lab_home, tiny_model_dir):
    code, out, _ = run_cli(capsys, "experiment", "start", "--methods", "lora", "--rates", "1,2", "--data", MESSAGES,
                           "--model", str(tiny_model_dir), "--precision", "fp32", "--steps", "20000",
                           "--batch-size", "2", "--max-length", "64", "--json")
    board = json.loads(out)
    code, out, _ = run_cli(capsys, "experiment", "stop", board["id"], "--json")
    assert code == 0
    wait_for(lambda: json.loads(run_cli(capsys, "experiment", "show", board["id"], "--json")[1])["finished"],
             timeout=180, interval=1)


@pytest.mark.parametrize("argv, message", [
    (["experiment", "start", "--rates", "fast"], "Learning-rate factors must be numbers"),
    (["experiment", "start", "--methods", "lora,magic"], "Unknown tuning method 'magic'"),
    (["experiment", "show", "nope"], "No experiment 'nope'"),
    (["experiment", "stop", "nope"], "No experiment 'nope'"),
])
def test_bad_experiment_input_gets_one_error(capsys, lab_home, argv, message):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err
