"""Faces (the CLI, the app, the panels) and the notebooks reach the core through the public API (`lab`, the
action layer) and render with lab.present: an import of any other core module from a face fails here."""

import ast
import json
from pathlib import Path

import pytest

import lab

ROOT = Path(__file__).parents[1]
FACES = {"apps": "apps", "lab/cli": "lab.cli", "lab/widgets": "lab.widgets"}
ALLOWED = ("lab.present",)  # the public API itself is `lab`; presentation is its own package


def imported(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """(module, names) for every import in a module, at any depth."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def violations(source: str, own: str) -> list[str]:
    """Imports of core modules other than `lab` (public names only), lab.present and the face's own package."""
    bad = []
    for module, names in imported(ast.parse(source)):
        if module == "lab":
            bad += [f"from lab import {n}" for n in names if n not in lab.__all__]
        elif module.startswith("lab.") and not module.startswith((own, *ALLOWED)):
            bad.append(module)
    return bad


def face_modules():
    for folder, own in FACES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, own


@pytest.mark.parametrize("path,own", face_modules(), ids=lambda v: str(v).removeprefix(str(ROOT) + "/"))
def test_faces_import_only_the_public_api_and_presentation(path, own):
    assert violations(path.read_text(), own) == []


def test_notebooks_use_only_the_public_api():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert violations(source, "lab.widgets") == [], path.name


def test_the_rule_catches_a_face_that_reaches_into_the_core():
    source = ("import lab\nfrom lab.present import runs\nfrom lab.widgets.base import Panel\n"
              "def f():\n    from lab.runs.store import get_run\n    from lab import get_run, list_runs\n")
    assert violations(source, "lab.widgets") == ["lab.runs.store", "from lab import get_run"]


def test_every_public_name_exists():
    assert all(hasattr(lab, name) for name in lab.__all__)
