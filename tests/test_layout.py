"""The tests mirror the package: one name per test file, shared helpers in tests/helpers.py, slow tests in e2e/."""

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent
E2E = TESTS / "e2e"


def python_files(pattern: str = "*.py") -> list[Path]:
    return sorted(p for p in TESTS.rglob(pattern) if "assets" not in p.relative_to(TESTS).parts)


def points_at_a_test_module(name: str, level: int) -> bool:
    """An imported dotted name (relative when `level` > 0) that is a conftest or a test module of this suite."""
    parts = name.split(".")
    local = level > 0 or parts[0] in ("tests", "conftest") or parts[0].startswith("test_")
    return local and (parts[-1] == "conftest" or parts[-1].startswith("test_"))


def is_mark(node: ast.AST) -> bool:
    """`pytest.mark` or a bare `mark`."""
    if isinstance(node, ast.Attribute):
        return node.attr == "mark"
    return isinstance(node, ast.Name) and node.id == "mark"


def test_no_two_test_files_share_a_name():
    by_name = defaultdict(list)
    for path in python_files("test_*.py"):
        by_name[path.name].append(str(path.relative_to(TESTS)))
    assert {name: paths for name, paths in by_name.items() if len(paths) > 1} == {}


def test_no_test_module_imports_from_a_conftest_or_another_test_module():
    found = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names, level = [alias.name for alias in node.names], 0
            elif isinstance(node, ast.ImportFrom):  # also `from tests.x import conftest`, `from .test_y import f`
                module = node.module or ""
                names = [module, *(f"{module}.{alias.name}".lstrip(".") for alias in node.names)]
                level = node.level
            else:
                continue
            found += [f"{path.relative_to(TESTS)}:{node.lineno} imports {name}" for name in names
                      if name and points_at_a_test_module(name, level)]
    assert found == [], "shared helpers belong in tests/helpers.py, fixtures in conftest.py"


def test_slow_tests_live_in_e2e_and_every_e2e_module_is_slow():
    slow = set()
    for path in python_files("test_*.py"):
        tree = ast.parse(path.read_text(), str(path))
        if any(isinstance(n, ast.Attribute) and n.attr == "slow" and is_mark(n.value) for n in ast.walk(tree)):
            slow.add(path)
    e2e = {p for p in python_files("test_*.py") if E2E in p.parents}
    assert sorted(str(p.relative_to(TESTS)) for p in slow - e2e) == [], "slow tests belong in tests/e2e/"
    assert sorted(str(p.relative_to(TESTS)) for p in e2e - slow) == [], "`make test-fast` must skip all of tests/e2e/"
