"""Measure a real run's peak memory and training time, to check `lab.runs.estimate` against (tests, bench).

    python -m lab.runs.measure RUN_DIR      -> one JSON line: peak_bytes, train_seconds, steps

The run trains in a fresh process: libraries are imported first, then the peak-RSS mark is reset (Linux
/proc/self/clear_refs), so `peak_bytes` is what training itself added to the process: weights, gradients,
optimizer states, activations and the Trainer's own allocations, not the interpreter and its libraries.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path


def _status_kib(field: str) -> int:
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def measure_run(run_dir: str | Path) -> dict:
    """Train the run in a new process; return {peak_bytes, train_seconds, steps}."""
    result = subprocess.run([sys.executable, "-m", "lab.runs.measure", str(run_dir)], capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(run_dir: str) -> None:
    import ctypes
    import gc

    import datasets  # noqa: F401  everything training imports, loaded before the mark
    import peft  # noqa: F401
    import transformers  # noqa: F401

    from lab.models.loading import quiet_bitsandbytes
    from lab.runs.store import Run
    from lab.runs.training import train

    quiet_bitsandbytes()
    import bitsandbytes  # noqa: F401

    run = Run(Path(run_dir))
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM (the peak) to the current RSS
    before = _status_kib("VmRSS")
    train(run)
    peak = _status_kib("VmHWM")
    events = run.events("train")
    start = run.events("start")[-1]
    print(json.dumps({"peak_bytes": (peak - before) * 1024, "train_seconds": events[-1]["time"] - start["time"],
                      "steps": events[-1]["step"]}))


if __name__ == "__main__":
    main(sys.argv[1])
