"""No import cycles between the lab's modules: every explicit import (module or function level) is an edge."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "lab"


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the package at `root`, by dotted name (a package is its __init__.py)."""
    names = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules among `modules` that `name` (at `path`) imports explicitly."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from a import b` is the submodule a.b when there is one, else a
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m for m in found if m in modules and m != name}


def import_graph(root: Path) -> dict[str, set[str]]:
    modules = module_names(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def components(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import each other (strongly connected components of two or more, Tarjan)."""
    index, low, stack, found = {}, {}, [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while node not in group:
                group.add(stack.pop())
            if len(group) > 1:
                found.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def shortest_cycle(graph: dict[str, set[str]], group: set[str], start: str) -> list[str]:
    """The shortest cycle from `start` back to itself inside its group (breadth first), rotated to begin at its
    smallest module."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for nxt in sorted(graph[path[-1]] & group):
            if nxt == start:
                first = path.index(min(path))
                return [*path[first:], *path[:first], min(path)]
            if nxt not in seen:
                seen.add(nxt)
                paths.append([*path, nxt])
    raise AssertionError(f"{start} is on no cycle")


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """For every module on a cycle, the shortest cycle through it (each cycle once)."""
    cycles = []
    for group in components(graph):
        for start in sorted(group):
            cycle = shortest_cycle(graph, group, start)
            if cycle not in cycles:
                cycles.append(cycle)
    return cycles


def check_no_cycles(root: Path) -> None:
    cycles = find_cycles(import_graph(root))
    assert not cycles, "import cycles (the shortest through each module on one):\n" + "\n".join(
        " -> ".join(cycle) for cycle in cycles
    )


def test_the_lab_has_no_import_cycles():
    check_no_cycles(ROOT)


def test_a_cycle_is_found_and_printed(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from pkg.a import A\n")
    (package / "a.py").write_text("A = 1\n\ndef f():\n    from pkg.sub import b\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("from ..c import C\n")
    (package / "c.py").write_text("import pkg.a\nC = 2\n")
    graph = import_graph(package)
    assert graph["pkg"] == {"pkg.a"}
    assert graph["pkg.a"] == {"pkg.sub.b"}  # the submodule, not the package sub/__init__.py
    assert graph["pkg.sub.b"] == {"pkg.c"}
    assert find_cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]]
    with pytest.raises(AssertionError, match=r"pkg\.a -> pkg\.sub\.b -> pkg\.c -> pkg\.a"):
        check_no_cycles(package)
    (package / "c.py").write_text("C = 2\n")
    check_no_cycles(package)
