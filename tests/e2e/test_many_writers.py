"""Many writers on one workspace: two app processes (gradio_client), a notebook's panels (in this process) and the
CLI (subprocesses) start, stop, resume, delete and list runs at once, while a run of another workspace waits for
the same device. Afterwards no run is lost or doubled, every record parses, and the runs began training in the
order they joined the queue. Tiny model, a few steps a run, loopback only."""

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

gradio_client = pytest.importorskip("gradio_client")

import lab  # noqa: E402
from lab.runs import get_run  # noqa: E402
from tests.helpers import MESSAGES, wait_for  # noqa: E402

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serves(port: int) -> bool:
    import urllib.request

    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).status == 200
    except OSError:
        return False


def cli(*argv, workspace=None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"LAB_WORKSPACE": str(workspace)} if workspace else {})}
    return subprocess.run([sys.executable, "-m", "lab", *argv], capture_output=True, text=True, env=env, timeout=300)


def begun(run) -> float:
    """When the run's latest worker began training (its last start event)."""
    return run.events("start")[-1]["time"]


def check_records(runs_folder: Path) -> list[str]:
    """Every run folder's records parse (a trailing partial event line aside); no half-created or half-deleted
    folder is left. Returns the run ids found."""
    assert not [p.name for p in runs_folder.iterdir() if p.name.startswith(".") and p.is_dir()]
    ids = []
    for folder in (p for p in runs_folder.iterdir() if p.is_dir()):
        json.loads((folder / "config.json").read_text())
        json.loads((folder / "status.json").read_text())
        events = folder / "events.jsonl"  # none for a run stopped before it trained
        lines = events.read_text().split("\n") if events.exists() else []
        [json.loads(line) for line in lines[:-1]]  # the last piece: "" or a line being written
        ids.append(folder.name)
    return ids


@pytest.fixture
def apps(lab_home, tmp_path, monkeypatch, tiny_model_dir):
    """Two app processes on one workspace (this test's own LAB_WORKSPACE, also the panels' and the CLI's)."""
    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path / "workspace"))
    ports = [free_port(), free_port()]
    served = [subprocess.Popen([sys.executable, "-m", "lab", "app", "--model", str(tiny_model_dir), "--precision",
                                "fp32", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
              for port in ports]
    try:
        for port in ports:
            wait_for(lambda: serves(port), timeout=180)
        yield [gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False) for port in ports]
    finally:
        for app in served:
            app.terminate()
            app.wait()


def test_two_apps_a_notebook_and_the_cli_on_one_workspace(apps, tmp_path, tiny_model_dir):
    from lab.widgets import RunsPanel, TrainPanel

    app_a, app_b = apps
    model = str(tiny_model_dir)
    other_workspace = tmp_path / "other-workspace"

    def app_start(app, steps):
        return app.predict(model, "fp32", "lora", "", "sample_data", None, steps, 1e-3, 2, 64, api_name="/train_start")

    # t0 holds the device, long enough for everything below to queue behind it
    t0 = app_start(app_a, 100_000)
    wait_for(lambda: get_run(t0).events("train"))

    # listers on every face, all the while: none may fail or see a run half-made, half-deleted or damaged
    failures, seen, done = [], set(), threading.Event()
    listing_panel, runs_panel = RunsPanel(), RunsPanel()  # the lister's own: its refresh keeps no one's choice

    def list_all_the_while():
        while not done.is_set():
            try:
                rows = [*(app.predict(api_name="/runs")["data"] for app in apps), listing_panel.refresh()]
                for row in [*rows[0], *rows[1]]:
                    seen.add((row[0], row[1]))
                for summary in rows[2]:
                    seen.add((summary["id"], summary["state"]))
            except Exception as exc:  # noqa: BLE001 - any failure of a listing is the finding
                failures.append(repr(exc))
            done.wait(0.5)  # a person's pace, not a busy loop: the runs need the CPU

    lister = threading.Thread(target=list_all_the_while, daemon=True)
    lister.start()

    # three runs start at once from three faces; a fourth, of another workspace, from the CLI
    started = {}
    panel = TrainPanel(model, "fp32", MESSAGES, poll_seconds=1)
    panel.steps.value = 4
    starts = {
        "app": lambda: app_start(app_b, 4),
        "panel": panel.start,
        "cli": lambda: cli("train", "--model", model, "--precision", "fp32", "--data", MESSAGES, "--max-steps", "4",
                           "--batch-size", "2", "--max-length", "64", "--json").stdout,
        "other": lambda: cli("train", "--model", model, "--precision", "fp32", "--data", MESSAGES, "--max-steps", "4",
                             "--batch-size", "2", "--max-length", "64", "--json", workspace=other_workspace).stdout,
    }
    threads = [threading.Thread(target=lambda f=f, k=k: started.__setitem__(k, f())) for k, f in starts.items()]
    [t.start() for t in threads]
    [t.join() for t in threads]
    started["cli"] = json.loads(started["cli"])["id"]
    started["other"] = json.loads(started["other"])["id"]
    here = [get_run(started[k]) for k in ("app", "panel", "cli")]
    there = get_run(started["other"], other_workspace / "runs")
    queued = sorted([*here, there], key=lambda r: r.status()["queued"])
    wait_for(lambda: all(r.status().get("pid") for r in queued))  # every worker waits in the device's line

    # every face says what a queued run waits for: the holder t0, and its workspace for the other workspace's run
    waits = f"waits for run {t0}"
    assert waits in app_a.predict(here[0].id, api_name="/train_status")[1]
    panel.refresh()
    assert waits in panel.status.value
    assert waits in cli("runs").stdout
    listed_there = cli("runs", workspace=other_workspace).stdout
    assert f"{waits} in workspace {get_run(t0).path.parent}" in listed_there
    assert all(lab.progress(r.id)["state"].startswith("queued #") for r in here)
    assert cli("stop", there.id, workspace=other_workspace).returncode == 0  # it leaves the line untrained
    wait_for(lambda: there.state == "stopped")
    queued.remove(there)

    # the CLI stops t0; the panel resumes it at once (it joins the back of the queue); the queue moves on
    assert cli("stop", t0).returncode == 0
    wait_for(lambda: get_run(t0).state == "stopped")
    runs_panel.chosen.value = t0
    runs_panel.resume()
    wait_for(lambda: all(r.state == "completed" for r in queued), timeout=300)
    wait_for(lambda: get_run(t0).state == "running" and len(get_run(t0).events("start")) == 2)
    app_b.predict(t0, api_name="/train_stop")
    # the queue's order held: the waiting runs began in the order they joined, then the resumed t0 (at the back)
    began = sorted([*queued, get_run(t0)], key=begun)
    assert [r.id for r in began] == [r.id for r in queued] + [t0]

    # deletes from three faces while t0 stops and the listers list
    app_a.predict(here[0].id, True, api_name="/run_delete")
    assert cli("delete", here[2].id).returncode == 0
    runs_panel.chosen.value, runs_panel.confirm.value = here[1].id, True
    runs_panel.delete()
    wait_for(lambda: get_run(t0).state == "stopped")
    done.set()
    lister.join()

    # nothing lost or doubled: the kept runs are listed once, the deleted ones nowhere; every record parses
    assert [r["id"] for r in lab.list_runs()] == [t0]
    assert sorted(check_records(get_run(t0).path.parent)) == [t0]
    assert check_records(there.path.parent) == [there.id]
    assert not failures, failures[:3]
    assert not [s for s in seen if s[1] == "damaged"] and {t0, *(r.id for r in here)} <= {s[0] for s in seen}
