import os

# No test may reach a model hub or phone home; set before transformers/gradio are imported.
for key, value in {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
}.items():
    os.environ[key] = value

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ASSETS = Path(__file__).parent / "assets"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A tiny random Llama and its tokenizer, saved as a normal Hugging Face folder."""
    from lab.models.tiny import build_tiny_llama

    folder = build_tiny_llama(tmp_path_factory.mktemp("tiny-llama"))
    # The app and panels only touch allowed folders (lab.paths); the fixtures live outside the workspace.
    os.environ["LAB_ALLOWED_PATHS"] = os.pathsep.join([str(folder), str(ASSETS)])
    return folder


@pytest.fixture
def lab_home(tmp_path, monkeypatch):
    """An empty LAB_HOME, so tests never touch the user's converted models."""
    monkeypatch.setenv("LAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
