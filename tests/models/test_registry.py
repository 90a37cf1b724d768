import time

import pytest

from lab.errors import LabError
from lab.models import list_models, resolve_model
from lab.models.convert import _build_once


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
        _build_once(target, broken_build)
    assert not target.exists()
    assert list((tmp_path / "models").iterdir()) == []
