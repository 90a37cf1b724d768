import time
from pathlib import Path

import pytest

from lab.errors import LabError
from lab.models import list_models, registry, resolve_model
from lab.models.convert import build_once, is_model_folder
from lab.models.registry import MODELS, BuiltModel, BundledModel, PackagedModel
from lab.paths import confine_model


def test_unknown_name_lists_the_known_models():
    with pytest.raises(LabError) as err:
        resolve_model("no-such-model")
    assert "Unknown model" in err.value.what
    assert "smollm2-135m-instruct" in err.value.fix


def test_hub_id_offline_fails_at_once_with_a_way_out():
    start = time.perf_counter()
    with pytest.raises(LabError) as err:
        resolve_model("someone/not-cached-model")
    assert time.perf_counter() - start < 5
    assert "offline" in err.value.what
    assert "local folder" in err.value.fix


def test_folder_without_config_is_refused(tmp_path):
    with pytest.raises(LabError, match="not a model folder"):
        resolve_model(str(tmp_path))


def test_local_folder_resolves_to_itself(tiny_model_dir):
    assert resolve_model(str(tiny_model_dir)) == str(tiny_model_dir.resolve())


def test_list_models_reports_state_and_size(lab_home):
    before = {e.name: e for e in list_models()}
    assert before["tiny-random-llama"].state == "built on first use"
    assert before["smollm2-135m-instruct"].state in {"needs conversion", "missing package"}
    resolve_model("tiny-random-llama")
    after = {e.name: e for e in list_models()}
    assert after["tiny-random-llama"].state == "ready"
    assert after["tiny-random-llama"].size_bytes > 0


def test_a_failed_build_leaves_no_folder_behind(tmp_path):
    target = tmp_path / "models" / "half"

    def broken_build(staging):
        (staging / "config.json").write_text("{}")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        build_once(target, broken_build)
    assert not target.exists()
    assert list((tmp_path / "models").iterdir()) == []


def test_the_table_holds_every_kind_of_model():
    assert {type(m) for m in MODELS.values()} == {BundledModel, PackagedModel, BuiltModel}
    assert [e.name for e in list_models()] == list(MODELS)


@pytest.mark.parametrize("name", list(MODELS))
def test_every_kind_resolves_lists_and_passes_confinement(lab_home, tmp_path, monkeypatch, name):
    model = MODELS[name]
    if isinstance(model, BundledModel):  # as if converted before: a real conversion takes half a minute
        model.folder().mkdir(parents=True)
        (model.folder() / "config.json").write_text("{}")
    folder = resolve_model(name)
    assert is_model_folder(Path(folder))
    entry = {e.name: e for e in list_models()}[name]
    assert (entry.state, entry.path, entry.source) == ("ready", folder, model.source)
    assert entry.size_bytes > 0
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).mkdir()  # a folder of the same name outside the allowed ones does not matter
    assert confine_model(name) == name


@pytest.mark.parametrize("name", [name for name, m in MODELS.items() if not isinstance(m, BuiltModel)])
def test_a_missing_package_is_a_lab_error(lab_home, monkeypatch, name):
    monkeypatch.setattr(registry, "installed", lambda package: None)
    with pytest.raises(LabError) as err:
        resolve_model(name)
    assert err.value.what == f"Model '{name}' is not installed."
    assert f"PyPI package '{MODELS[name].package}', which is missing" in err.value.why
    assert err.value.fix == f"Run: {MODELS[name].install_hint}"
    entry = {e.name: e for e in list_models()}[name]
    assert (entry.state, entry.size_bytes) == ("missing package", 0)
