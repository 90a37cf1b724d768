"""Will it fit? The estimate's counts, the refusal with ranked fixes, and force (fast: nothing trains)."""

import pytest

from lab.errors import LabError
from lab.methods import METHODS
from lab.runs import list_runs, start_run
from lab.runs.estimate import DataShape, check_fits, estimate, parse_bytes, ranked_fixes
from lab.runs.store import pid_alive
from tests.helpers import wait_for


@pytest.fixture(autouse=True)
def fast_probe(lab_home, monkeypatch):
    """A fixed device speed: these tests check counts and decisions, not this machine's timing."""
    monkeypatch.setattr("lab.runs.probe.device_speed", lambda device, precision="fp32": {
        "matmul_flops": 5e10, "layer_step_s": 0.01, "4bit_s_per_param": 1e-9, "8bit_s_per_param": 1e-9})


@pytest.mark.parametrize("method,precision", [("lora", "fp32"), ("qlora", "4bit"), ("prompt_tuning", "fp32"),
                                              ("ia3", "fp32"), ("full", "fp32"), ("head_only", "fp32")])
def test_trainable_and_total_parameters_match_the_loaded_model(tiny_config, method, precision):
    from lab.models import load_model

    config = tiny_config(method=method, precision=precision)
    result = estimate(config)
    model = config.method_config().apply(load_model(config.model, precision).model, precision)
    assert result.trainable_params == sum(p.numel() for p in model.parameters() if p.requires_grad)
    if precision == "fp32":  # bitsandbytes stores two 4-bit weights per element
        assert result.total_params == sum(p.numel() for p in model.parameters())
    assert 0 < result.trainable_share <= 1


def test_memory_parts_follow_the_method_and_precision(tiny_config):
    full, lora, qlora = (estimate(tiny_config(method=m, precision=p))
                         for m, p in [("full", "fp32"), ("lora", "fp32"), ("qlora", "4bit")])
    assert full.memory["optimizer"] == 2 * full.memory["gradients"] == 2 * 4 * full.trainable_params
    assert lora.memory["gradients"] < full.memory["gradients"] / 10
    assert qlora.memory["weights"] < lora.memory["weights"] / 2
    bigger_batch = estimate(tiny_config(method="lora", batch_size=4))
    assert bigger_batch.memory["activations"] > lora.memory["activations"]


def test_gradient_checkpointing_saves_activations_in_a_deep_model(tiny_config, tmp_path):
    from lab.models.tiny import build_tiny_llama

    deep = str(build_tiny_llama(tmp_path, layers=8))
    plain = estimate(tiny_config(model=deep, method="lora", batch_size=4))
    checkpointed = estimate(tiny_config(model=deep, method="lora", batch_size=4, gradient_checkpointing=True))
    assert checkpointed.memory["activations"] < plain.memory["activations"]
    assert checkpointed.seconds > plain.seconds  # the forward pass runs twice


def test_a_run_that_will_not_fit_is_refused_with_ranked_fixes_and_nothing_started(tiny_config, monkeypatch):
    config = tiny_config(method="full", batch_size=4, max_length=64)
    needed = estimate(config)
    monkeypatch.setenv("LAB_MEMORY_LIMIT", str(needed.peak_bytes - needed.memory["activations"] // 2))
    with pytest.raises(LabError) as refused:
        start_run(config)
    assert "it would run out of memory" in refused.value.what
    assert "(1) " in refused.value.fix and "--force" in refused.value.fix
    assert list_runs() == []

    fixes = estimate(config).fixes
    assert fixes and fixes[0].estimate.fits
    fitting = [f for f in fixes if f.estimate.fits]
    assert list(fixes[:len(fitting)]) == fitting  # fixes that fit come first
    assert [f.keeps_result for f in fitting] == sorted((f.keeps_result for f in fitting), reverse=True)
    batch = next(f for f in fixes if "batch_size" in f.changes)
    assert batch.changes["batch_size"] * batch.changes["gradient_accumulation"] == 4  # the same effective batch
    assert {"precision": "4bit", "method": "qlora", "method_params": {}} in [f.changes for f in fixes]


def test_force_starts_a_run_that_would_not_fit(tiny_config, monkeypatch):
    monkeypatch.setenv("LAB_MEMORY_LIMIT", "1MiB")
    config = tiny_config(method="lora", max_steps=1)
    with pytest.raises(LabError):
        check_fits(config)
    run = start_run(config, force=True)
    assert [r.id for r in list_runs()] == [run.id]
    assert run.wait(timeout=120) == "completed"  # the real memory was there
    wait_for(lambda: not pid_alive(run.status()["pid"]))  # its exit would slow the next test's speed probe


def test_fewer_target_modules_is_offered_for_all_linear(tiny_config, monkeypatch):
    monkeypatch.setenv("LAB_MEMORY_LIMIT", "1MiB")
    config = tiny_config(method="lora", method_params={"target_modules": "all-linear"})
    labels = [f.label for f in estimate(config).fixes]
    assert any("target_modules" in label for label in labels)
    assert labels[-1] == "all of these together"  # nothing fits 1 MiB, so every change at once is offered too


def test_memory_limit_sizes():
    assert parse_bytes("2GiB") == 2 * 2**30
    assert parse_bytes("500MB") == 500 * 2**20
    assert parse_bytes("1e9") == 10**9
    with pytest.raises(LabError):
        parse_bytes("lots")


def test_prefix_tuning_refuses_gradient_checkpointing(tiny_config):
    with pytest.raises(LabError, match="prefix_tuning cannot use gradient checkpointing"):
        tiny_config(method="prefix_tuning", gradient_checkpointing=True)


def declare(monkeypatch, method, **facts):
    """Register `method`, for this test only, as a subclass that declares other facts."""
    cls = METHODS[method]
    monkeypatch.setitem(METHODS, method, type(cls.__name__, (cls,), facts))


def test_the_virtual_tokens_counted_are_the_method_classs_answer(tiny_config, monkeypatch):
    config = tiny_config(method="prompt_tuning", method_params={"num_virtual_tokens": 32})
    lengthened = estimate(config).memory["activations"]
    declare(monkeypatch, "prompt_tuning", lengthens_sequence=False)
    assert estimate(config).memory["activations"] < lengthened


def test_the_fixes_offered_are_the_method_classs_answer(tiny_config, monkeypatch):
    class Lower:  # every change lowers the peak and none fits, so every candidate is offered
        def __init__(self, changes):
            self.peak_bytes, self.fits, self.seconds = (1 if changes else 2), False, 1.0

    def offered():
        return [f.changes for f in ranked_fixes(config, DataShape((40,), 0, 0), Lower)]

    config = tiny_config(method="lora", method_params={"target_modules": "q_proj"})
    qlora = {"precision": "4bit", "method": "qlora", "method_params": {}}
    fixes = offered()
    assert {"gradient_checkpointing": True} in fixes and {"precision": "4bit"} in fixes and qlora not in fixes
    assert {"method_params": {"target_modules": None}} in fixes
    declare(monkeypatch, "lora", gradient_checkpointing=False, quantised_base="refused")
    fixes = offered()
    assert {"gradient_checkpointing": True} not in fixes and {"precision": "4bit"} not in fixes and qlora in fixes
