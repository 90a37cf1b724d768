"""Compare: base vs adapters in one model, each prompt answered by the base and every run."""

import pytest

from lab.results.compare import compare
from lab.errors import LabError
from lab.generation import GenerationSettings
from lab.runs.config import TrainConfig
from lab.runs.store import create_run
from tests.helpers import MESSAGES


def test_compare_answers_every_prompt_with_base_and_each_run(tiny_runs):
    chosen = [tiny_runs["lora"], tiny_runs["prompt_tuning"], tiny_runs["full"]]
    rows = compare(chosen, ["Hello", "What is AI?"], GenerationSettings(max_new_tokens=6))
    assert [r["prompt"] for r in rows] == ["Hello", "What is AI?"]
    for row in rows:
        assert list(row["answers"]) == ["base"] + [r.id for r in chosen]
    again = compare([tiny_runs["lora"]], ["Hello"], GenerationSettings(max_new_tokens=6))
    assert again[0]["answers"]["base"] == rows[0]["answers"]["base"]  # detached adapters leave the base clean
    assert again[0]["answers"][tiny_runs["lora"].id] == rows[0]["answers"][tiny_runs["lora"].id]


def test_compare_refuses_a_run_without_a_result(tmp_path, tiny_model_dir):
    pending = create_run(TrainConfig(model=str(tiny_model_dir), data=MESSAGES), tmp_path)
    with pytest.raises(LabError, match="no trained adapter"):
        compare([pending], ["Hi"])
