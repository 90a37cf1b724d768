"""Experiments: which method and settings work on this data? A grid of runs queued as one, and its leaderboard."""

from __future__ import annotations

from lab.actions import defaults
from lab.actions.inputs import lines
from lab.actions.train import plan_run
from lab.errors import LabError
from lab.methods import METHODS
from lab.runs.config import TrainConfig

ALL = "all"  # the preset: every method the task offers


def methods_for(task: str) -> list[str]:
    """Every method the task offers, in the registry's order (the preset "compare all methods")."""
    return [name for name, cls in METHODS.items() if task != "classify" or cls.classify]


def rate_factors(text) -> list[float]:
    """Learning rates as multiples of each method's recipe rate: '1' (the recipes), '0.3, 1, 3', or a list."""
    items = lines(text.replace(",", "\n")) if isinstance(text, str) else list(text or [1])
    try:
        factors = [float(item) for item in items] or [1.0]
    except ValueError as exc:
        raise LabError(f"Learning-rate factors must be numbers, not {text!r}.",
                       "Each is a multiple of the method's recipe rate (1 = the recipe).",
                       "Write numbers separated by commas, such as 0.3, 1, 3.") from exc
    if any(f <= 0 for f in factors):
        raise LabError(f"Learning-rate factors must be positive, not {text!r}.", "",
                       "Write numbers such as 0.3, 1, 3.")
    return factors


def plan_experiment(methods=ALL, rates="1", data: str | None = defaults.DATA, model: str | None = None,
                    precision: str = defaults.PRECISION, task: str = defaults.TASK, steps=None,
                    batch_size=defaults.BATCH_SIZE, max_length=defaults.MAX_LENGTH, upload=None,
                    confined: bool = False, columns: str | dict | None = None) -> list[TrainConfig]:
    """The experiment's runs: each method (a list, comma-separated names, or "all") at its recipe for the task,
    once per learning-rate factor, at `precision` where the method trains in it (else auto: qlora takes a 4-bit
    base, full an unquantised one); `steps` empty = each method's recipe steps (the same budget for every method
    when given); `columns` the data's column mapping (plan_run's). Every run is validated here, before anything
    starts."""
    names = methods_for(task) if methods in (ALL, [ALL], None, "") else (
        [m.strip() for m in methods.split(",") if m.strip()] if isinstance(methods, str) else list(methods))
    if not names:
        raise LabError("No method chosen.", "An experiment compares methods.", "Pick one or more methods, or all.")
    configs = []
    for method in dict.fromkeys(names):
        # each method at a precision it trains in: qlora needs a quantised base, full an unquantised one
        own = precision if method not in METHODS or METHODS[method].trains_in(precision) else "auto"
        config = plan_run(model, own, method, "", data, steps, None, batch_size, max_length, task,
                          upload=upload, confined=confined, columns=columns)
        for factor in rate_factors(rates):
            configs.append(TrainConfig.from_dict({**config.to_dict(), "samples": 1,
                                                  "learning_rate": config.learning_rate * factor}))
    return configs


def start_experiment(configs: list[TrainConfig], name: str = "", force: bool = False) -> dict:
    """Queue the runs as one experiment (trained one after another) and return its leaderboard at once."""
    from lab.runs.experiment import start_experiment as start

    return experiment(start(configs, name, force).name)


def experiment(experiment_id: str | None = None) -> dict | None:
    """An experiment's leaderboard, read from disk (docs/ARCHITECTURE.md, "Experiments"); without an id the
    newest experiment; None when there is none. A queued run's row says where it waits (`in_line`)."""
    from lab.results.leaderboard import leaderboard
    from lab.runs.experiment import get_experiment, list_experiments

    if not experiment_id:
        newest = list_experiments()
        return in_line(leaderboard(newest[0])) if newest else None
    return in_line(leaderboard(get_experiment(experiment_id)))


def in_line(board: dict) -> dict:
    """Each row gets its place in the device's line while its run is queued (else None): `queue_position` (1 =
    next, lab.runs.store.queue_position's order), `ahead` (the queued run just before it; None for the next) and
    `waiting_for` (the run holding the device, as lab.progress says it: {run, workspace})."""
    from lab.actions.runs import waiting_for
    from lab.runs.store import queue

    line = queue() if any(r["state"] == "queued" for r in board["rows"]) else []
    places = {run.id: (i, run) for i, run in enumerate(line)}
    for row in board["rows"]:
        i, run = places.get(row["run"], (None, None))
        row.update(queue_position=None if i is None else i + 1, ahead=line[i - 1].id if i else None,
                   waiting_for=waiting_for(run) if run else None)
    return board


def list_experiments() -> list[dict]:
    """Every experiment, newest first: {id, name, created, task, data, runs (how many), finished}."""
    from lab.runs.experiment import finished, list_experiments as listed

    return [{"id": e["id"], "name": e.get("name", ""), "created": e.get("created"), "task": e.get("task"),
             "data": e.get("data"), "runs": len(e["runs"]), "finished": finished(e)} for e in listed()]


def experiment_ids() -> list[str]:
    return [e["id"] for e in list_experiments()]


def stop_experiment(experiment_id: str) -> dict:
    """Ask every queued or training run of the experiment to stop; the driver skips the queued ones."""
    from lab.runs.experiment import get_experiment, runs_of
    from lab.runs.store import ACTIVE

    if not experiment_id:
        raise LabError("No experiment chosen.", "", "Pick an experiment (refresh the list to see new ones).")
    found = get_experiment(experiment_id)
    for run in runs_of(found):
        if run.state in ACTIVE:
            run.request_stop()
    return experiment(found["id"])
