"""`auto` precision: decided once per run, from what this device computes natively, with its reason."""

import pytest

from lab.runs import precision
from lab.runs.config import TrainConfig


@pytest.fixture
def cpu(monkeypatch):
    """A CPU with or without native bf16 (the CPU model changes between machines)."""
    def make(bf16: bool):
        monkeypatch.setattr("lab.models.loading.cpu_has_bf16", lambda: bf16)

    return make


def test_auto_is_bf16_where_the_cpu_has_it_and_fp32_where_it_does_not(cpu, tiny_config):
    cpu(True)
    chosen = precision.resolve(tiny_config(precision="auto"), "cpu")
    assert chosen.precision == "bf16" and "natively" in chosen.precision_reason
    cpu(False)
    chosen = precision.resolve(tiny_config(precision="auto"), "cpu")
    assert chosen.precision == "fp32" and "emulated" in chosen.precision_reason
    assert TrainConfig().precision == "auto"  # the default in every face


def test_methods_decide_where_they_must(cpu, tiny_config):
    cpu(True)
    assert precision.resolve(tiny_config(precision="auto", method="qlora"), "cpu").precision == "4bit"
    full = precision.resolve(tiny_config(precision="auto", method="full"), "cpu")
    assert full.precision == "fp32"  # keeps the small updates bf16 would round away
    explicit = tiny_config(precision="8bit", method="qlora")
    assert precision.resolve(explicit, "cpu") is explicit  # an explicit precision stays


def test_on_a_gpu_auto_quantises_only_when_the_model_would_not_fit(monkeypatch, tiny_config):
    monkeypatch.setattr(precision, "native_precision", lambda device: ("bf16", "this GPU computes bf16"))
    fitting = {"bf16": False, "8bit": False, "4bit": True}

    def fits(config):
        return fitting[config.precision]

    chosen = precision.resolve(tiny_config(precision="auto"), "cuda", fits)
    assert chosen.precision == "4bit" and "bf16 would not fit" in chosen.precision_reason
    fitting["bf16"] = True
    assert precision.resolve(tiny_config(precision="auto"), "cuda", fits).precision == "bf16"


def test_a_run_records_what_auto_chose_and_why(tmp_path, lab_home, tiny_config, cpu):
    from lab.runs.launcher import start_run
    from tests.helpers import wait_for

    cpu(False)  # the worker reads the real CPU; this machine's answer is what both must agree on
    run = start_run(tiny_config(precision="auto", max_steps=2), out=tmp_path / "runs")
    wait_for(lambda: run.events("start"))
    start = run.events("start")[0]
    assert run.config["precision"] == start["precision"] in ("fp32", "bf16")
    assert start["precision_reason"].startswith("auto: ")
    assert run.config["precision_reason"] == start["precision_reason"]


def test_the_estimate_says_what_auto_chose_and_what_4bit_would_do(cpu, tiny_config):
    from lab.present import estimate as estimate_view
    from lab.runs.estimate import estimate

    cpu(False)
    result = estimate(tiny_config(precision="auto")).to_dict()
    assert result["precision"] == "fp32" and result["quantised"]["precision"] == "4bit"
    assert "On a 4-bit base: peak" in estimate_view.text(result) and "Precision:" in estimate_view.html(result)
    full = estimate(tiny_config(precision="auto", method="full")).to_dict()
    assert full["quantised"] is None  # full cannot train a 4-bit base


def test_bf16_training_ends_within_2_percent_of_fp32_on_the_tiny_model(tmp_path, tiny_config):
    """Loss parity of the fast path, quickly (the slow e2e test does it on the real model where bf16 is native)."""
    from lab.runs.store import create_run
    from lab.runs.training import train

    final = {}
    for precision in ("fp32", "bf16"):
        run = create_run(tiny_config(precision=precision, max_steps=6, eval_steps=6, learning_rate=1e-2, samples=0),
                         tmp_path / precision)
        train(run)
        evals = run.events("eval")
        assert evals[-1]["eval_loss"] < evals[0]["eval_loss"]  # it learned something
        final[precision] = evals[-1]["eval_loss"]
    assert final["bf16"] == pytest.approx(final["fp32"], rel=0.02), final
