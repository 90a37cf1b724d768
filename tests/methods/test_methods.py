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

ASSETS = "tests/assets/data/messages.jsonl"
PRECISION = {"qlora": "4bit"}


def trained_run(tmp_path, tiny_model_dir, method, **params):
    config = TrainConfig(model=str(tiny_model_dir), precision=PRECISION.get(method, "fp32"), method=method,
                         method_params=params, data=ASSETS, max_steps=2, batch_size=2, learning_rate=1e-2,
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
    with torch.no_grad():
        expected = model(**inputs).logits
        if (run.adapter_dir / "adapter_config.json").exists():
            base = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
            before = base(**inputs).logits
            reloaded = PeftModel.from_pretrained(base, run.adapter_dir)
        else:
            before = AutoModelForCausalLM.from_pretrained(tiny_model_dir)(**inputs).logits
            reloaded = AutoModelForCausalLM.from_pretrained(run.adapter_dir)
        actual = reloaded.eval()(**inputs).logits
    if method != "qlora":  # a 4-bit base dequantises differently from the fp32 one reloaded here
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


@pytest.mark.parametrize("method", ["full", "head_only"])
def test_whole_model_methods_refuse_a_quantised_base(method):
    with pytest.raises(LabError, match="4bit"):
        TrainConfig(method=method, precision="4bit")


def test_qlora_needs_a_quantised_base():
    with pytest.raises(LabError, match="quantised base"):
        TrainConfig(method="qlora", precision="fp32")


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
