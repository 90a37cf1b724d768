"""Recipes: each method's measured defaults per task, what an empty learning rate takes, and the warning for a
rate far outside a method's working range."""

import pytest

from lab.methods import METHODS
from lab.runs.config import TrainConfig
from tests.helpers import MESSAGES


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_has_a_chat_recipe_inside_its_own_working_range(method):
    for task in ("chat", "classify"):
        recipe = METHODS[method].recipe(task)
        low, high = recipe.working_rates
        assert low <= recipe.learning_rate <= high and recipe.steps > 0


def test_an_empty_learning_rate_takes_the_recipe_for_the_method_and_task(tiny_model_dir):
    prompt = TrainConfig(model=str(tiny_model_dir), method="prompt_tuning")
    assert prompt.learning_rate == METHODS["prompt_tuning"].recipe("chat").learning_rate
    head = TrainConfig(model=str(tiny_model_dir), method="head_only", task="classify", data="sample_data/topics")
    assert head.learning_rate == METHODS["head_only"].recipe("classify").learning_rate != prompt.learning_rate
    assert TrainConfig(model=str(tiny_model_dir), learning_rate=2e-4).learning_rate == 2e-4  # a user's rate stays


@pytest.mark.parametrize("steps", [None, "", 0])  # a page sends an emptied number field as 0
def test_a_form_with_empty_steps_takes_the_recipe_steps_and_evaluates_a_few_times(tiny_model_dir, steps):
    import lab

    config = lab.plan_run(str(tiny_model_dir), "fp32", "ia3", "", MESSAGES, steps)
    assert config.max_steps == METHODS["ia3"].recipe("chat").steps and config.eval_steps > 1


def test_a_rate_far_outside_the_working_range_is_warned_with_the_recipe(tiny_model_dir):
    slow = TrainConfig(model=str(tiny_model_dir), method="prompt_tuning", learning_rate=2e-4).rate_warning()
    assert "far below Prompt tuning's working range" in slow and "Its recipe uses 0.03" in slow
    fast = TrainConfig(model=str(tiny_model_dir), method="full", learning_rate=1e-2).rate_warning()
    assert "far above" in fast and "likely to diverge" in fast
    assert TrainConfig(model=str(tiny_model_dir), method="lora", learning_rate=2e-3).rate_warning() is None


def test_the_estimate_carries_the_warning_every_face_shows(tiny_model_dir):
    from lab.present import estimate as estimate_view
    from lab.runs.estimate import estimate

    def config(**settings):
        return TrainConfig(model=str(tiny_model_dir), precision="fp32", data=MESSAGES, max_length=64, **settings)

    found = estimate(config(method="prompt_tuning", learning_rate=2e-4)).to_dict()
    assert len(found["warnings"]) == 1
    assert "Warning:" in estimate_view.markdown(found) and "Warning:" in estimate_view.html(found)
    assert estimate(config(learning_rate=1e-3)).to_dict()["warnings"] == []
