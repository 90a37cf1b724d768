"""The classification track on the real MiniLM encoder and the sample topics: head-only beats the majority class
by a wide margin and LoRA does at least as well (about a minute on a CPU)."""

from collections import Counter

import pytest

from lab.results.classify import evaluate_classifier
from lab.models.registry import ENCODER_MODEL
from lab.runs.config import TrainConfig
from lab.runs.launcher import resolve_data
from lab.runs.store import create_run
from lab.runs.training import train

pytestmark = pytest.mark.slow
SETTINGS = dict(task="classify", model=ENCODER_MODEL, precision="fp32", data=resolve_data("sample_data/topics"),
                batch_size=16, max_length=64, eval_steps=10**6, save_steps=10**6)


def tuned_accuracy(tmp_path, **settings) -> tuple[float, float]:
    run = create_run(TrainConfig(**SETTINGS, **settings), tmp_path)
    assert train(run)[0] == "completed"
    base, tuned = evaluate_classifier(run)["rows"]
    return base["accuracy"], tuned["accuracy"]


def test_head_only_beats_the_majority_class_widely_and_lora_does_at_least_as_well(tmp_path):
    validation = TrainConfig(**SETTINGS).read_data().validation
    majority = Counter(label for _, label in validation).most_common(1)[0][1] / len(validation)
    untrained, head_only = tuned_accuracy(tmp_path, method="head_only", method_params={"top_layers": 0},
                                          learning_rate=1e-1, epochs=4)
    _, lora = tuned_accuracy(tmp_path, method="lora", method_params={"r": 8}, learning_rate=5e-3, epochs=8)
    assert untrained < majority < 0.4
    assert head_only > majority + 0.3, (head_only, majority)  # measured 0.81-0.83 vs 0.35
    assert lora >= head_only - 0.02, (lora, head_only)  # measured 0.88-0.91
