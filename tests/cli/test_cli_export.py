"""`lab export`: where the result went and its size; a merge of a quantised run warns, a prompt-tuning merge and a
non-empty folder are refused."""

import json
import shutil

from tests.helpers import run_cli


def test_export_prints_the_size_and_a_quantised_merge_warns(capsys, tiny_runs, tmp_path):
    code, out, _ = run_cli(capsys, "export", str(tiny_runs["lora"].path), "--out", str(tmp_path / "adapter"))
    assert code == 0 and out.startswith(f"Exported to {tmp_path / 'adapter'} (") and "KiB)" in out
    assert "Warning" not in out

    quantised = shutil.copytree(tiny_runs["lora"].path, tmp_path / "runs" / tiny_runs["lora"].id)
    config = json.loads((quantised / "config.json").read_text())
    (quantised / "config.json").write_text(json.dumps({**config, "precision": "8bit"}))
    code, out, _ = run_cli(capsys, "export", str(quantised), "--out", str(tmp_path / "merged"), "--merge")
    assert code == 0 and (tmp_path / "merged" / "model.safetensors").exists()
    assert "Warning: " in out and "8bit base" in out and "fp32" in out


def test_export_refuses_a_prompt_tuning_merge_and_a_non_empty_folder(capsys, tiny_runs, tmp_path):
    code, _, err = run_cli(capsys, "export", str(tiny_runs["prompt_tuning"].path), "--out", str(tmp_path / "x"),
                           "--merge")
    assert code == 2 and "cannot be merged" in err and not (tmp_path / "x").exists()
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "mine.txt").write_text("keep")
    code, _, err = run_cli(capsys, "export", str(tiny_runs["lora"].path), "--out", str(tmp_path / "taken"))
    assert code == 2 and "is not empty" in err and (tmp_path / "taken" / "mine.txt").read_text() == "keep"
