"""A page or command that is registered but missing is an error, never quietly left out: the menu and the
`sendboard` command say so loudly, and the tests hold no "not built yet" filters that would hide it."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from sendboard import cli, ui
from sendboard.access import PAGES, Viewer

ROOT = Path(__file__).resolve().parent.parent


def _viewer(role: str) -> Viewer:
    return Viewer(user_id=1, username=role, role=role, school_ids=(1,), display_name=role)


def test_every_registered_page_has_its_file_and_the_menu_lists_it():
    for role in ("head", "senco", "teacher", "governor", "admin", "trust"):
        listed = [p.key for p in ui.role_pages(_viewer(role))]
        assert listed == [p.key for p in PAGES if role in p.roles]


def test_a_registered_page_without_its_file_stops_the_menu(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "pages", tmp_path / "pages")
    (tmp_path / "pages" / "ehc_plans.py").unlink()
    monkeypatch.setattr(ui, "APP_DIR", tmp_path)
    with pytest.raises(ui.MissingPage, match=r"pages/ehc_plans\.py"):
        ui.role_pages(_viewer("senco"))
    # a role that does not have the page is not affected
    assert "ehc_plans" not in [p.key for p in ui.role_pages(_viewer("teacher"))]


def test_every_registered_command_loads():
    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps the subcommands here
    assert set(commands) == set(cli.COMMANDS)


def test_a_registered_command_without_its_module_stops_the_command(monkeypatch):
    monkeypatch.setitem(cli.COMMANDS, "ghost", ("sendboard.commands.no_such_module", "a command that was never written"))
    with pytest.raises(cli.MissingCommand, match=r"sendboard\.commands\.no_such_module"):
        cli.build_parser()


def test_a_broken_import_inside_a_command_module_is_not_mistaken_for_a_missing_one(tmp_path, monkeypatch):
    """A command module that exists but imports something missing raises that error, not MissingCommand."""
    (tmp_path / "broken_command_for_test.py").write_text("import no_such_dependency_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(cli.COMMANDS, "broken", ("broken_command_for_test", "imports a missing dependency"))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_anywhere"):
        cli.build_parser()


SCAFFOLDING = ("not built yet", "does not exist yet", "not written yet", "importorskip")


def test_no_test_filters_out_pages_or_modules_that_are_not_there():
    """Tests run against what is registered; a filter on whether a page file or module exists would turn a
    missing page into a passing run."""
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name == Path(__file__).name:
            continue
        source = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {phrase!r}" for phrase in SCAFFOLDING if phrase in source.lower()]
        for node in ast.walk(ast.parse(source)):
            # `(ROOT / p.path).exists()` or `find_spec(...)` used to decide which pages/modules to test
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "exists", "is_file") and "path" in ast.unparse(node.func.value) and ".path" in ast.unparse(node):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("find_spec"):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert found == []
