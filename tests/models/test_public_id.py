"""The public id of a run's base: what another machine loads it by (declared on each registry entry)."""

from lab.models.registry import MODELS, public_id


def test_registry_models_declare_their_hub_ids_and_other_names_keep_theirs(tmp_path):
    assert public_id("smollm2-135m-instruct") == "HuggingFaceTB/SmolLM2-135M-Instruct"
    assert public_id("minilm-l6") == "sentence-transformers/all-MiniLM-L6-v2"
    assert all(entry.public_id for entry in MODELS.values())
    assert public_id("Qwen/Qwen2.5-0.5B-Instruct") == "Qwen/Qwen2.5-0.5B-Instruct"
    (tmp_path / "my-model").mkdir()
    assert public_id(str(tmp_path / "my-model")) == "my-model"
    snapshot = tmp_path / "hub" / "models--Org--Some-Model" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    assert public_id(str(snapshot)) == "Org/Some-Model"  # a folder in the hub cache: its hub id
