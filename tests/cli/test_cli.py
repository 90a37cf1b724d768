import json
import subprocess
import sys

import pytest

from tests.helpers import run_cli


def test_models_json_lists_the_default_model(capsys, lab_home):
    code, out, _ = run_cli(capsys, "models", "--json")
    names = {m["name"]: m for m in json.loads(out)}
    assert code == 0
    assert set(names["smollm2-135m-instruct"]) == {"name", "source", "state", "size_bytes", "path"}


def test_info_reports_quantisation_support(capsys):
    code, out, _ = run_cli(capsys, "info", "--json")
    info = json.loads(out)
    assert code == 0 and info["device"] == "cpu" and info["4bit"] is True
    assert info["versions"]["torch"].startswith("2.13.0")
    assert info["gpus"] == [] and info["processes"] == info["cpu_cores"] >= 1  # a run can use one process per core


def test_chat_json_gives_answer_timing_and_footprint(capsys, tiny_model_dir):
    code, out, _ = run_cli(capsys, "chat", "--model", str(tiny_model_dir), "--precision", "4bit",
                           "--prompt", "Hello", "--max-new-tokens", "5", "--json")
    result = json.loads(out)
    assert code == 0
    assert isinstance(result["answer"], str) and result["precision"] == "4bit"
    assert result["timing"]["generate_s"] > 0 and result["footprint_bytes"] > 0


def test_chat_repl_keeps_history_until_reset(capsys, monkeypatch, tiny_model_dir):
    lines = iter(["Hello", "/reset", "Again", "/exit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    code, out, _ = run_cli(capsys, "chat", "--model", str(tiny_model_dir), "--max-new-tokens", "3")
    assert code == 0 and out.count("bot> ") == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["chat", "--model", "no-such-model", "--prompt", "hi"], "Unknown model"),
        (["chat", "--model", "someone/model", "--prompt", "hi"], "offline"),
        (["chat", "--model", "tiny-random-llama", "--precision", "2bit", "--prompt", "hi"], "Unknown precision"),
    ],
)
def test_bad_input_exits_2_with_one_error_and_no_traceback(capsys, lab_home, argv, message):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_json_mode_reports_errors_as_json(capsys):
    code, out, _ = run_cli(capsys, "chat", "--model", "tiny-random-llama", "--json")
    assert code == 2
    assert json.loads(out)["error"] == "--json needs --prompt."


def test_console_script_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "lab", "chat", "--model", str(tmp_path), "--prompt", "x"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "not a model folder" in result.stderr and "Traceback" not in result.stderr


def test_app_share_needs_auth(capsys):
    code, _, err = run_cli(capsys, "app", "--share")
    assert code == 2 and "--share needs --auth" in err


def test_app_share_offline_serves_locally_with_a_message(capsys, monkeypatch):
    import apps.app

    launched = {}
    monkeypatch.setattr("lab.cli.common.share_server_reachable", lambda: False)
    monkeypatch.setattr(apps.app.demo, "launch", lambda **kwargs: launched.update(kwargs))
    code, _, err = run_cli(capsys, "app", "--share", "--auth", "ada:secret", "--port", "7999")
    assert code == 0 and "Cannot create a share link" in err
    assert launched["share"] is False and launched["auth"] == [("ada", "secret")] and launched["server_port"] == 7999


def test_train_takes_the_methods_recipe_for_what_it_is_not_told():
    from lab.cli import build_parser
    from lab.cli.train import config_from_args
    from lab.methods import METHODS

    def config(*argv):
        return config_from_args(build_parser().parse_args(["train", *argv]))

    recipe = METHODS["prompt_tuning"].recipe("chat")
    told_nothing = config("--method", "prompt_tuning")
    assert (told_nothing.learning_rate, told_nothing.max_steps) == (recipe.learning_rate, recipe.steps)
    told = config("--method", "prompt_tuning", "--learning-rate", "0.1", "--epochs", "2")
    assert (told.learning_rate, told.max_steps, told.epochs) == (0.1, 0, 2.0)
