"""Experiments: a grid of runs queued as one, trained one after another by a driver, read back as a leaderboard."""

import pytest

import lab
from lab.results.leaderboard import pareto_front
from lab.runs.experiment import get_experiment
from lab.runs.store import FINAL, get_run
from tests.helpers import MESSAGES, wait_for


def plan(tiny_model_dir, methods="lora, prompt_tuning, full", **kwargs):
    return lab.plan_experiment(methods, data=MESSAGES, model=str(tiny_model_dir), precision="fp32",
                               **{"steps": 2, "batch_size": 2, "max_length": 64, **kwargs})


def test_an_experiment_trains_its_runs_in_order_and_reads_back_as_a_leaderboard(tiny_model_dir, lab_home):
    board = lab.start_experiment(plan(tiny_model_dir), name="three methods")
    assert [r["method"] for r in board["rows"]] == ["lora", "prompt_tuning", "full"]
    assert board["id"].split("-")[2:4] == ["three", "methods"] and not board["finished"]
    wait_for(lambda: lab.experiment(board["id"])["finished"], timeout=300, interval=1)

    board = lab.experiment()  # the newest, read from disk: what a restarted app shows
    runs = [get_run(r["run"]) for r in board["rows"]]
    started = [run.events("start")[0]["time"] for run in runs]
    ended = [run.events("end")[0]["time"] for run in runs]
    assert all(ended[i] <= started[i + 1] for i in range(2))  # one after another, in the grid's order
    for row in board["rows"]:
        assert row["state"] == "completed", row
        assert row["loss_before"] > 0 and row["loss_after"] > 0 and row["train_seconds"] > 0
        assert row["trainable_params"] > 0 and row["peak_memory_bytes"] > 0
        assert row["rouge_before"] is not None and row["answer"] is not None
    assert board["best"] == min(board["rows"], key=lambda r: r["loss_after"])["run"]
    assert board["best"] in board["front"]
    table = lab.present.experiments.markdown(board)
    assert "★" in table and "prompt_tuning" in table
    assert len(lab.present.experiments.figure(board).data) >= 3  # a point per method (and the front)
    assert [e["id"] for e in lab.list_experiments()] == [board["id"]]


def test_stopping_an_experiment_skips_its_queued_runs(tiny_model_dir, lab_home):
    board = lab.start_experiment(plan(tiny_model_dir, "lora", rates="0.5, 1, 2", steps=40))
    first = get_run(board["rows"][0]["run"])
    wait_for(lambda: first.events("train"), timeout=120)
    lab.stop_experiment(board["id"][-4:])
    wait_for(lambda: lab.experiment(board["id"])["finished"], timeout=120, interval=1)
    states = [get_run(r["run"]).status() for r in board["rows"]]
    assert [s["state"] for s in states] == ["stopped"] * 3
    assert [s.get("hint") for s in states[1:]] == ["Stopped while queued."] * 2
    assert not get_run(board["rows"][1]["run"]).events()  # it never started


def test_a_bad_run_in_the_grid_fails_the_experiment_before_anything_starts(tiny_model_dir, lab_home):
    with pytest.raises(lab.LabError, match="Unknown tuning method"):
        plan(tiny_model_dir, "lora, nonsense")
    with pytest.raises(lab.LabError, match="factors must be numbers"):
        plan(tiny_model_dir, rates="1, fast")
    with pytest.raises(lab.LabError, match="No experiment 'nope'"):
        lab.experiment("nope")
    assert lab.list_experiments() == [] and lab.experiment() is None


def test_all_means_every_method_the_task_offers_each_at_its_recipe(tiny_model_dir, tiny_encoder_dir, lab_home):
    chat = plan(tiny_model_dir, "all", steps=None)
    assert [c.method for c in chat] == list(lab.METHODS)
    for config in chat:
        recipe = lab.METHODS[config.method].recipe("chat")
        assert (config.learning_rate, config.max_steps) == (recipe.learning_rate, recipe.steps)
    classify = lab.plan_experiment("all", data="sample_data/topics", model=str(tiny_encoder_dir),
                                   task="classify", precision="fp32")
    assert "prefix_tuning" not in [c.method for c in classify]
    assert {c.method: c.learning_rate for c in classify}["head_only"] == lab.METHODS["head_only"].recipe(
        "classify").learning_rate


def test_the_pareto_front_keeps_the_runs_nothing_beats_on_both_quality_and_time():
    def row(run, seconds, loss):
        return {"run": run, "train_seconds": seconds, "loss_after": loss}

    rows = [row("fast-poor", 10, 2.0), row("slow-good", 50, 1.0), row("beaten", 60, 1.5), row("mid", 30, 1.2),
            row("unfinished", 5, None)]
    assert pareto_front(rows, "chat") == ["fast-poor", "mid", "slow-good"]


def test_the_experiment_folder_records_the_grid(tiny_model_dir, lab_home):
    board = lab.start_experiment(plan(tiny_model_dir, "lora", rates="1, 2"))
    record = get_experiment(board["id"])
    assert [(e["method"], e["learning_rate"]) for e in record["runs"]] == [("lora", 3e-3), ("lora", 6e-3)]
    assert record["task"] == "chat" and record["data"].endswith("messages.jsonl")
    lab.stop_experiment(board["id"])
    wait_for(lambda: all(get_run(e["run"]).state in FINAL for e in record["runs"]), timeout=120)
