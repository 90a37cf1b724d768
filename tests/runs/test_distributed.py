"""One run on several processes (torchrun, gloo on this CPU): the same run folder, the same losses, stop, resume,
kill -9, FSDP under an outside launcher, and the settings refused before anything starts."""

import fcntl
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lab.errors import LabError
from lab.runs import TrainConfig, resume_run, start_run, stop_run
from lab.runs.distributed import worker_command
from tests.helpers import assert_loads_with_plain_peft, wait_for

WORDS = "the cat sat on a mat while dogs ran far away from home and fish swam".split()


@pytest.fixture
def chat_data(tmp_path):
    """20 conversations of varied length: 16 to train on (4 global batches of 4), 4 to validate."""
    import random

    rng = random.Random(0)
    path = tmp_path / "chat.jsonl"
    with open(path, "w") as f:
        for _ in range(20):
            question = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
            answer = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 10)))
            f.write(json.dumps({"messages": [{"role": "user", "content": question},
                                             {"role": "assistant", "content": answer}]}) + "\n")
    return str(path)


def files_of(run) -> list[str]:
    """The run folder's files, with each rank's RNG state (rng_state_<rank>.pth, or rng_state.pth alone) as one."""
    names = {str(p.relative_to(run.path)) for p in run.path.rglob("*") if p.is_file()}
    return sorted({n.rsplit("/", 1)[0] + "/rng_state*" if "/rng_state" in n else n for n in names})


def processes_of(run) -> list[int]:
    """Live processes (torchrun and its ranks) whose command line names this run folder."""
    from lab.runs.store import pid_alive

    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(run.path).encode() in cmdline.read_bytes():
                pids.append(int(cmdline.parent.name))
        except OSError:  # the process ended while we looked
            continue
    return [pid for pid in pids if pid_alive(pid)]


def test_two_processes_train_like_one_with_twice_the_batch(tmp_path, lab_home, tiny_config, tiny_model_dir, chat_data):
    settings = dict(data=chat_data, max_steps=6, eval_steps=3, save_steps=3, validation_fraction=0.2,
                    method_params={"dropout": 0.0})  # no dropout: the ranks' own random streams would differ
    lock_path = lab_home / "locks" / "cpu.lock"
    lock_path.parent.mkdir(parents=True)
    with open(lock_path, "w") as lock:  # another run holds the device: both wait, rank 0 heartbeating its ranks
        fcntl.flock(lock, fcntl.LOCK_EX)
        one = start_run(tiny_config(batch_size=4, **settings), out=tmp_path / "runs")
        two = start_run(tiny_config(batch_size=2, processes=2, **settings), out=tmp_path / "runs")
        dropped = start_run(tiny_config(processes=2, max_steps=2), out=tmp_path / "runs")
        wait_for(lambda: all(r.status().get("pid") for r in (one, two, dropped)))
        assert two.state == "queued" and not two.events()
        stop_run(dropped.path)  # rank 0 stops while queued and tells its other rank, which exits too
        wait_for(lambda: dropped.state == "stopped" and not processes_of(dropped), timeout=60)
        assert dropped.status()["hint"] == "Stopped while queued." and not dropped.events()
        fcntl.flock(lock, fcntl.LOCK_UN)
    wait_for(lambda: one.state in ("completed", "failed") and two.state in ("completed", "failed"))
    assert one.state == two.state == "completed", (one.status(), (two.path / "worker.log").read_text()[-3000:])

    assert [e["world_size"] for e in two.events("start")] == [2]
    assert [e["world_size"] for e in one.events("start")] == [1]
    assert files_of(two) == files_of(one)
    assert [e["type"] for e in two.events()] == [e["type"] for e in one.events()]
    # Same examples per step, fp32: only the order of the gradient sums differs (about 1e-7 relative per step),
    # while one step of learning moves the loss by 1e-3 to 1e-2, so 1e-5 would catch a changed batch.
    losses = [(a["loss"], b["loss"]) for a, b in zip(one.events("train"), two.events("train"), strict=True)]
    assert all(b == pytest.approx(a, rel=1e-5) for a, b in losses), losses
    evals = [(a["eval_loss"], b["eval_loss"]) for a, b in zip(one.events("eval"), two.events("eval"), strict=True)]
    assert all(b == pytest.approx(a, rel=1e-5) for a, b in evals), evals

    assert_loads_with_plain_peft(tiny_model_dir, two.adapter_dir, tmp_path)


