"""The estimate against measured runs (issue 9): memory within 25 % of the measured peak, time within 50 %.

Each run trains in a fresh process (lab.runs.measure) on a 9.6 M-parameter Llama (38 MB in fp32: large enough
that the process's own noise does not dominate) with examples all as long as max_length, so every batch is the
largest one. The speed probe runs fresh in the test's LAB_HOME, under the same machine load as the runs.
"""

import json

import pytest

from lab.runs.config import TrainConfig
from lab.runs.estimate import estimate
from lab.runs.measure import measure_run
from lab.runs.store import create_run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mid_model(tmp_path_factory):
    from lab.models.tiny import build_tiny_llama

    return build_tiny_llama(tmp_path_factory.mktemp("mid-llama"), hidden_size=512, layers=4)


@pytest.fixture(scope="module")
def long_texts(tmp_path_factory):
    words = "the model learns a new task from data while the adapter keeps the base frozen".split()
    path = tmp_path_factory.mktemp("data") / "train.jsonl"
    path.write_text("".join(json.dumps({"text": " ".join(words[(i + j) % len(words)] for j in range(300))}) + "\n"
                            for i in range(64)))
    return path


@pytest.mark.parametrize("method,precision", [("lora", "fp32"), ("qlora", "4bit"), ("prompt_tuning", "fp32"),
                                              ("full", "fp32")])
def test_memory_and_time_estimates_match_a_measured_run(method, precision, mid_model, long_texts, lab_home,
                                                        tmp_path):
    config = TrainConfig(model=str(mid_model), data=str(long_texts), method=method, precision=precision,
                         max_steps=8, batch_size=4, max_length=128, validation_fraction=0, eval_steps=10**6,
                         save_steps=10**6)
    predicted = estimate(config)
    measured = measure_run(create_run(config, tmp_path).path)
    memory_ratio = predicted.training_bytes / measured["peak_bytes"]
    time_ratio = predicted.parts["training"] / measured["train_seconds"]  # the steps' part: what measure_run times
    print(f"{method}: memory {memory_ratio:.2f}, time {time_ratio:.2f}")
    assert 0.75 <= memory_ratio <= 1.25, (predicted.memory, measured)
    assert 0.5 <= time_ratio <= 1.5, (predicted.parts, measured)
