"""`lab import`: a plain peft adapter becomes a run the other commands take; a bad folder exits 2 with one error."""

import json

from tests.helpers import run_cli
from tests.plain_peft import train_plain_lora


def test_lab_import_then_compare_and_chat_with_it(capsys, lab_home, tiny_model_dir, tmp_path):
    adapter = train_plain_lora(tiny_model_dir, tmp_path / "adapter")
    code, out, _ = run_cli(capsys, "import", str(adapter), "--name", "mine", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["state"] == "completed" and summary["name"] == "mine"

    code, out, _ = run_cli(capsys, "import", str(adapter), "--base", str(tiny_model_dir))
    assert code == 0 and out.startswith(f"Imported {adapter} as run ") and "lora on" in out

    code, out, _ = run_cli(capsys, "compare", summary["id"], "--prompt", "Hello", "--max-new-tokens", "3", "--json")
    assert code == 0 and set(json.loads(out)[0]["answers"]) == {"base", summary["id"]}

    code, out, err = run_cli(capsys, "compare", summary["id"], "--split", "validation", "--examples", "1")
    assert code == 2 and err.startswith("error: This run has no data of its own.") and "Traceback" not in err


def test_lab_import_of_a_folder_without_adapter_config_exits_2(capsys, lab_home, tmp_path):
    code, out, err = run_cli(capsys, "import", str(tmp_path))
    assert code == 2 and err.startswith(f"error: {tmp_path} has no adapter_config.json.") and "Fix:" in err
