"""Compare memory: peak RSS of comparing base vs two adapters, against one model loaded once (each in its own
process, so peaks do not mix)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path


from common import report  # before any lab import: it sets the offline environment

HERE = Path(__file__).parent
ONE_MODEL = "from common import peak_rss_mib; from lab.models import load_model, DEFAULT_MODEL\n" \
            "m = load_model(DEFAULT_MODEL, 'fp32'); print(peak_rss_mib())"
COMPARE = "import sys; from common import peak_rss_mib; from lab.results.compare import compare; from lab.runs import get_run\n" \
          "from lab.generation import GenerationSettings\n" \
          "compare([get_run(p) for p in sys.argv[1:]], ['Hi'], GenerationSettings(max_new_tokens=4)); print(peak_rss_mib())"


def adapters(root: Path) -> list[str]:
    from lab.models import DEFAULT_MODEL
    from lab.runs.config import TrainConfig
    from lab.runs.launcher import resolve_data
    from lab.runs.store import create_run
    from lab.runs.training import train

    runs = []
    for method in ("lora", "ia3"):
        config = TrainConfig(model=DEFAULT_MODEL, precision="fp32", method=method, data=resolve_data("sample_data"),
                             max_steps=1, batch_size=1, max_length=64, validation_fraction=0, save_steps=10)
        run = create_run(config, root)
        train(run)
        runs.append(str(run.path))
    return runs


def peak(code: str, *args: str) -> float:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=HERE, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as root:
        runs = adapters(Path(root))
        one, both = peak(ONE_MODEL), peak(COMPARE, *runs)
    report("compare_memory", "peak RSS, base + 2 adapters vs 1 model", one, both, "MiB", "<= 1.2x",
           adapters=json.dumps(["lora", "ia3"]))


if __name__ == "__main__":
    main()
