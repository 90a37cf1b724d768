"""An experiment's leaderboard, read from its runs' folders: what each run cost and what it changed, the best
run, and the Pareto front of quality against train time."""

from __future__ import annotations

from lab.metrics.verdict import row_of
from lab.results.report import facts
from lab.runs.experiment import finished, runs_of
from lab.runs.store import Run, read_json


def row(run: Run, entry: dict) -> dict:
    """One run: {run, method, learning_rate, settings, state, trainable_params, train_seconds, peak_memory_bytes,
    loss_before, loss_after, rouge_before, rouge_after, accuracy_before, accuracy_after, prompt, answer, error}."""
    evals, status = run.events("eval"), run.status()
    report = read_json(run.path / "eval.json") or {}
    base, tuned = row_of(report, "base") or {}, row_of(report, run.id) or {}
    sample = (report.get("samples") or [{}])[0]
    known = facts(run)
    trained = len(evals) > 1  # an evaluation after step 0
    return {
        "run": run.id, "method": entry["method"], "learning_rate": entry["learning_rate"],
        "settings": entry.get("settings") or {}, "state": status.get("state"),
        "trainable_params": known["trainable_params"], "train_seconds": known["train_seconds"] or None,
        "peak_memory_bytes": known["peak_memory_bytes"],
        "loss_before": evals[0]["eval_loss"] if evals else None,
        "loss_after": evals[-1]["eval_loss"] if trained else None,
        "rouge_before": base.get("rougeL"), "rouge_after": tuned.get("rougeL"),
        "accuracy_before": evals[0].get("accuracy") if evals else None,
        "accuracy_after": evals[-1].get("accuracy") if trained else None,
        "prompt": sample.get("prompt"), "answer": (sample.get("answers") or {}).get(run.id),
        "error": status.get("error"),
    }


def quality(row: dict, task: str) -> float | None:
    """Higher is better: accuracy for classify, minus the final validation loss for chat."""
    if task == "classify":
        return row["accuracy_after"]
    return None if row["loss_after"] is None else -row["loss_after"]


def pareto_front(rows: list[dict], task: str) -> list[str]:
    """The runs no other run beats on both quality and train time (ties count as not beaten)."""
    scored = [r for r in rows if quality(r, task) is not None and r["train_seconds"]]

    def beaten(r):
        return any(quality(o, task) >= quality(r, task) and o["train_seconds"] <= r["train_seconds"]
                   and (quality(o, task) > quality(r, task) or o["train_seconds"] < r["train_seconds"])
                   for o in scored)

    return [r["run"] for r in sorted(scored, key=lambda r: r["train_seconds"]) if not beaten(r)]


def leaderboard(experiment: dict) -> dict:
    """{id, name, task, model, data, created, finished, rows (grid order), best, front}."""
    entries = {entry["run"]: entry for entry in experiment["runs"]}
    rows = [row(run, entries[run.id]) for run in runs_of(experiment)]
    task = experiment.get("task", "chat")
    scored = [r for r in rows if quality(r, task) is not None]
    best = max(scored, key=lambda r: quality(r, task))["run"] if scored else None
    return {**{k: experiment.get(k) for k in ("id", "name", "task", "model", "data", "created")},
            "finished": finished(experiment), "rows": rows, "best": best, "front": pareto_front(rows, task)}
