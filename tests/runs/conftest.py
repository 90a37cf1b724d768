import subprocess
import sys
import time

import pytest

from lab.runs.config import TrainConfig

ASSETS = "tests/assets/data/messages.jsonl"


@pytest.fixture
def tiny_config(tiny_model_dir):
    def make(**overrides):
        settings = dict(model=str(tiny_model_dir), data=ASSETS, max_steps=4, batch_size=2, eval_steps=2,
                        save_steps=2, max_length=64, validation_fraction=0.25)
        return TrainConfig(**{**settings, **overrides})

    return make


def wait_for(predicate, timeout=120, interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")


def assert_loads_with_plain_peft(model_dir, adapter_dir, cwd) -> None:
    """The adapter is a plain peft folder: it loads onto its base in a fresh process that never imports lab."""
    script = (
        "import sys; from peft import PeftModel; from transformers import AutoModelForCausalLM\n"
        f"model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained({str(model_dir)!r}), "
        f"{str(adapter_dir)!r})\n"
        "assert 'lab' not in sys.modules\nprint(type(model).__name__)"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip().startswith("PeftModel")
