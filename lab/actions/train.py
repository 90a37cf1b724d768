"""Training: a form's values become a validated TrainConfig (data and model resolved once), its estimate, the
run's start, stop and resume, and its progress as a face follows it."""

from __future__ import annotations

import time
from dataclasses import fields

from lab.actions import defaults
from lab.actions.data import data_path
from lab.actions.inputs import column_settings, parse_settings, picked, real, whole
from lab.actions.models import model_name
from lab.actions.runs import waiting_for
from lab.errors import LabError
from lab.methods import METHODS
from lab.runs import TrainConfig, get_run, launcher
from lab.runs.store import FINAL, list_runs, queue_position


def describe_method(method: str, task: str = defaults.TASK) -> dict:
    """A method's one-line summary, its settings with their defaults and help, and its recipe for the task (the
    learning rate, steps and settings a form switches to when the method is chosen)."""
    if method not in METHODS:
        raise LabError(f"Unknown tuning method '{method}'.", "", f"Use one of: {', '.join(METHODS)}.")
    cls = METHODS[method]
    recipe = cls.recipe(task)
    own = {f.name: f.default for f in fields(cls)} | recipe.settings
    return {"name": method, "summary": cls.summary,
            "settings": [{"name": f.name, "default": own[f.name], "help": f.metadata.get("help", "")}
                         for f in fields(cls)],
            "recipe": {"learning_rate": recipe.learning_rate, "steps": recipe.steps,
                       "working_rates": list(recipe.working_rates)}}


def run_form(run_id: str) -> dict:
    """A run's settings as the Train form's values (what a face following the run shows): model, precision,
    method, settings (the method's, its defaults filled in), data, steps, learning_rate, batch_size, max_length,
    task, processes, strategy, report_to, columns ({role: column}, "" where detected)."""
    config = get_run(picked(run_id, "run")).config
    method = config.get("method", defaults.METHOD)
    task = config.get("task", defaults.TASK)
    known = {s["name"]: s["default"] for s in describe_method(method, task)["settings"]} if method in METHODS else {}
    return {"model": config.get("model"), "precision": config.get("precision", defaults.PRECISION), "method": method,
            "settings": {**known, **(config.get("method_params") or {})}, "data": config.get("data"),
            "steps": config.get("max_steps"), "learning_rate": config.get("learning_rate"),
            "batch_size": config.get("batch_size"), "max_length": config.get("max_length"),
            "task": task, "processes": config.get("processes", 1),
            "strategy": config.get("strategy", defaults.STRATEGY),
            "report_to": config.get("report_to", defaults.REPORT_TO),
            "columns": {role: config.get(name) or "" for role, name in TrainConfig.COLUMNS.items()}}


def plan_run(model: str | None = None, precision: str = defaults.PRECISION, method: str = defaults.METHOD,
             settings: str | dict | None = "", data: str | None = defaults.DATA, steps=None, learning_rate=None,
             batch_size=defaults.BATCH_SIZE, max_length=defaults.MAX_LENGTH, task: str = defaults.TASK,
             processes=defaults.PROCESSES, strategy: str = defaults.STRATEGY, upload=None,
             confined: bool = False, report_to: str = defaults.REPORT_TO,
             columns: str | dict | None = None) -> TrainConfig:
    """A form's values as a validated TrainConfig: the data path resolved (and confined), the column mapping
    (`columns`: {role: column} or 'prompt=question,response=answer'; empty: detected), the method's settings
    parsed, steps and learning rate from the method's recipe for the task where left empty (steps 0 too: an
    emptied number field arrives as 0), evaluation and checkpoints twice a run (besides step 0), 20 validation examples
    scored each time (lab.defaults)."""
    recipe = describe_method(method, task)["recipe"]  # an unknown method is refused here, by name
    steps = whole(recipe["steps"] if steps in (None, "", 0) else steps, "steps")
    rate = None if learning_rate in (None, "") else real(learning_rate, "learning rate")
    return TrainConfig(task=task, model=model_name(model, confined), precision=precision, method=method,
                       method_params=parse_settings(settings), data=data_path(data, upload, confined),
                       max_steps=steps, learning_rate=rate,
                       batch_size=whole(batch_size, "batch size"), max_length=whole(max_length, "max length"),
                       eval_steps=defaults.every(steps), save_steps=defaults.every(steps),
                       max_validation_examples=defaults.VALIDATION_EXAMPLES,
                       processes=whole(processes, "processes"), strategy=strategy,
                       report_to="tensorboard" if report_to is True else report_to or "none",
                       **column_settings(columns))


