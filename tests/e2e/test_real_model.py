"""End-to-end on the real default model (SmolLM2-135M-Instruct). Converted once into LAB_HOME on first use."""

import pytest

from lab.generation import GenerationSettings, chat
from lab.models import DEFAULT_MODEL, load_model

pytestmark = pytest.mark.slow


def test_default_model_in_4bit_knows_the_capital_of_france():
    model, tokenizer, info = load_model(DEFAULT_MODEL, "4bit")
    assert type(model.model.layers[0].self_attn.q_proj).__name__ == "Linear4bit"
    answer = chat(model, tokenizer, "What is the capital of France?", settings=GenerationSettings(max_new_tokens=16))
    assert "Paris" in answer
