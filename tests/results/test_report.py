"""The before/after report the worker writes when a run ends (completed or stopped), and evaluating several runs
in one table. The worker runs in this process (run_worker), on the tiny models."""

import json

import pytest

import lab
from lab.errors import LabError
from lab.present.report import headline
from lab.results import evaluation
from lab.runs.config import TrainConfig
from lab.runs.store import Run, create_run
from lab.runs.training import train
from lab.runs.worker import run_worker
from tests.helpers import MESSAGES

TOPICS = "sample_data/topics"


def chat_config(model, **overrides):
    settings = dict(model=str(model), precision="fp32", data=MESSAGES, max_steps=3, batch_size=2, eval_steps=3,
                    save_steps=3, max_length=64, validation_fraction=0.5, learning_rate=5e-2, report_examples=3,
                    sample_new_tokens=6, samples=0)
    return TrainConfig(**{**settings, **overrides})


def classify_config(model, **overrides):
    settings = dict(task="classify", model=str(model), precision="fp32", method="head_only",
                    method_params={"top_layers": 0}, data=TOPICS, max_steps=2, batch_size=8, max_length=32,
                    learning_rate=5e-2, eval_steps=2, save_steps=2, max_validation_examples=20, report_examples=8,
                    samples=0)
    return TrainConfig(**{**settings, **overrides})


def report_of(run: Run) -> dict:
    return json.loads((run.path / "eval.json").read_text())


def test_a_completed_run_reports_base_vs_tuned_while_its_phase_says_so(tmp_path, lab_home, tiny_model_dir,
                                                                      monkeypatch):
    seen = []
    scored = evaluation.report_from_training  # a LoRA chat run reports from its training's own numbers

    def watched(*args, **kwargs):
        seen.append(runs[0].status())
        return scored(*args, **kwargs)

    monkeypatch.setattr(evaluation, "report_from_training", watched)
    runs = [create_run(chat_config(tiny_model_dir), tmp_path)]
    run = runs[0]
    assert run_worker(run) == "completed"
    assert seen[0]["state"] == "running" and seen[0]["phase"] == "report"
    assert run.status()["state"] == "completed" and run.status()["phase"] is None

    report = report_of(run)
    assert report["run"] == run.id and report["runs"] == [run.id] and report["task"] == "chat"
    assert report["examples"] == 2 and report["max_new_tokens"] == 6 and report["seconds"] >= 0  # all there are
    base, tuned = report["rows"]
    assert base["model"] == "base" and base["changed"] is None and tuned["model"] == run.id
    assert all(row[k] is not None for row in report["rows"] for k in ("loss", "perplexity", "rougeL", "exact_match"))
    assert 0 <= tuned["changed"] <= 1
    assert len(report["samples"]) == 2 and set(report["samples"][0]["answers"]) == {"base", run.id}
    start, end = run.events("start")[-1], run.events("end")[-1]
    assert report["facts"] == {"state": "completed", "steps": 3, "trainable_params": start["trainable_params"],
                               "total_params": start["total_params"], "train_seconds": report["facts"]["train_seconds"],
                               "peak_memory_bytes": report["facts"]["peak_memory_bytes"]}
    assert 0 < report["facts"]["train_seconds"] < end["seconds"] and report["facts"]["peak_memory_bytes"] > 0
    assert end["state"] == "completed" and end["peak_memory_bytes"] >= report["facts"]["peak_memory_bytes"]

    card = (run.adapter_dir / "README.md").read_text()
    assert "## Before and after" in card and headline(report) in card
    assert card.index("## Before and after") < card.index("## Load it")
    summary = run.summary()
    assert summary["verdict"] in ("better", "worse", "same", "mixed") and summary["eval_rougeL"] == tuned["rougeL"]

    again = lab.evaluate(str(run.path), 3, 6)  # a later evaluation of the run alone carries the same facts
    assert again["facts"] == report["facts"] | {"peak_memory_bytes": end["peak_memory_bytes"]}


def test_a_stopped_run_reads_stopped_at_once_and_its_report_follows(tmp_path, lab_home, tiny_model_dir,
                                                                    monkeypatch):
    seen = []
    scored = evaluation.report_from_training

    def watched(*args, **kwargs):
        seen.append((run.status(), lab.progress(str(run.path))))
        return scored(*args, **kwargs)

    monkeypatch.setattr(evaluation, "report_from_training", watched)
    run = create_run(chat_config(tiny_model_dir, max_steps=50, eval_steps=100, save_steps=100), tmp_path)
    run.request_stop()  # seen after the first step: the device is free, so the queue does not look
    assert run_worker(run) == "stopped"
    status, progress = seen[0]
    assert status["state"] == "stopped" and status["report"] == "pending" and status["finished"]
    assert progress["final"] and progress["report_pending"] and progress["report"] == {"pending": True}
    assert "report pending" in headline(progress["report"]).lower()
    assert run.status()["report"] is None and not run.report_pending()
    assert [e["step"] for e in run.events("eval")] == [0, 1]  # scored where it stopped, after the stop
    report = report_of(run)
    assert report["facts"]["state"] == "stopped" and report["facts"]["steps"] == 1
    assert [row["model"] for row in report["rows"]] == ["base", run.id]


