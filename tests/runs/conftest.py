import pytest

from lab.runs.config import TrainConfig
from tests.helpers import MESSAGES


@pytest.fixture
def tiny_config(tiny_model_dir):
    def make(**overrides):
        # fp32: tests behave the same on CPUs with and without bf16 (auto would differ); test_precision asks auto
        settings = dict(model=str(tiny_model_dir), precision="fp32", data=MESSAGES, max_steps=4, batch_size=2,
                        eval_steps=2, save_steps=2, max_length=64, validation_fraction=0.25)
        return TrainConfig(**{**settings, **overrides})

    return make
