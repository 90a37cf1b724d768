"""The README's Python examples run as written, on the real default model (slow)."""

import re
from pathlib import Path

import pytest

import lab

pytestmark = pytest.mark.slow
README = (Path(__file__).parents[2] / "README.md").read_text()


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """Runs in a fresh workspace; the converted default model in LAB_HOME is reused."""
    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path))


def test_the_python_api_example(workspace):
    block = next(b for b in python_blocks() if "lab.plan_run" in b)
    namespace = {}
    exec(block, namespace)
    assert lab.progress(namespace["run_id"])["state"] == "completed"
    assert "eval.json" in {p.name for p in Path(lab.list_runs()[0]["path"]).iterdir()}


def test_the_gradio_client_example(workspace):
    from apps.app import build

    demo = build()
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        block = next(b for b in python_blocks() if "gradio_client" in b)
        namespace = {}
        exec(block.replace("http://127.0.0.1:7860/", demo.local_url), namespace)
        assert lab.progress(namespace["run_id"])["config"]["method"] == "lora"
        lab.stop_run(namespace["run_id"])
        assert lab.wait(namespace["run_id"], 300) in ("stopped", "completed")
    finally:
        demo.close()
