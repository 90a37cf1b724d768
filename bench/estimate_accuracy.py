"""Estimate accuracy: the memory and time `lab.runs.estimate` predicts vs a measured run of the default model.

    python bench/estimate_accuracy.py [--model smollm2-135m-instruct] [--steps 4] [--batch-size 4] [--max-length 256]

For LoRA, QLoRA (4-bit), prompt tuning and full fine-tuning: each run trains in a fresh process
(lab.runs.measure), which reports its peak RSS above the RSS after imports, and its training time. The data is
the sample conversations repeated into examples longer than max_length, so every batch is the largest one.
Prints a JSON line and a markdown row per method: baseline = measured, lab = estimated (aims: within 25 % for
memory, 50 % for time).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import report  # before any lab import: it sets the offline environment

METHODS = (("lora", "fp32"), ("qlora", "4bit"), ("prompt_tuning", "fp32"), ("full", "fp32"))


def long_examples(folder: Path, count: int = 64) -> Path:
    """Plain-text examples of a few thousand characters: every one is cut to max_length."""
    from lab.data import read_dataset
    from lab.runs.launcher import resolve_data

    examples = read_dataset(resolve_data("sample_data")).train
    texts = [" ".join(m["content"] for m in example.messages) for example in examples]
    path = folder / "train.jsonl"
    path.write_text("".join(json.dumps({"text": " ".join(texts[i:i + 40])}) + "\n" for i in range(count)))
    return path


def main() -> None:
    from lab.runs.config import TrainConfig
    from lab.runs.estimate import estimate
    from lab.runs.measure import measure_run
    from lab.runs.store import create_run

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    data = long_examples(folder)
    for method, precision in METHODS:
        config = TrainConfig(model=args.model, data=str(data), method=method, precision=precision,
                             max_steps=args.steps, batch_size=args.batch_size, max_length=args.max_length,
                             validation_fraction=0, eval_steps=10**6, save_steps=10**6)
        predicted = estimate(config)
        measured = measure_run(create_run(config, folder / method).path)
        details = dict(model=args.model, precision=precision, steps=args.steps, batch_size=args.batch_size,
                       max_length=args.max_length, runtime_mib=round(predicted.memory["runtime"] / 2**20))
        report("estimate_accuracy", f"{method} peak memory, measured vs estimated", measured["peak_bytes"] / 2**20,
               predicted.training_bytes / 2**20, "MiB", "0.75-1.25x", **details)
        report("estimate_accuracy", f"{method} training time, measured vs estimated", measured["train_seconds"],
               predicted.parts["training"], "s", "0.5-1.5x", **details)  # the steps' part: what measure_run times


if __name__ == "__main__":
    main()
