"""Topic classification on the sample set: the MiniLM encoder head-only and LoRA vs the majority-class baseline
(validation accuracy and macro-F1)."""

from __future__ import annotations

import tempfile
from collections import Counter

from common import report  # before any lab import: it sets the offline environment
from lab.runs.config import TrainConfig
from lab.runs.store import create_run
from lab.runs.training import train

SETTINGS = dict(task="classify", model="minilm-l6", precision="fp32", data="sample_data/topics", epochs=4,
                batch_size=16, max_length=64, eval_steps=10**6, save_steps=10**6)


def main() -> None:
    config = TrainConfig(method="head_only", method_params={"top_layers": 0}, learning_rate=1e-2, **SETTINGS)
    splits = config.read_data()
    majority = Counter(label for _, label in splits.validation).most_common(1)[0][1] / len(splits.validation)
    for method, params, lr in [("head_only", {"top_layers": 0}, 1e-2), ("lora", {"r": 8}, 1e-3)]:
        run = create_run(TrainConfig(method=method, method_params=params, learning_rate=lr, **SETTINGS),
                         tempfile.mkdtemp())
        train(run)
        before, after = run.events("eval")[0], run.events("eval")[-1]
        report("classify_topics", f"validation accuracy, MiniLM {method}, vs majority class", majority,
               after["accuracy"], "accuracy", "well above the majority class", macro_f1=round(after["f1"], 3),
               untrained_accuracy=round(before["accuracy"], 3), validation_examples=len(splits.validation))


if __name__ == "__main__":
    main()
