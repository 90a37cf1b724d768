"""What a page's visitor reads names no folder of the server (lab.without_server_paths, which the app's messages
go through)."""

from pathlib import Path

import lab


def test_the_workspace_lab_home_and_home_are_named_and_other_paths_cut(lab_home, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "ada"))
    runs, model = lab_home / "workspace" / "runs", lab_home / "models" / "tiny"
    message = (f"No run 'x'.\nWhy: Nothing matches in {runs}.\nFix: see {model}, '{Path.home()}/data/chat.jsonl', "
               "/etc/passwd and (/srv/lab/sample_data/chat.jsonl); 2 / 3 and/or ~/key stay words")
    assert lab.without_server_paths(message) == (
        "No run 'x'.\nWhy: Nothing matches in the workspace/runs.\nFix: see the lab's home/models/tiny, "
        "'~/data/chat.jsonl', passwd and (chat.jsonl); 2 / 3 and/or key stay words")
