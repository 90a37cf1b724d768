"""What every benchmark shares: offline settings and one way to report a result."""

from __future__ import annotations

import json
import os
import resource

for key in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
    os.environ.setdefault(key, "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def report(bench: str, what: str, baseline: float, lab: float, unit: str, aim: str, **details) -> None:
    """Print one JSON line and one markdown row: baseline, lab and their ratio (lab / baseline)."""
    ratio = lab / baseline if baseline else float("inf")
    print(json.dumps({"bench": bench, "what": what, "unit": unit, "baseline": round(baseline, 4),
                      "lab": round(lab, 4), "ratio": round(ratio, 3), "aim": aim, **details}), flush=True)
    print(f"| {what} ({unit}) | {baseline:.4g} | {lab:.4g} | {ratio:.2f}x | {aim} |", flush=True)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
