"""The run commands end to end on the tiny model: train --wait, runs, eval, compare, export, chat --adapter."""

import json

import pytest

from tests.helpers import MESSAGES, run_cli


@pytest.fixture
def trained(capsys, lab_home, tiny_model_dir, tmp_path):
    code, out, _ = run_cli(capsys, "train", "--model", str(tiny_model_dir), "--data", MESSAGES, "--max-steps", "2",
                           "--batch-size", "2", "--max-length", "64", "--validation-fraction", "0.25", "--r", "4",
                           "--wait", "--json")
    assert code == 0
    return json.loads(out[out.index("{"):])


def test_train_wait_then_every_run_command(capsys, trained, tmp_path):
    assert trained["state"] == "completed" and trained["step"] == 2
    run_id = trained["id"]

    code, out, _ = run_cli(capsys, "runs", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [run_id]

    code, out, _ = run_cli(capsys, "runs", run_id)  # its settings, then the before/after report the run ended with
    assert code == 0 and "the base: validation loss" in out
    lines = out.splitlines()
    layout = lines[:next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))]  # not the
    assert not [line for line in layout if line.lstrip().startswith(("{", '"'))]  # answers: the model's own words
    assert lines[0] == f"run:       {run_id}" and lines[1].startswith("state:     completed")
    assert any(line.startswith("method:    lora · r 4") for line in lines) and "steps:     2 of 2" in lines
    assert "learning_rate=" in out
    code, out, _ = run_cli(capsys, "runs", run_id, "--json")  # the whole record, only when asked
    assert code == 0 and json.loads(out)["config"]["method"] == "lora"
    code, out, _ = run_cli(capsys, "runs", run_id, "--plot", str(tmp_path / "curves.html"))
    page = (tmp_path / "curves.html").read_text()
    assert code == 0 and out.strip() == str(tmp_path / "curves.html") and "plotly" in page and run_id[-4:] in page

    code, out, _ = run_cli(capsys, "eval", run_id, "--examples", "2", "--max-new-tokens", "3", "--json")
    result = json.loads(out)
    assert code == 0 and [r["model"] for r in result["rows"]] == ["base", run_id]
    assert {"loss", "perplexity", "rougeL", "exact_match"} <= set(result["rows"][1])

    code, out, _ = run_cli(capsys, "compare", run_id, "--prompt", "Hello", "--max-new-tokens", "3", "--json")
    assert code == 0 and set(json.loads(out)[0]["answers"]) == {"base", run_id}

    code, out, _ = run_cli(capsys, "compare", run_id, "--split", "validation", "--examples", "1",
                           "--max-new-tokens", "2", "--json")
    assert code == 0 and len(json.loads(out)) == 1

    code, out, _ = run_cli(capsys, "chat", "--adapter", run_id, "--prompt", "Hello", "--max-new-tokens", "3",
                           "--json")
    assert code == 0 and "answer" in json.loads(out)

    code, out, _ = run_cli(capsys, "export", run_id, "--out", str(tmp_path / "exported"), "--merge")
    assert code == 0 and (tmp_path / "exported" / "model.safetensors").exists()

    code, _, err = run_cli(capsys, "resume", run_id)
    assert code == 2 and "already completed" in err


def test_train_out_waits_to_the_end_and_every_run_command_finds_the_run(capsys, lab_home, tiny_model_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    code, out, err = run_cli(capsys, "train", "--model", str(tiny_model_dir), "--data", MESSAGES, "--max-steps", "2",
                             "--batch-size", "2", "--max-length", "64", "--validation-fraction", "0.25", "--r", "4",
                             "--samples", "0", "--out", str(elsewhere), "--wait", "--json")
    assert code == 0, err  # it followed the run to its end (it used to fail at once: "No run ...")
    summary = json.loads(out[out.index("{"):])
    run_id = summary["id"]
    assert summary["state"] == "completed" and f"Folder: {elsewhere / run_id}" in out
    assert (elsewhere / run_id / "adapter" / "adapter_model.safetensors").exists()

    code, out, _ = run_cli(capsys, "runs", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [run_id]
    code, out, _ = run_cli(capsys, "delete", run_id)
    assert code == 0 and list(elsewhere.iterdir()) == []
    code, out, _ = run_cli(capsys, "runs", "--json")
    assert code == 0 and json.loads(out) == []


def test_data_reports_format_sizes_and_preview(capsys, tiny_model_dir):
    code, out, _ = run_cli(capsys, "data", MESSAGES, "--model", str(tiny_model_dir), "--n", "2", "--json")
    report = json.loads(out)
    assert code == 0 and report["format"] == "messages" and len(report["preview"]) == 2
    assert report["train_tokens"]["answer_tokens"] > 0


def test_data_for_classification_reports_classes(capsys):
    code, out, _ = run_cli(capsys, "data", "sample_data/topics", "--task", "classify", "--n", "2", "--json")
    report = json.loads(out)
    assert code == 0 and len(report["labels"]) == 21 and len(report["preview"]) == 2
    assert sum(report["counts"]["train"].values()) == report["train"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "--r", "0"], "r=0"),
        (["train", "--method", "prompt_tuning", "--alpha", "8"], "--alpha is not a setting of prompt_tuning"),
        (["train", "--method", "full", "--precision", "4bit"], "Full fine-tuning cannot train a 4bit model"),
        (["train", "--learning-rate", "1000"], "learning_rate"),
        (["train", "--max-steps", "-3"], "max_steps cannot be negative"),
        (["train", "--processes", "2", "--strategy", "fsdp"], "fsdp is for full fine-tuning, not lora"),
        (["train", "--data", "no/such/folder"], "does not exist"),
        (["train", "--data", "d" * 5000], "does not exist"),  # longer than a file name may be
        (["experiment", "show", "e" * 5000], "No experiment 'eeee"),
        (["stop", "no-such-run"], "No run"),
        (["eval", "no-such-run"], "No run"),
        (["data", "tests/assets/data/no-such.jsonl"], "tests/assets/data/no-such.jsonl"),
    ],
)
def test_bad_run_input_gets_one_error(capsys, lab_home, argv, message):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err