def test_stop_resume_and_kill_9_of_a_two_process_run(tmp_path, lab_home, tiny_config, chat_data):
    run = start_run(tiny_config(data=chat_data, processes=2, max_steps=20_000, save_steps=5, eval_steps=1000),
                    out=tmp_path / "runs")
    wait_for(lambda: run.events("train"))
    stop_run(run.path)
    wait_for(lambda: run.state in ("stopped", "failed"))  # every rank stopped at the same step, or they would hang
    assert run.state == "stopped", (run.path / "worker.log").read_text()[-3000:]
    stopped_at = run.events("train")[-1]["step"]
    assert run.last_checkpoint().name == f"checkpoint-{stopped_at}"
    assert (run.adapter_dir / "adapter_model.safetensors").exists()
    wait_for(lambda: not processes_of(run), timeout=30)

    resume_run(run.path)
    wait_for(lambda: run.last_checkpoint().name != f"checkpoint-{stopped_at}")  # resumed and trained on
    assert run.events("start")[-1]["step"] == stopped_at and run.events("start")[-1]["world_size"] == 2
    os.kill(run.status()["pid"], signal.SIGKILL)  # rank 0
    wait_for(lambda: run.state == "failed", timeout=10)
    assert "lab resume" in run.status()["hint"]
    wait_for(lambda: not processes_of(run), timeout=60)  # torchrun ended the other rank, then itself


def test_fsdp_full_fine_tuning_under_an_outside_torchrun(tmp_path, lab_home, tiny_model_dir, chat_data):
    config = tmp_path / "run.json"
    config.write_text(json.dumps(dict(model=str(tiny_model_dir), data=chat_data, method="full", learning_rate=1e-4,
                                      processes=2, strategy="fsdp", max_steps=2, batch_size=2, eval_steps=2,
                                      save_steps=2, max_length=64, validation_fraction=0.2)))
    launched = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                               "-m", "lab.train", str(config), "--out", str(tmp_path / "runs")],
                              capture_output=True, text=True, timeout=300)
    assert launched.returncode == 0, launched.stderr[-3000:]
    runs = list((tmp_path / "runs").iterdir())
    assert len(runs) == 1  # rank 0 created the folder and told the other rank its path
    events = [json.loads(line) for line in (runs[0] / "events.jsonl").read_text().splitlines()]
    assert events[0]["world_size"] == 2 and events[-1] == {**events[-1], "type": "end", "state": "completed"}
    adapter = runs[0] / "adapter"
    assert (adapter / "model.safetensors").exists() and not (adapter / "training_args.bin").exists()
    script = f"from transformers import AutoModelForCausalLM; AutoModelForCausalLM.from_pretrained({str(adapter)!r})"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr


@pytest.mark.parametrize("settings, message", [
    (dict(processes=0), "processes must be at least 1"),
    (dict(strategy="zero3"), "Unknown strategy 'zero3'"),
    (dict(strategy="fsdp", processes=2), "fsdp is for full fine-tuning, not lora"),
    (dict(strategy="fsdp", processes=2, method="full", precision="4bit"), "fsdp cannot shard a 4bit model"),
    (dict(strategy="fsdp", method="full"), "fsdp needs at least 2 processes"),
    (dict(processes=3), r"processes 3 is more than this machine's 2 GPU\(s\)"),
])
def test_settings_refused_before_anything_starts(tiny_config, monkeypatch, settings, message):
    monkeypatch.setattr("lab.runs.distributed.gpu_count", lambda: 2)  # as if on a machine with 2 GPUs
    with pytest.raises(LabError, match=message):
        tiny_config(**settings)


def test_an_older_run_config_without_processes_loads_as_one_process(tiny_config):
    saved = tiny_config().to_dict()
    del saved["processes"], saved["strategy"]
    config = TrainConfig.from_dict(saved)
    assert (config.processes, config.strategy) == (1, "ddp")


def test_a_rank_that_died_is_named_in_the_failure(monkeypatch):
    from lab.runs.worker import failure_fields

    monkeypatch.setenv("WORLD_SIZE", "2")
    lost = RuntimeError("[gloo/transport/tcp/pair.cc:537] Read error [127.0.0.1]:45450: Connection reset by peer.")
    assert failure_fields(lost)["error"].startswith("Another process of this run ended")


def test_worker_command_uses_torchrun_for_several_processes(tmp_path):
    assert worker_command(tmp_path, False, 1) == [sys.executable, "-m", "lab.train", "--run-dir", str(tmp_path)]
    command = worker_command(tmp_path, True, 2)
    assert command[:5] == [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    assert command[5:] == ["-m", "lab.train", "--run-dir", str(tmp_path), "--resume"]
