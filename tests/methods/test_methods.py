"""Every method on the tiny model: train a few steps, save, reload with plain peft/transformers, same outputs."""

import pytest
import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM

from lab.errors import LabError
from lab.methods import METHODS, build_method
from lab.runs.config import TrainConfig
from lab.runs.store import create_run
from lab.runs.training import train
from tests.helpers import MESSAGES


def precision_for(method: str) -> str:
    """The base each method trains on here: a quantised one only where the method requires it."""
    return "4bit" if METHODS[method].quantised_base == "required" else "fp32"


def trained_run(tmp_path, tiny_model_dir, method, **params):
    config = TrainConfig(model=str(tiny_model_dir), precision=precision_for(method), method=method,
                         method_params=params, data=MESSAGES, max_steps=2, batch_size=2, learning_rate=1e-2,
                         eval_steps=2, save_steps=2, max_length=64, validation_fraction=0.25)
    run = create_run(config, tmp_path / "runs")
    state, model = train(run)
    assert state == "completed"
    return run, model


@pytest.mark.parametrize("method", list(METHODS))
def test_train_save_reload_gives_the_same_outputs(tmp_path, tiny_model_dir, method):
    run, model = trained_run(tmp_path, tiny_model_dir, method)
    inputs = {"input_ids": torch.tensor([[5, 17, 42, 99, 7]])}
    model.eval()
    uses_peft = METHODS[method].uses_peft
    assert (run.adapter_dir / "adapter_config.json").exists() == uses_peft  # saved as declared
    assert (run.adapter_dir / "config.json").exists() != uses_peft
    with torch.no_grad():
        expected = model(**inputs).logits
        if uses_peft:
            base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
            before = base(**inputs).logits
            reloaded = PeftModel.from_pretrained(base, run.adapter_dir)
        else:
            before = AutoModelForCausalLM.from_pretrained(tiny_model_dir)(**inputs).logits
            reloaded = AutoModelForCausalLM.from_pretrained(run.adapter_dir)
        actual = reloaded.eval()(**inputs).logits
    if precision_for(method) == "fp32":  # a 4-bit base dequantises differently from the fp32 one reloaded here
        torch.testing.assert_close(actual, expected, atol=1e-4, rtol=1e-4)
    assert not torch.allclose(actual[:, -1], before[:, -1], atol=1e-6), "training changed nothing"
    events = {e["type"] for e in run.events()}
    assert {"start", "train", "eval"} <= events
    assert (run.adapter_dir / "README.md").read_text().count(method) >= 1


def test_trainable_parameter_counts_follow_the_method(tmp_path, tiny_model_dir):
    counts = {m: trained_run(tmp_path / m, tiny_model_dir, m)[0].events("start")[0]["trainable_params"]
              for m in ("ia3", "prompt_tuning", "lora", "head_only", "full")}
    assert counts["ia3"] < counts["lora"] < counts["head_only"] < counts["full"]
    assert counts["prompt_tuning"] == 16 * 64  # virtual tokens x hidden size


@pytest.mark.parametrize(
    "method, params, message",
    [
        ("lora", {"r": 0}, "r=0"),
        ("lora", {"dropout": 1.5}, "dropout"),
        ("lora", {"rank": 8}, "no setting rank"),
        ("prompt_tuning", {"init": "zeros"}, "init"),
        ("head_only", {"top_layers": -1}, "top_layers"),
        ("dora", {}, "Unknown tuning method"),
    ],
)
def test_bad_method_settings_fail_fast(method, params, message):
    with pytest.raises(LabError, match=message):
        build_method(method, params)


def test_wrong_target_module_lists_the_real_names(tiny_model_dir):
    from lab.models import load_model

    model = load_model(str(tiny_model_dir)).model
    with pytest.raises(LabError) as err:
        build_method("lora", {"target_modules": "query,value"}).apply(model, "fp32")
    assert "q_proj" in err.value.why and "query" in err.value.what


# -- what each method declares it can do, against what it does on the tiny model ---------------------------------

IDS = torch.tensor([[5, 17, 42, 99, 7]])


def applied(tiny_model_dir, method, precision="fp32", labels=None):
    """The method applied to a fresh tiny model (qlora's adapters go on an fp32 base here unless told)."""
    from lab.models import load_model

    torch.manual_seed(0)
    return build_method(method, {}).apply(load_model(str(tiny_model_dir), precision, labels=labels).model, precision)


def trains(model, **inputs) -> bool:
    """One backward pass reaches every trainable parameter."""
    model.train()
    model(**inputs).loss.backward()
    return all(p.grad is not None for p in model.parameters() if p.requires_grad)


@pytest.mark.parametrize("method", list(METHODS))
def test_the_result_merge_and_sequence_length_are_as_declared(tiny_model_dir, method):
    cls, settings = METHODS[method], build_method(method, {})
    model = applied(tiny_model_dir, method).eval()
    assert isinstance(model, PeftModel) == cls.uses_peft
    with torch.no_grad():
        for p in model.parameters():  # adapters start as the identity: move them, so that a merge carries something
            if p.requires_grad:
                p.add_(0.1 * torch.randn_like(p))
        logits = model(input_ids=IDS).logits
        assert logits.shape[1] == IDS.shape[1] + (settings.num_virtual_tokens if cls.lengthens_sequence else 0)
        if cls.mergeable:
            merged = model.merge_and_unload()
            assert not isinstance(merged, PeftModel)
            torch.testing.assert_close(merged(input_ids=IDS).logits, logits, atol=1e-5, rtol=1e-5)
        else:  # virtual tokens (or a whole model) have no weights to merge into
            with pytest.raises(AttributeError, match="merge_and_unload"):
                model.merge_and_unload()


