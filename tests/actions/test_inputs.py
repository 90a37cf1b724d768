"""The action layer's rules for what faces send: numbers, settings lines, chosen runs, data paths, form plans."""

import pytest

import lab
from lab.actions.inputs import chosen, lines, parse_settings, real, whole
from tests.helpers import MESSAGES


@pytest.mark.parametrize("value,expected", [(4, 4), (4.0, 4), ("12", 12)])
def test_whole_numbers_from_forms(value, expected):
    assert whole(value, "steps") == expected


@pytest.mark.parametrize("value", [None, "", "four", 2.5, float("nan"), float("inf")])
def test_bad_numbers_are_one_clear_error(value):
    with pytest.raises(lab.LabError, match="steps must be a whole number"):
        whole(value, "steps")
    if value not in (2.5,):
        with pytest.raises(lab.LabError, match="learning rate must be a number"):
            real(value, "learning rate")


def test_settings_lines_runs_and_prompts():
    assert parse_settings("r: 16\nalpha:\n") == {"r": 16} and parse_settings({"r": 4, "x": None}) == {"r": 4}
    with pytest.raises(lab.LabError, match="not valid 'key: value' lines"):
        parse_settings("r: [")
    assert chosen("a") == ["a"] and chosen(("a", "b")) == ["a", "b"]
    with pytest.raises(lab.LabError, match="No run chosen"):
        chosen([])
    assert lines("a\n\n b ") == ["a", "b"] and lines(["one\ntwo"]) == ["one\ntwo"]


def test_the_data_path_rule(lab_home):
    assert lab.data_path("sample_data").endswith("sample_data")
    assert lab.data_path(None, upload=MESSAGES).endswith("messages.jsonl")
    with pytest.raises(lab.LabError, match="outside the folders"):
        lab.data_path("/etc/passwd", confined=True)
    with pytest.raises(lab.LabError, match="outside the folders"):  # missing and outside: no probing
        lab.data_path("/nonexistent/file.jsonl", confined=True)
    with pytest.raises(lab.LabError, match="does not exist"):
        lab.data_path("/nonexistent/file.jsonl")


def test_a_form_plan_uses_the_defaults_once(tiny_model_dir, lab_home):
    config = lab.plan_run(str(tiny_model_dir), "fp32", steps=9)
    assert (config.method, config.learning_rate, config.batch_size) == (lab.defaults.METHOD,
                                                                        lab.defaults.LEARNING_RATE,
                                                                        lab.defaults.BATCH_SIZE)
    assert config.eval_steps == config.save_steps == 4 and config.max_validation_examples == 20
    assert config.data == lab.data_path(lab.defaults.DATA)


def test_a_one_run_action_acts_on_the_run_picked_last():
    from lab.actions.inputs import picked

    assert picked(["newest", "older"]) == "older" and picked("one") == "one" and picked(["", "x"]) == "x"
    with pytest.raises(lab.LabError, match="No run chosen"):
        picked([])
