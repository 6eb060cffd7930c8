"""The audit log is append-only: no code path can update, delete, truncate, drop or replace its rows."""
import re
from pathlib import Path

import pytest

from sendboard import db as dbmod

ROOT = Path(__file__).resolve().parent.parent
_T = r"""(?:\w+\.)?["`]?audit_log["`]?\b"""
TAMPERING = re.compile(
    r"\bupdate\s+" + _T
    + r"|\bdelete\s+from\s+" + _T
    + r"|\btruncate\s+(?:table\s+)?" + _T
    + r"|\bdrop\s+(?:table|view)\s+(?:if\s+exists\s+)?" + _T
    + r"|\balter\s+table\s+(?:if\s+exists\s+)?" + _T
    + r"|\binsert\s+or\s+replace\s+into\s+" + _T
    + r"|\binsert\s+into\s+" + _T + r"[^;]*\bon\s+conflict\b[^;]*\bdo\s+update\b",
    re.IGNORECASE | re.DOTALL)


def code_files():
    files = sorted((ROOT / "sendboard").rglob("*.sql")) + sorted((ROOT / "sendboard").rglob("*.py"))
    files += sorted((ROOT / "pages").rglob("*.py")) + [ROOT / "streamlit_app.py"]
    return [f for f in files if "__pycache__" not in f.parts]


@pytest.mark.parametrize("bad", [
    "UPDATE audit_log SET username = 'x'", "update main.audit_log set x=1", "DELETE FROM audit_log",
    "delete from \"audit_log\" where true", "TRUNCATE audit_log", "truncate table main.audit_log",
    "DROP TABLE IF EXISTS audit_log", "ALTER TABLE audit_log RENAME TO x", "INSERT OR REPLACE INTO audit_log VALUES (1)",
    "INSERT INTO audit_log (audit_id) VALUES (1) ON CONFLICT (audit_id) DO UPDATE SET action = 'x'",
])
def test_the_pattern_catches_every_kind_of_tampering(bad):
    assert TAMPERING.search(bad)


def test_no_sql_or_python_file_updates_or_deletes_audit_rows():
    files = code_files()
    assert len(files) > 20 and any(f.suffix == ".sql" for f in files)
    offenders = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for match in TAMPERING.finditer(text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)[:60]!r}")
    assert offenders == []


def test_no_named_statement_touches_audit_log_except_by_plain_insert():
    for name, sql in dbmod.named_queries().items():
        sql = re.sub(r"--[^\n]*", "", sql).strip()  # comments aside
        if re.search(r"\baudit_log\b", sql, re.I) and not re.match(r"(select|with)\b", sql, re.I):
            assert re.match(r"\s*insert\s+into\s+audit_log\b", sql, re.I) and "conflict" not in sql.lower(), name


@pytest.mark.parametrize("statement", [
    "TRUNCATE audit_log", "DROP TABLE audit_log", "ALTER TABLE audit_log DROP COLUMN detail",
    "UPDATE audit_log SET detail = NULL", "DELETE FROM main.audit_log",
])
def test_the_writer_refuses_tampering_at_run_time(fixture_db, monkeypatch, statement):
    monkeypatch.setitem(dbmod.named_queries(), "evil", statement)
    before = fixture_db.cursor().execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(PermissionError):
        fixture_db.write(lambda w: w.run("evil"))
    assert fixture_db.cursor().execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
