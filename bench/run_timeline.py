"""Honest time on a default run: where a run started from the app's form (the default model and data, every field
left as it is) spends its wall time, how close its estimate and its ETA come, and how fast Stop takes effect.

    python bench/run_timeline.py [--steps 30] [--runs 2]

Each run starts through `lab.start_run(lab.plan_run())`, the app's Start, and is watched from outside by polling
`lab.progress` every 0.2 s, as a face would. The first run starts with no step 0 kept, no measured costs and no
speed probe (a new machine), each later one with what the runs before it left. Then one more run is stopped at its third step.
Prints per run: the estimate against the wall time (aim: within 25 %), the ETA read at the first third of the
steps against the time that was really left (aim: within 25 %), the first step's delay after Start (aim: 20 s),
the share of the wall time spent on evaluations, sample answers and the report (aim: at most 25 %), and Stop ->
"stopped" (aim: 10 s). Works on older checkouts too (fields they lack read as missing), so the same script
measures before and after a change.
"""

from __future__ import annotations

import argparse
import shutil
import time

from common import report  # before any lab import: it sets the offline environment


def watch(run_id: str, stop_at_step: int | None = None) -> dict:
    import lab

    seen = {"eta_at_third": None, "first_step": None, "stopped": None, "requested": None}
    while True:
        p = lab.progress(run_id)
        now = time.time()
        if p["step"] >= 1 and seen["first_step"] is None:
            seen["first_step"] = now
        if (p["max_steps"] and p["step"] >= p["max_steps"] / 3 and seen["eta_at_third"] is None
                and p.get("eta_s") is not None):
            seen["eta_at_third"] = (now, p["eta_s"])
        if stop_at_step and p["step"] >= stop_at_step and seen["requested"] is None:
            lab.stop_run(run_id)
            seen["requested"] = now
        if p["state"] == "stopped" and seen["stopped"] is None:
            seen["stopped"] = now
        if p["final"] and not p.get("report_pending") and (p.get("report") or p["state"] == "failed"):
            seen["done"] = now
            return seen
        time.sleep(0.2)


def overhead_seconds(run_id: str) -> float:
    """Evaluations, sample answers and the report: each eval record's time since the record before it, each
    sample's own seconds, and the time from the last record to the report's end."""
    from lab.runs.store import get_run

    run = get_run(run_id)
    events = [e for e in run.events() if e["type"] != "end"]
    total = 0.0
    for before, event in zip(events, events[1:]):
        if event["type"] == "eval" and not event.get("cached"):
            total += event["time"] - before["time"]
        elif event["type"] == "sample":
            total += event.get("seconds", 0.0)
    finished = run.status().get("finished") or events[-1]["time"]
    report_written = (run.path / "eval.json").stat().st_mtime
    return total + max(report_written, finished) - events[-1]["time"]


def one_run(steps: int | None, label: str, stop_at_step: int | None = None) -> None:
    import lab

    plan = lab.plan_run(steps=steps)  # the app's form as it opens (steps None: the method's recipe)
    began = time.time()
    started = lab.start_run(plan)
    seen = watch(started["id"], stop_at_step)
    wall = seen["done"] - began
    details = dict(run=label, model=plan.model, precision=started.get("precision"), steps=plan.max_steps)
    if stop_at_step:
        report("run_timeline", f"{label}: Stop -> stopped", 10.0, seen["stopped"] - seen["requested"], "s", "<= 10 s",
               **details)
        report("run_timeline", f"{label}: Stop -> report written", 10.0, seen["done"] - seen["requested"], "s", "-",
               **details)
        return
    estimated = started["estimate"]["seconds"]
    report("run_timeline", f"{label}: estimate vs wall", wall, estimated, "s", "0.75-1.25x",
           parts=started["estimate"].get("parts"), **details)
    if seen["eta_at_third"]:
        at, eta = seen["eta_at_third"]
        report("run_timeline", f"{label}: ETA at a third vs time left", seen["done"] - at, eta, "s", "0.75-1.25x",
               **details)
    report("run_timeline", f"{label}: first step after Start", 20.0, seen["first_step"] - began, "s", "<= 20 s",
           **details)
    overhead = overhead_seconds(started["id"])
    report("run_timeline", f"{label}: evaluations + samples + report, share of wall", 0.25, overhead / wall, "share",
           "<= 0.25", overhead_s=round(overhead, 1), wall_s=round(wall, 1), **details)


def main() -> None:
    from lab.home import lab_home

    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=None, help="steps per run (default: the method's recipe)")
    parser.add_argument("--runs", type=int, default=2, help="default runs one after another (the first cold)")
    args = parser.parse_args()
    # a new machine: no step 0 kept, no costs measured, and the speed probe taken now, on the quiet machine
    shutil.rmtree(lab_home() / "cache" / "step0", ignore_errors=True)
    shutil.rmtree(lab_home() / "probes", ignore_errors=True)
    for i in range(args.runs):
        one_run(args.steps, "first run (nothing kept)" if i == 0 else f"run {i + 1} (step 0 kept)")
    one_run(args.steps, "a run stopped at step 3", stop_at_step=3)


if __name__ == "__main__":
    main()
