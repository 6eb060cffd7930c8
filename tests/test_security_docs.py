"""docs/security.md: its permission matrix is the one the code generates, and the check notices a stale copy."""
from __future__ import annotations

import re

from sendboard import cli, permissions


def _committed_matrix() -> str:
    text = permissions.DOC.read_text(encoding="utf-8")
    return text[text.index(permissions.BEGIN):text.index(permissions.END) + len(permissions.END)]


def test_the_committed_matrix_is_the_generated_one():
    assert _committed_matrix() == permissions.matrix_markdown(), \
        "docs/security.md's permission matrix is out of date: run `sendboard docs permissions`"


def test_the_matrix_follows_the_code(monkeypatch):
    row = next(line for line in permissions.matrix_markdown().splitlines() if line.startswith("| Audit log |"))
    assert row.count("yes") == 1  # the administrator only
    from sendboard import access

    # the registry with one more role on the Audit log page: the generated matrix must follow it
    changed = tuple(p if p.key != "audit" else type(p)(p.key, p.title, p.path, p.icon, p.group,
                                                       frozenset({"admin", "head"}), p.question, p.pupil_level)
                    for p in access.PAGES)
    monkeypatch.setattr(permissions, "PAGES", changed)
    row = next(line for line in permissions.matrix_markdown().splitlines() if line.startswith("| Audit log |"))
    assert row.count("yes") == 2
    assert permissions.replaced(permissions.DOC.read_text(encoding="utf-8")) != permissions.DOC.read_text(encoding="utf-8")


def test_the_command_refuses_a_stale_copy_and_rewrites_it(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "security.md"
    text = permissions.DOC.read_text(encoding="utf-8")
    stale.write_text(text.replace("| Audit log |  |", "| Audit log | yes |", 1), encoding="utf-8")
    monkeypatch.setattr(permissions, "DOC", stale)
    assert cli.main(["docs", "permissions", "--check"]) == 1
    assert "differs from the code" in capsys.readouterr().err
    assert cli.main(["docs", "permissions"]) == 0
    assert stale.read_text(encoding="utf-8") == text
    assert cli.main(["docs", "permissions", "--check"]) == 0


def test_every_action_names_a_role_set_the_code_holds():
    for action in permissions.ACTIONS:
        roles = action.roles()
        assert roles and roles <= {"head", "senco", "teacher", "governor", "admin", "trust"}, action


def test_the_document_refers_to_nothing_outside_the_repository():
    text = permissions.DOC.read_text(encoding="utf-8")
    assert not re.search(r"/work/|/home/|/tmp/", text)
