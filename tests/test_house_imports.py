"""The package's import graph is a tree (no module needs another that needs it back), and opening a
database imports no area.

The graph is read from the source (every ``import`` and ``from ... import`` anywhere in a module,
including those inside functions, which run when called), so a cycle hidden behind a late import is
caught too. Imports under ``if TYPE_CHECKING:`` never run and are left out.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sendboard"
AREAS = ("leaders", "classroom", "provision", "statutory", "records", "governors", "importers", "commands")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("sendboard",) + path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _ancestors(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def _runtime_imports(tree: ast.AST):
    todo = [tree]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                todo.extend(child.orelse)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child
            todo.append(child)


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the sendboard modules importing it runs. Importing ``a.b.c`` runs ``a`` and ``a.b`` first:
    those packages count, except the importer's own enclosing packages (already running when it loads),
    unless a name is taken from one of them explicitly (``from . import X``, X not a module)."""
    graph = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        named = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                named |= {f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names}
            else:
                named |= {a.name for a in node.names}
        edges = set()
        for target in named & set(modules):
            for runs in {target} | _ancestors(target):
                if runs in modules and runs != module and (runs == target or runs not in _ancestors(module)):
                    edges.add(runs)
        graph[module] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_graph_reader_finds_a_cycle_and_ignores_type_only_imports(tmp_path):
    """The checker itself: a two-module package importing each other (one inside a function) is a cycle;
    the same import under TYPE_CHECKING, or a package __init__ importing its own submodule, is not."""
    pkg = tmp_path / "sendboard"
    (pkg / "area").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "area" / "__init__.py").write_text("from . import rules\n")
    (pkg / "area" / "rules.py").write_text("from ..db import open_it\n")
    (pkg / "db.py").write_text("def open_it():\n    from .area.rules import x\n")
    (pkg / "typed.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .db import open_it\n")
    mods = {}
    for path in pkg.rglob("*.py"):
        parts = ("sendboard",) + path.relative_to(pkg).with_suffix("").parts
        mods[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = import_graph(mods)
    assert graph["sendboard.typed"] == set()
    assert graph["sendboard.area"] == {"sendboard.area.rules"}
    assert find_cycle(graph) in (["sendboard.area.rules", "sendboard.db", "sendboard.area", "sendboard.area.rules"],
                                 ["sendboard.area", "sendboard.area.rules", "sendboard.db", "sendboard.area"])
    (pkg / "db.py").write_text("def open_it():\n    return 1\n")
    assert find_cycle(import_graph(mods)) is None


def test_sendboard_imports_form_a_tree():
    modules = _modules()
    assert len(modules) > 50  # the whole package was read
    cycle = find_cycle(import_graph(modules))
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_opening_a_database_imports_no_area(tmp_path):
    """sendboard.db is the bottom of the tree: a fresh interpreter that imports it and opens (creates and
    migrates) a database loads nothing else of sendboard (the shipped data, which needs the areas, is
    loaded by sendboard.app_db)."""
    code = ("import json, sys, sendboard.db\n"
            "sendboard.db.open_database(sys.argv[1]).close()\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('sendboard'))))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "new.duckdb")], capture_output=True, text=True,
                         check=True).stdout
    loaded = json.loads(out)
    assert not [m for m in loaded if m.split(".")[1:2] and m.split(".")[1] in AREAS], loaded
    assert loaded == ["sendboard", "sendboard.db", "sendboard.sqltext"], loaded  # sqltext: how SQL text is built, no area
