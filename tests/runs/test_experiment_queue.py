"""An experiment's queued runs say where they wait (their place in the device's line, the run ahead or the run
holding the device), in every face, without training anything: the runs are made in the store and queued by hand."""

import os

import lab
from lab.models.loading import default_device
from lab.present import experiments as experiments_view
from lab.present.curves import label
from lab.runs.config import TrainConfig
from lab.runs.experiment import experiments_root
from lab.runs.store import create_run, write_json_atomic
from lab.runs.worker import device_turn
from tests.helpers import MESSAGES


def made_run(tiny_model_dir, method, state, since):
    config = TrainConfig(model=str(tiny_model_dir), precision="fp32", method=method, data=MESSAGES, max_steps=2,
                         batch_size=2, learning_rate=1e-3, max_length=64)
    run = create_run(config)
    run.set_status(state, pid=os.getpid(), created=since, queued=since)  # a live pid: as the driver owns them
    return run


def queued_experiment(tiny_model_dir, runs, name="queued"):
    path = experiments_root() / f"20260101-000000-{name}-ab12"
    path.mkdir(parents=True)
    write_json_atomic(path / "experiment.json", {
        "id": path.name, "name": name, "created": 0.0, "task": "chat", "model": str(tiny_model_dir),
        "data": MESSAGES, "runs": [{"run": r.id, "method": r.config["method"], "learning_rate": 1e-3,
                                    "settings": {}} for r in runs]})
    return path.name


def test_queued_rows_say_their_place_in_line_and_what_they_wait_for(tiny_model_dir, lab_home, capsys):
    from apps import handlers
    from lab.cli import main
    from lab.widgets import ExperimentPanel

    holder = made_run(tiny_model_dir, "full", "running", 50.0)  # another run, training when the experiment starts
    first, second, third = (made_run(tiny_model_dir, method, "queued", since)
                            for method, since in (("lora", 100.0), ("prompt_tuning", 200.0), ("ia3", 300.0)))
    experiment_id = queued_experiment(tiny_model_dir, [first, second, third])
    with device_turn(holder, default_device()) as turn:  # as its worker holds the device while it trains
        assert turn
        board = lab.experiment(experiment_id)
        rows = {r["run"]: r for r in board["rows"]}
        assert [(rows[r.id]["queue_position"], rows[r.id]["ahead"]) for r in (first, second, third)] == [
            (1, None), (2, first.id), (3, second.id)]
        assert rows[first.id]["waiting_for"] == {"run": holder.id, "workspace": None}

        text = experiments_view.text(board)
        waiting = f"queued: next in line, waiting for {label(holder.id)} to free the device"
        assert waiting in text
        assert f"queued: 2nd in line, after {label(first.id)}" in text
        assert f"queued: 3rd in line, after {label(second.id)}" in text
        headline = experiments_view.headline(board)
        assert "0 of 3 runs ended; " + waiting in headline and "training" not in headline

        # every face shows it through lab.present.experiments: the app, the panel, `lab experiment show`
        assert "2nd in line" in handlers.experiment(experiment_id)[0]
        panel = ExperimentPanel(str(tiny_model_dir), "fp32", MESSAGES, poll_seconds=0.2)
        panel.chosen.value = experiment_id
        assert "3rd in line" in panel.leaderboard.value and panel.message.value == ""
        assert main(["experiment", "show", experiment_id]) == 0
        assert waiting in capsys.readouterr().out

        first.set_status("running", pid=os.getpid())  # the driver started its first run: the line moves up
        board = lab.experiment(experiment_id)
        assert experiments_view.headline(board).endswith(f"; training {label(first.id)}")
        text = experiments_view.text(board)
        assert f"queued: next in line, waiting for {label(holder.id)}" in text  # the device is still the holder's
        assert f"queued: 2nd in line, after {label(second.id)}" in text
    assert "queued: next in line |" in experiments_view.text(lab.experiment(experiment_id))  # the device is free
    for run in (holder, first, second, third):
        run.set_status("stopped", pid=None)
    board = lab.experiment(experiment_id)
    assert board["finished"] and all(r["queue_position"] is None for r in board["rows"])
    assert "in line" not in experiments_view.text(board)


def test_the_ordinals_read_as_words():
    assert [experiments_view.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 102, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "102nd", "111th"]
