"""What test modules share: asset paths and plain helper functions (fixtures stay in conftest.py files).

Kept light at import time: tests/conftest.py sets the offline environment before transformers loads.
"""

import subprocess
import sys
import time
from pathlib import Path

ASSETS = Path(__file__).parent / "assets"
DATA = ASSETS / "data"
MESSAGES = "tests/assets/data/messages.jsonl"  # relative to the repository root, where pytest runs


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


def run_cli(capsys, *argv):
    """`lab ARGV...` in this process: (exit code, stdout, stderr)."""
    from lab.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
