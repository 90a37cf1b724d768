"""Topic classification on the sample set: the MiniLM encoder tuned with head-only, LoRA, prompt tuning and full
fine-tuning vs the majority-class baseline (validation accuracy and macro-F1, untrained head before)."""

from __future__ import annotations

import tempfile
import time
from collections import Counter

from common import report  # before any lab import: it sets the offline environment
from lab.results.classify import evaluate_classifier
from lab.runs.config import TrainConfig
from lab.runs.launcher import resolve_data
from lab.runs.store import create_run
from lab.runs.training import train

SETTINGS = dict(task="classify", model="minilm-l6", precision="fp32", data=resolve_data("sample_data/topics"),
                batch_size=16, max_length=64, eval_steps=10**6, save_steps=10**6)
# (method, its settings, learning rate, epochs): a lone linear head takes a far larger rate than the encoder.
METHODS = [("head_only", {"top_layers": 0}, 1e-1, 4), ("lora", {"r": 8}, 5e-3, 8),
           ("prompt_tuning", {"num_virtual_tokens": 16}, 3e-2, 8), ("full", {}, 1e-4, 8)]


def main() -> None:
    validation = TrainConfig(**SETTINGS).read_data().validation
    majority = Counter(label for _, label in validation).most_common(1)[0][1] / len(validation)
    for method, params, lr, epochs in METHODS:
        run = create_run(TrainConfig(method=method, method_params=params, learning_rate=lr, epochs=epochs,
                                     **SETTINGS), tempfile.mkdtemp())
        started = time.time()
        train(run)
        seconds = time.time() - started
        before, after = evaluate_classifier(run)["rows"]
        report("classify_topics", f"validation accuracy, MiniLM {method} (lr {lr:g}, {epochs} epochs), vs majority "
               "class", majority, after["accuracy"], "accuracy", "well above the majority class",
               macro_f1=round(after["f1"], 3), untrained_accuracy=round(before["accuracy"], 3),
               train_seconds=round(seconds), validation_examples=len(validation))


if __name__ == "__main__":
    main()
