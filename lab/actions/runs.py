"""The run store as faces see it: every run's summary, one run's details, deleting (with confirmation), and a
run's result as a zip or an export."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from lab.actions.inputs import chosen, picked
from lab.errors import LabError
from lab.runs import store


def _public(summary: dict) -> dict:
    """A summary without the server's folder: faces a remote visitor sees name runs by id only."""
    return {k: v for k, v in summary.items() if k != "path"}


def list_runs(task: str | None = None, finished: bool = False) -> list[dict]:
    """Every run newest first (a damaged one too, with what is wrong and what to do), with its queue position and
    the run it waits for while it waits; only `task`'s runs (chat or classify) when given, only runs with a saved
    result when `finished`."""
    rows = []
    for run in store.list_runs():
        if task not in (None, run.config.get("task", "chat")):
            continue
        if finished and not (run.adapter_dir / "README.md").exists():
            continue
        summary = run.summary()
        queued = summary["state"] == "queued"
        rows.append({**summary, "queue_position": store.queue_position(run) if queued else None,
                     "waiting_for": waiting_for(run) if queued else None})
    return rows


def waiting_for(run: store.Run) -> dict | None:
    """The run that holds the device a queued run waits for: {run, workspace} (workspace None when it is the
    queued run's own)."""
    from lab.models.loading import default_device
    from lab.runs.worker import device_holder

    holder = device_holder(default_device())
    if not holder or holder["run"] == run.id:
        return None
    runs_folder = Path(holder["path"]).parent
    return {"run": holder["run"], "workspace": None if runs_folder == run.path.parent else str(runs_folder)}


def run_ids(task: str | None = None, finished: bool = False) -> list[str]:
    """The ids a face offers in a run picker."""
    return [r["id"] for r in list_runs(task, finished)]


def run_details(run_id: str) -> dict:
    """A run's status, settings, summary and before/after report, as every face shows them (the folder by its id:
    no server path), and whether its data is still what it trained on (`data`: lab.data.fingerprint.data_state)."""
    from lab.data.fingerprint import data_state

    run = store.get_run(picked(run_id, "run"))
    return {"status": run.status(), "config": run.config, "summary": _public(run.summary()), "folder": run.id,
            "report": report(run), "data": data_state(run.config.get("data"), run.config.get("data_sha256"))}


def curve(run: store.Run, events: list[dict] | None = None) -> dict:
    """A run's loss curve: {id, train: [{step, examples, loss}], validation: [{step, examples, loss}]}, where
    `examples` counts the training examples seen by that step (over every process). `events`: the run's events
    when the caller has read them already (a long run's file is the cost of a poll)."""
    events = run.events() if events is None else events
    config, start = run.config, next((e for e in reversed(events) if e["type"] == "start"), {})
    per_step = config.get("batch_size", 1) * config.get("gradient_accumulation", 1) * start.get("world_size", 1)
    return {
        "id": run.id,
        "train": [{"step": e["step"], "examples": e["step"] * per_step, "loss": e["loss"]}
                  for e in events if e["type"] == "train"],
        "validation": [{"step": e["step"], "examples": e["step"] * per_step, "loss": e["eval_loss"]}
                       for e in events if e["type"] == "eval"],
    }


def curves(run_ids) -> list[dict]:
    """The loss curves of the chosen runs (ids, or one per line), finished or not, to draw in one chart."""
    return [curve(store.get_run(run_id)) for run_id in chosen(run_ids, "run")]


def report(run: store.Run) -> dict | None:
    """The run's eval.json (its before/after report, or the latest evaluation of it alone); {"pending": True} while
    a stopped run's worker writes it; None before one."""
    found = store.read_json(run.path / "eval.json")
    return {"pending": True} if found is None and run.report_pending() else found


def delete_run(run_id: str, confirmed: bool = False) -> str:
    """Delete a finished run's folder; a face must have asked the user first (`confirmed`)."""
    run_id = picked(run_id, "run to delete")
    if not confirmed:
        raise LabError("Deletion needs confirmation.", "A deleted run cannot be restored.",
                       "Tick 'Yes, delete it' and press Delete again.")
    store.delete_run(run_id)
    return run_id


def download_run(run_id: str) -> str:
    """The run's result (adapter or whole model, tokenizer, model card) as a zip in a new temporary folder."""
    from lab.results.adapters import check_result

    run = store.get_run(picked(run_id))
    check_result(run)
    folder = Path(tempfile.mkdtemp(prefix="lab-download-"))
    return shutil.make_archive(str(folder / f"{run.id}-adapter"), "zip", run.adapter_dir)


def export_run(run_id: str, out: str, merge: bool = False) -> dict:
    """Copy the result to `out`, or merge LoRA/IA3 into an fp32 copy of the base (a plain model):
    {path, size (bytes), warnings}."""
    from lab.models.registry import folder_size
    from lab.results.export import export_run as export, export_warnings

    run = store.get_run(picked(run_id))
    path = export(run.path, out, merge=merge)
    return {"path": str(path), "size": folder_size(path), "warnings": export_warnings(run, merge)}


def download_merged(run_id: str) -> dict:
    """The run's LoRA/IA3 merged into an fp32 copy of its base, as a zip in a new temporary folder (loading the
    base and merging take a while): {path, size (of the zip, bytes), warnings}."""
    run = store.get_run(picked(run_id))
    folder = Path(tempfile.mkdtemp(prefix="lab-download-"))
    try:
        merged = export_run(str(run.path), str(folder / f"{run.id}-merged"), merge=True)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    archive = shutil.make_archive(merged["path"], "zip", merged["path"])
    shutil.rmtree(merged["path"])  # the zip is the download
    return {"path": archive, "size": Path(archive).stat().st_size, "warnings": merged["warnings"]}