def test_a_second_run_on_the_same_base_and_data_reuses_step_0(tmp_path, lab_home, tiny_model_dir):
    first = create_run(chat_config(tiny_model_dir, samples=2), tmp_path)
    assert run_worker(first) == "completed"
    second = create_run(chat_config(tiny_model_dir, samples=2, learning_rate=1e-2), tmp_path)
    assert run_worker(second) == "completed"
    assert not first.events("eval")[0].get("cached")
    step_0 = second.events("eval")[0]
    assert step_0["step"] == 0 and step_0["cached"] and step_0["eval_loss"] == first.events("eval")[0]["eval_loss"]
    assert second.events("sample")[0]["rows"] == first.events("sample")[0]["rows"]
    assert report_of(second)["rows"][0] == report_of(first)["rows"][0]  # the same base, not computed again
    assert [s["answers"]["base"] for s in report_of(second)["samples"]] == \
        [s["answers"]["base"] for s in report_of(first)["samples"]]
    other = create_run(chat_config(tiny_model_dir, samples=2, max_length=48), tmp_path)  # scored differently
    assert run_worker(other) == "completed" and not other.events("eval")[0].get("cached")


def test_report_examples_0_writes_none(tmp_path, lab_home, tiny_model_dir):
    run = create_run(chat_config(tiny_model_dir, report_examples=0), tmp_path)
    assert run_worker(run) == "completed"
    assert not (run.path / "eval.json").exists() and run.summary()["verdict"] is None
    assert run.events("end")[-1]["seconds"] > 0
    assert "## Before and after" not in (run.adapter_dir / "README.md").read_text()


def test_a_failing_report_leaves_the_run_completed(tmp_path, lab_home, tiny_model_dir, monkeypatch, capfd):
    def broken(*args, **kwargs):
        raise RuntimeError("the report broke")

    monkeypatch.setattr(evaluation, "evaluate_runs", broken)
    monkeypatch.setattr(evaluation, "report_from_training", broken)
    run = create_run(chat_config(tiny_model_dir), tmp_path)
    assert run_worker(run) == "completed"
    assert run.state == "completed" and run.status()["error"] is None
    assert report_of(run) == {"run": run.id, "error": "RuntimeError: the report broke"}
    assert "Traceback" in capfd.readouterr().err
    assert run.summary()["verdict"] is None


def test_several_runs_in_one_table_on_the_first_runs_split(tiny_runs):
    chosen = [tiny_runs["lora"], tiny_runs["lora_b"], tiny_runs["prompt_tuning"]]
    stored = {run.id: (run.path / "eval.json").read_bytes() if (run.path / "eval.json").exists() else None
              for run in chosen}
    result = lab.evaluate("\n".join(str(run.path) for run in chosen), 2, 4, split="train")  # one per line
    assert result["runs"] == [run.id for run in chosen] and result["run"] == chosen[0].id
    assert [row["model"] for row in result["rows"]] == ["base", *result["runs"]] and "facts" not in result
    assert list(result["samples"][0]["answers"]) == ["base", *result["runs"]]
    lora = tiny_runs["lora"].id
    alone = lab.evaluate([str(tiny_runs["lora"].path)], 2, 4, split="train")  # mixed with others: the same
    assert [row["loss"] for row in result["rows"][:2]] == pytest.approx([row["loss"] for row in alone["rows"]],
                                                                        rel=1e-4)
    assert result["samples"][0]["answers"][lora] == alone["samples"][0]["answers"][lora]
    for run in chosen[1:]:  # several runs together store nothing
        now = (run.path / "eval.json").read_bytes() if (run.path / "eval.json").exists() else None
        assert now == stored[run.id]


def test_runs_of_different_base_models_or_tasks_are_refused(tmp_path, tiny_runs):
    import shutil

    def altered(name, **changes):
        copy = Run(shutil.copytree(tiny_runs["lora"].path, tmp_path / name))
        (copy.path / "config.json").write_text(json.dumps({**copy.config, **changes}))
        return str(copy.path)

    with pytest.raises(LabError, match="different base models") as refused:
        lab.evaluate([str(tiny_runs["lora"].path), altered("other-model", model="another/model")])
    assert "another/model" in refused.value.why and refused.value.fix
    with pytest.raises(LabError, match="different tasks"):
        lab.evaluate([str(tiny_runs["lora"].path), altered("other-task", task="classify")])


def test_a_classify_run_reports_accuracy_and_several_classify_runs_evaluate_together(tmp_path, lab_home,
                                                                                    tiny_encoder_dir):
    first = create_run(classify_config(tiny_encoder_dir), tmp_path)
    assert run_worker(first) == "completed"
    report = report_of(first)
    assert report["task"] == "classify" and report["examples"] == 8 and report["facts"]["state"] == "completed"
    assert [row["model"] for row in report["rows"]] == ["base", first.id]
    assert all({"accuracy", "f1", "report"} <= set(row) for row in report["rows"])
    assert report["samples"][0]["reference"] in report["rows"][0]["report"]["labels"]
    assert first.summary()["verdict"] in ("better", "worse", "same", "mixed")

    second = create_run(classify_config(tiny_encoder_dir, seed=1, report_examples=0), tmp_path)
    train(second)
    result = lab.evaluate([str(first.path), str(second.path)], 8)
    assert [row["model"] for row in result["rows"]] == ["base", first.id, second.id]
    assert result["rows"][1]["accuracy"] == pytest.approx(report["rows"][1]["accuracy"])