def _config(config: TrainConfig | dict) -> TrainConfig:
    config = TrainConfig.from_dict(config) if isinstance(config, dict) else config
    config.data = data_path(config.data)
    return config


def estimate_run(config: TrainConfig | dict) -> dict:
    """Memory by part, time, and whether it fits (with the ranked fixes when not), before anything loads."""
    from lab.runs.estimate import estimate

    return estimate(_config(config)).to_dict()


def start_run(config: TrainConfig | dict, force: bool = False, out: str | None = None) -> dict:
    """Start a run in its own process and return at once: its summary and estimate. A run estimated not to fit
    is refused with the cheapest fixes unless `force`."""
    from lab.runs.estimate import check_fits, estimate

    config = _config(config)
    result = estimate(config) if force else check_fits(config)
    run = launcher.start_run(config, out=out, force=True)  # checked just above (or forced)
    return {**run.summary(), "estimate": result.to_dict()}


def stop_run(run_id: str) -> dict:
    """Ask a queued or training run to stop; it saves a checkpoint and its adapter first."""
    return launcher.stop_run(picked(run_id, "run to stop")).summary()


def resume_run(run_id: str) -> dict:
    """Continue a stopped, failed or damaged run from its newest whole checkpoint: `checkpoint` its name (None: the
    start), `passed` the newer checkpoints it passed over, each {checkpoint, missing}."""
    run = launcher.resume_run(picked(run_id, "stopped or failed run"))
    checkpoint = run.last_checkpoint()
    return {**run.summary(), "checkpoint": checkpoint.name if checkpoint else None,
            "passed": [{"checkpoint": c.name, "missing": gaps} for c, gaps in run.passed_checkpoints()]}


def latest_active_run() -> str | None:
    """The run a face re-attaches to after a refresh or restart: the newest one still training or waiting."""
    return next((r.id for r in list_runs() if r.state not in FINAL), None)


def latest_run() -> str | None:
    """What the Train tab and panel show when no run is chosen: the newest active run, else the newest run (a
    finished run stays in view until the user starts another)."""
    return latest_active_run() or next((r.id for r in list_runs()), None)


def progress(run_id: str | None = None) -> dict | None:
    """What a face following a run shows: state (with the queue position and the run it waits for), step of max,
    fraction, latest losses, speed, ETA, error and fix, the loss curve, the samples answered so far, the
    before/after report once written, the run's own settings and `data` (its name, split sizes, format). Without
    a run id, latest_run(); None when there is no run."""
    from lab.actions.runs import curve, report
    from lab.data.summary import named

    run_id = run_id or latest_run()
    if not run_id:
        return None
    run = get_run(run_id)
    status = run.status()
    events = run.events()  # read once: a long run's events.jsonl is most of a poll's cost
    train, evals, start = ([e for e in events if e["type"] == kind] for kind in ("train", "eval", "start"))
    max_steps = start[-1]["max_steps"] if start else None
    step = train[-1]["step"] if train else 0
    queued = status["state"] == "queued"
    position = queue_position(run) if queued else None
    series = curve(run, events)
    return {
        "id": run.id,
        "state": f"queued #{position}" if position else status["state"],
        "phase": status.get("phase") if status["state"] not in FINAL else None,
        "waiting_for": waiting_for(run) if queued else None,
        "final": status["state"] in FINAL,
        "step": step,
        "max_steps": max_steps,
        "fraction": step / max_steps if max_steps else 0.0,
        "report_pending": run.report_pending(),  # stopped at once; its report follows
        "eta_s": eta(train[-1]) if train and status["state"] in ("running", "stopping") else None,
        "loss": train[-1]["loss"] if train else None,
        "eval_loss": evals[-1]["eval_loss"] if evals else None,
        "tokens_per_s": train[-1].get("tokens_per_s") if train else None,
        "error": status.get("error"),
        "hint": status.get("hint"),
        "points": [{"step": p["step"], "loss": p["loss"], "series": name}
                   for name in ("train", "validation") for p in series[name]],
        "curve": series,
        "samples": [e for e in events if e["type"] == "sample"],
        "report": report(run),
        "config": run.config,
        "data": run.config.get("data_summary") or named(run.config.get("data")),
    }


def eta(record: dict) -> float | None:
    """The latest train record's ETA (steps, evaluations, answers, checkpoints and the report to come), counted
    down since it was written, so it keeps moving through an evaluation or the report."""
    if record.get("eta_s") is None:
        return None
    return max(0.0, record["eta_s"] - (time.time() - record["time"]))


def wait(run_id: str, timeout: float | None = None) -> str:
    """Block until the run ends (or `timeout` seconds pass); its state."""
    return get_run(picked(run_id, "run")).wait(timeout=timeout)
