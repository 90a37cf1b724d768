"""Every notebook runs top to bottom, offline, in a fresh kernel."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
# On the default model these take about 3 minutes each here (checked by hand); CI runs their cells on the tiny
# model. The default model's training, report and compare are covered by tests/e2e/test_real_training.py.
ON_THE_TINY_MODEL = ("02_lora", "03_prompt_tuning", "05_experiments")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_WORKSPACE", str(tmp_path))  # the kernel inherits it: runs stay out of the user's store
    notebook = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "store without outputs"
    if path.stem in ON_THE_TINY_MODEL:  # CI's time: the same cells, seconds instead of minutes
        for cell in notebook.cells:
            cell.source = cell.source.replace("MODEL = lab.DEFAULT_MODEL", 'MODEL = "tiny-random-llama"')
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    assert "Traceback" not in outputs
    shown = "".join(str(o.get("data", {}).get("text/html", "")) + str(o.get("data", {}).get("text/plain", ""))
                    for cell in notebook.cells for o in cell.get("outputs", []))
    if path.stem == "02_lora":  # the report of a completed and of a stopped run; both runs in one chart
        assert shown.count("the base: validation loss") >= 2 and "2 runs in one chart" in shown
    if path.stem == "05_experiments":  # the leaderboard with its best run, no run failed, both charts drawn
        board = "".join(str(o.get("data", {}).get("text/markdown", "")) for cell in notebook.cells
                        for o in cell.get("outputs", []))
        charts = [o for cell in notebook.cells for o in cell.get("outputs", [])
                  if "application/vnd.plotly.v1+json" in o.get("data", {})]
        assert "★" in board and "failed" not in board and len(charts) == 2, board
    noise = [o["text"] for cell in notebook.cells for o in cell.get("outputs", []) if o.get("name") == "stderr"]
    assert not any("Warning" in text or "kernels" in text for text in noise), noise  # libraries' go to the log
