import pytest
import torch

from lab.errors import LabError
from lab.models import load_model


@pytest.fixture(scope="module")
def fp32(tiny_model_dir):
    return load_model(str(tiny_model_dir), "fp32")


def test_fp32_load_reports_parameters_and_footprint(fp32):
    model, tokenizer, info = fp32
    assert info.parameters == sum(p.numel() for p in model.parameters())
    assert info.footprint_bytes == model.get_memory_footprint()
    assert info.device == "cpu" and next(model.parameters()).dtype == torch.float32
    assert tokenizer.chat_template


def test_bf16_halves_the_footprint(tiny_model_dir, fp32):
    info = load_model(str(tiny_model_dir), "bf16").info
    assert info.footprint_bytes == pytest.approx(fp32.info.footprint_bytes / 2, rel=0.01)


@pytest.mark.parametrize("precision, layer_class", [("8bit", "Linear8bitLt"), ("4bit", "Linear4bit")])
def test_quantised_loads_replace_linear_layers_and_shrink(tiny_model_dir, fp32, precision, layer_class):
    model, _, info = load_model(str(tiny_model_dir), precision)
    projections = [m for name, m in model.named_modules() if name.endswith(("q_proj", "up_proj", "down_proj"))]
    assert projections and all(type(m).__name__ == layer_class for m in projections)
    assert info.footprint_bytes < fp32.info.footprint_bytes
    assert info.parameters == fp32.info.parameters  # packed 4-bit weights still count as whole parameters


def test_fp4_quant_type_is_recorded(tiny_model_dir):
    model, _, info = load_model(str(tiny_model_dir), "4bit", quant_type="fp4", double_quant=False)
    assert info.quant_type == "fp4"
    assert model.model.layers[0].mlp.up_proj.weight.quant_state.quant_type == "fp4"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"precision": "3bit"}, "Unknown precision"),
        ({"precision": "4bit", "quant_type": "int3"}, "Unknown 4-bit quant type"),
        ({"precision": "4bit", "compute_dtype": "fp8"}, "Unknown compute dtype"),
    ],
)
def test_bad_options_are_refused_before_loading(tiny_model_dir, kwargs, message):
    with pytest.raises(LabError, match=message):
        load_model(str(tiny_model_dir), **kwargs)


def test_broken_folder_gets_an_actionable_error(tmp_path, tiny_model_dir):
    (tmp_path / "config.json").write_text((tiny_model_dir / "config.json").read_text())
    with pytest.raises(LabError) as err:
        load_model(str(tmp_path))
    assert "Could not load model" in err.value.what
    assert "save_pretrained" in err.value.fix


def test_answers_use_bf16_only_where_the_cpu_computes_it_natively(monkeypatch):
    from lab.models import loading

    monkeypatch.setattr(loading, "cpu_has_bf16", lambda: True)
    assert [loading.answering_precision(p, "cpu") for p in ("fp32", "bf16", "4bit", "8bit")] == [
        "bf16", "bf16", "4bit", "8bit"]
    monkeypatch.setattr(loading, "cpu_has_bf16", lambda: False)
    assert loading.answering_precision("fp32", "cpu") == "fp32"


def test_cpu_bf16_is_read_from_the_cpu_flags(monkeypatch, tmp_path):
    from lab.models import loading

    flags = {"amd without": "flags : fpu avx2 avx512f", "intel with": "flags : fpu avx512f avx512_bf16 amx_bf16"}
    seen = {}
    for name, text in flags.items():
        (tmp_path / "cpuinfo").write_text(text)
        monkeypatch.setattr(loading, "Path", lambda _: tmp_path / "cpuinfo")
        seen[name] = loading.cpu_has_bf16()
    assert seen == {"amd without": False, "intel with": True}