@pytest.mark.parametrize("method", list(METHODS))
def test_a_quantised_base_is_trained_refused_or_required_as_declared(tiny_model_dir, method):
    quantised_base = METHODS[method].quantised_base
    assert quantised_base in ("optional", "refused", "required")
    for precision in ("fp32", "8bit", "4bit"):
        if quantised_base == "refused" and precision != "fp32":
            with pytest.raises(LabError, match=f"cannot train a {precision} model"):
                TrainConfig(method=method, precision=precision)
        elif quantised_base == "required" and precision == "fp32":
            with pytest.raises(LabError, match="needs a quantised base, not fp32"):
                TrainConfig(method=method, precision=precision)
        else:
            TrainConfig(method=method, precision=precision)
    if quantised_base == "refused":
        with pytest.raises(RuntimeError, match="floating point"):  # packed integer weights take no gradient
            applied(tiny_model_dir, method, "4bit")
    else:
        assert trains(applied(tiny_model_dir, method, "4bit"), input_ids=IDS, labels=IDS)


@pytest.mark.parametrize("method", list(METHODS))
def test_gradient_checkpointing_is_offered_as_declared(tiny_model_dir, method):
    precision = precision_for(method)
    model = applied(tiny_model_dir, method)
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if METHODS[method].gradient_checkpointing:
        TrainConfig(method=method, precision=precision, gradient_checkpointing=True)
        assert trains(model, input_ids=IDS, labels=IDS)
    else:
        with pytest.raises(LabError, match=f"{method} cannot use gradient checkpointing"):
            TrainConfig(method=method, precision=precision, gradient_checkpointing=True)
        with pytest.raises(RuntimeError):  # the cached virtual keys and values miss the recomputed layers
            trains(model, input_ids=IDS, labels=IDS)


@pytest.mark.parametrize("method", list(METHODS))
def test_classify_is_offered_as_declared(tiny_model_dir, method):
    precision = precision_for(method)
    if not METHODS[method].classify:
        with pytest.raises(LabError, match=f"{method} is not offered for classification"):
            TrainConfig(task="classify", method=method, precision=precision)
        return
    TrainConfig(task="classify", method=method, precision=precision)
    model = applied(tiny_model_dir, method, labels=["no", "yes"])
    assert model(input_ids=IDS).logits.shape == (1, 2)
    assert trains(model, input_ids=IDS, labels=torch.tensor([1]))


@pytest.mark.parametrize("method", list(METHODS))
def test_fsdp_is_offered_as_declared(method):
    settings = dict(method=method, strategy="fsdp", processes=2)
    if METHODS[method].fsdp:
        TrainConfig(**settings)
    else:
        with pytest.raises(LabError, match=f"fsdp is for full fine-tuning, not {method}"):
            TrainConfig(**settings)


# -- the code that depends on a method asks its class ---------------------------------------------------------------

def declare(monkeypatch, method, **facts):
    """Register `method`, for this test only, as a subclass that declares other facts."""
    cls = METHODS[method]
    monkeypatch.setitem(METHODS, method, type(cls.__name__, (cls,), facts))


def test_train_config_takes_its_answers_from_the_method_class(monkeypatch):
    declare(monkeypatch, "lora", classify=False, gradient_checkpointing=False, quantised_base="refused", fsdp=True)
    with pytest.raises(LabError, match="lora is not offered for classification"):
        TrainConfig(task="classify", method="lora")
    with pytest.raises(LabError, match="lora cannot use gradient checkpointing"):
        TrainConfig(method="lora", gradient_checkpointing=True)
    with pytest.raises(LabError, match="LoRA cannot train a 4bit model"):
        TrainConfig(method="lora", precision="4bit")
    TrainConfig(method="lora", strategy="fsdp", processes=2)
    declare(monkeypatch, "prefix_tuning", classify=True, gradient_checkpointing=True)
    TrainConfig(task="classify", method="prefix_tuning", gradient_checkpointing=True)
    declare(monkeypatch, "qlora", quantised_base="optional")
    TrainConfig(method="qlora", precision="fp32")


def test_export_asks_the_method_class_whether_it_merges(tiny_runs, tmp_path, monkeypatch):
    from lab.results.export import export_run

    declare(monkeypatch, "lora", mergeable=False)
    with pytest.raises(LabError, match="A LORA adapter cannot be merged into the weights"):
        export_run(tiny_runs["lora"].path, tmp_path / "merged", merge=True)
    assert not (tmp_path / "merged").exists()


def test_a_4bit_model_still_trains_after_an_evaluation(tiny_model_dir):
    """The step-0 evaluation (eval mode, no grad) must not leave bitsandbytes' CPU inference layout behind."""
    from lab.models import load_model

    model = build_method("qlora", {}).apply(load_model(str(tiny_model_dir), "4bit").model, "4bit")
    inputs = torch.tensor([[5, 17, 42, 99, 7]])
    model.eval()
    with torch.no_grad():
        model(input_ids=inputs)
    model.train()
    model(input_ids=inputs, labels=inputs).loss.backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert grads and all(g is not None for g in grads) and any(g.abs().sum() > 0 for g in grads)
