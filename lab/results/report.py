"""What every evaluation of runs shares, chat or classify: the examples shown side by side, the run's facts, and
storing the result as the run's eval.json (only an evaluation of one run alone is stored)."""

from __future__ import annotations

import time

from lab.runs.store import Run, write_json_atomic

SAMPLES = 3  # example answers a report keeps


def samples(prompts: list[str], references: list[str], answers: dict[str, list[str]]) -> list[dict]:
    """The first few examples: {prompt, reference, answers: {"base" | run id: text}}."""
    return [{"prompt": p, "reference": r, "answers": {label: texts[i] for label, texts in answers.items()}}
            for i, (p, r) in enumerate(list(zip(prompts, references))[:SAMPLES])]


def train_seconds(run: Run) -> float:
    """Time spent training over every worker of the run: from each `start` event to that worker's last record
    before it ended (the report, written after, is left out; so the value is the same during it and after)."""
    total, began, last = 0.0, None, None
    for event in run.events():
        if event["type"] == "start":
            total += (last - began) if began is not None else 0.0
            began = last = event["time"]
        elif event["type"] != "end" and began is not None:
            last = event["time"]
    return round(total + ((last - began) if began is not None else 0.0), 3)


def facts(run: Run, **known) -> dict:
    """{state, steps, trainable_params, total_params, train_seconds, peak_memory_bytes} from the run's status and
    events; `known` overrides what the worker knows before its records say it (its final state, its peak)."""
    start, train, ends = (run.events("start") or [{}])[-1], run.events("train"), run.events("end")
    return {
        "state": run.status().get("state"),
        "steps": train[-1]["step"] if train else 0,
        "trainable_params": start.get("trainable_params"),
        "total_params": start.get("total_params"),
        "train_seconds": train_seconds(run),
        "peak_memory_bytes": max((e["peak_memory_bytes"] for e in ends if e.get("peak_memory_bytes")), default=None),
        **known,
    }


def finished(result: dict, runs: list[Run], started: float, known_facts: dict | None = None) -> dict:
    """The result with its time; for one run alone, also its facts, stored as that run's eval.json."""
    result = {**result, "seconds": round(time.time() - started, 3)}
    if len(runs) == 1:
        result["facts"] = facts(runs[0], **(known_facts or {}))
        write_json_atomic(runs[0].path / "eval.json", result)
    return result
