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


# --------------------------------------------------------------------------- the threats table

TEST_REFERENCE = re.compile(r"`(tests/test_[a-z0-9_]+\.py)::(test_[a-z0-9_]+)`")
REPO = permissions.DOC.parent.parent


def missing_tests(text: str) -> list[str]:
    """Every `tests/file.py::test_name` in the text whose file or module-level test function does not exist."""
    import ast

    missing = []
    for path, name in TEST_REFERENCE.findall(text):
        file = REPO / path
        names = ({n.name for n in ast.parse(file.read_text(encoding="utf-8")).body
                  if isinstance(n, ast.FunctionDef)} if file.exists() else set())
        if name not in names:
            missing.append(f"{path}::{name}")
    return missing


def _threat_rows(text: str) -> list[str]:
    section = text[text.index("## Threats, controls"):text.index("## Roles and what each may see")]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Threat ")]


def test_every_test_named_in_the_document_exists():
    text = permissions.DOC.read_text(encoding="utf-8")
    assert len(TEST_REFERENCE.findall(text)) >= 20
    assert missing_tests(text) == []


def test_the_check_notices_a_test_that_is_gone():
    planted = ("`tests/test_signin.py::test_no_such_test` and `tests/test_nowhere.py::test_x` and "
               "`tests/test_signin.py::test_a_name_that_is_not_an_account_is_stored_nowhere`")
    assert missing_tests(planted) == ["tests/test_signin.py::test_no_such_test", "tests/test_nowhere.py::test_x"]


def test_every_threat_has_a_control_and_a_test_and_every_finding_is_there():
    rows = _threat_rows(permissions.DOC.read_text(encoding="utf-8"))
    for row in rows:
        threat, control, proof = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert threat and control and TEST_REFERENCE.search(proof), row
    threats = " ".join(row.split(" | ")[0].lower() for row in rows)
    # the findings of the security review, each of which must keep its line
    for finding in ("reads the database, a backup or an export from disk", "traceback", "typed into the username box",
                    "locking the head out", "many sign-ins at once", "keeps using an open session", "lost on reload",
                    "demo", "raw cursor", "opt-in", "administrator reaches pupil data", "not linked to their staff record"):
        assert finding in threats, finding


def test_the_server_listens_on_loopback_unless_told_otherwise():
    run = (REPO / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert '--server.address "${SENDBOARD_ADDRESS:-127.0.0.1}"' in run
    config = (REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "address" not in config  # nothing there widens it
