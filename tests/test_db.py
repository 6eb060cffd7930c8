"""The data layer: migrations, bad database files, named queries, transactions and the audit guard."""
import ast
from pathlib import Path

import pytest

from sendboard import db as dbmod
from sendboard.app_db import open_database
from sendboard.db import DatabaseError


def table_names(db):
    return {r[0] for r in db.cursor().execute("SELECT table_name FROM information_schema.tables").fetchall()}


def test_migrations_from_empty_to_current_and_twice_is_a_no_op(tmp_path):
    db = open_database(tmp_path / "a.duckdb")
    status = db.schema_status()
    assert status.current == status.latest >= 2
    tables = table_names(db)
    for needed in ("schools", "pupils", "sen_provision", "sen_needs", "passports", "support_plans", "plan_reviews",
                   "ehc_plans", "pfa_outcomes", "interventions", "allocations", "training", "assessments",
                   "attendance", "suspensions", "funding", "key_factor_ratings", "users", "audit_log", "data_version"):
        assert needed in tables
    versions = db.cursor().execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert db.migrate() == []
    assert db.cursor().execute("SELECT version FROM schema_version ORDER BY version").fetchall() == versions
    assert table_names(db) == tables


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "new.duckdb"
    db = open_database(path)
    db.cursor().execute("INSERT INTO schema_version VALUES (999, '999_future', current_timestamp)")
    dbmod.close_all()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer sendboard"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_duckdb_is_refused_and_not_overwritten(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("these are my notes, not a database\n" * 20)
    with pytest.raises(DatabaseError, match="not a sendboard"):
        open_database(path)
    assert path.read_text().startswith("these are my notes")


def test_a_folder_or_unwritable_place_is_a_clear_message(tmp_path):
    with pytest.raises(DatabaseError, match="folder"):
        open_database(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os
        if os.access(locked, os.W_OK):  # running as root: permissions do not bind
            pytest.skip("root can write anywhere")
        with pytest.raises(DatabaseError, match="Cannot write"):
            open_database(locked / "x.duckdb")
    finally:
        locked.chmod(0o700)


def test_every_write_bumps_the_data_version(fixture_db):
    before = fixture_db.data_version()
    fixture_db.write(lambda w: w.run("upsert_setting", key="disclosure_threshold", value="6"))
    assert fixture_db.data_version() == before + 1


def test_a_failed_transaction_leaves_nothing_behind(fixture_db):
    before = fixture_db.data_version()

    def work(w):
        w.run("upsert_setting", key="disclosure_threshold", value="9")
        raise ValueError("stop half way")

    with pytest.raises(ValueError):
        fixture_db.write(work)
    assert fixture_db.data_version() == before
    assert fixture_db.cursor().execute("SELECT count(*) FROM settings WHERE value = '9'").fetchone()[0] == 0


def test_the_audit_log_cannot_be_updated_or_deleted_through_the_writer(fixture_db, monkeypatch):
    monkeypatch.setitem(dbmod.named_queries(), "evil", "DELETE FROM audit_log")
    with pytest.raises(PermissionError):
        fixture_db.write(lambda w: w.run("evil"))
    monkeypatch.setitem(dbmod.named_queries(), "evil", "update main.audit_log SET username = 'x'")
    with pytest.raises(PermissionError):
        fixture_db.write(lambda w: w.run("evil"))


def test_named_queries_use_parameters_never_formatting():
    for name, sql in dbmod.named_queries().items():
        assert "{" not in sql and "%s" not in sql, f"{name} looks string-built"


# ------------------------------------------------------------------ no SQL built by formatting, in any module

SENDBOARD = Path(dbmod.__file__).resolve().parent
RUNS_SQL = {"execute", "executemany", "sql", "query", "query_rows", "query_df", "scalar", "run"}


def _formatted(node, assigned: dict) -> str | None:
    """Why this expression is text built by formatting (f-string, %, .format, + of text), or None."""
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, (ast.Constant, ast.JoinedStr)):
        return "% formatting"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        sides = (node.left, node.right)
        if any(_formatted(side, assigned) for side in sides) or (
                any(isinstance(side, ast.Constant) and isinstance(side.value, str) for side in sides)
                and not all(isinstance(side, ast.Constant) for side in sides)):
            return "text joined with +"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return ".format()"
    if isinstance(node, ast.Name) and node.id in assigned:
        return assigned[node.id]
    return None


def formatting_sql_calls(source: str, filename: str) -> list[str]:
    """Calls that run SQL (execute, sql, query, run, ...) given formatted text, directly or through a variable
    assigned formatted text in the same function; `compose` templates that are not a literal; and `SQL(...)` made
    outside sendboard/sqltext.py."""
    found = []
    tree = ast.parse(source)
    scopes = [tree] + [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    for scope in scopes:
        assigned = {}
        body = list(ast.walk(scope)) if not isinstance(scope, ast.Module) else list(ast.iter_child_nodes(scope))
        for node in body:
            if isinstance(node, ast.Assign):
                why = _formatted(node.value, {})
                if why:
                    assigned.update({t.id: f"a variable holding {why}" for t in node.targets if isinstance(t, ast.Name)})
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0]
            if name in RUNS_SQL:
                why = _formatted(first, assigned)
                if why:
                    found.append(f"{filename}:{node.lineno}: {name}() given {why}")
            if name == "compose" and not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                found.append(f"{filename}:{node.lineno}: compose() template is not a literal")
            if name == "SQL" and not filename.endswith("sqltext.py"):
                found.append(f"{filename}:{node.lineno}: SQL() made outside sendboard/sqltext.py")
    return sorted(set(found))


def test_no_module_runs_sql_built_by_formatting():
    found = []
    for path in sorted(SENDBOARD.rglob("*.py")):
        found += formatting_sql_calls(path.read_text(encoding="utf-8"), str(path.relative_to(SENDBOARD.parent)))
    assert found == []


@pytest.mark.parametrize("code,why", [
    ("cur.execute(f'SELECT * FROM {table}')", "an f-string"),
    ("cur.execute('SELECT * FROM %s' % table)", "% formatting"),
    ("cur.execute('SELECT * FROM {}'.format(table))", ".format()"),
    ("cur.execute('SELECT * FROM ' + table)", "text joined with +"),
    ("db.sql(f'DELETE FROM {t} WHERE pupil_id = {p}')", "an f-string"),
    ("def f(cur, t):\n    q = f'SELECT * FROM {t}'\n    return cur.execute(q)", "a variable holding an f-string"),
    ("cur.execute(compose(template, t=ident(t)))", "not a literal"),
    ("cur.execute(SQL('SELECT 1'))", "outside sendboard/sqltext.py"),
])
def test_the_scan_catches_a_formatted_query(code, why):
    found = formatting_sql_calls(code, "planted.py")
    assert len(found) == 1 and why in found[0], found


def test_the_scan_lets_parameters_and_composed_identifiers_through():
    code = ("cur.execute('SELECT * FROM pupils WHERE pupil_id = $p', {'p': 3})\n"
            "cur.execute(compose('SELECT * FROM {t} WHERE pupil_id = $p', t=ident(table)), {'p': 3})\n"
            "db.query('user_by_username', username=name)\n")
    assert formatting_sql_calls(code, "fine.py") == []


def test_composed_sql_takes_only_checked_pieces():
    from sendboard import sqltext

    assert sqltext.compose("SELECT * FROM {t}", t=sqltext.ident("pupils")) == 'SELECT * FROM "pupils"'
    assert sqltext.idents(["a", "b"], alias="t", sep=" AND ") == 't."a" AND t."b"'
    assert sqltext.literal("it's") == "'it''s'"
    assert sqltext.column_type("DECIMAL(8,2)") == "DECIMAL(8,2)"
    with pytest.raises(TypeError, match="parameter"):
        sqltext.compose("SELECT * FROM pupils WHERE upn = {u}", u="A123' OR '1'='1")  # a plain value: refused
    with pytest.raises(ValueError, match="identifier"):
        sqltext.ident('pupils"; DROP TABLE audit_log; --')
    with pytest.raises(ValueError, match="column type"):
        sqltext.column_type("INTEGER); DROP TABLE pupils; --")
    with pytest.raises(KeyError, match="placeholders"):
        sqltext.compose("SELECT * FROM {t}", t=sqltext.ident("a"), extra=sqltext.ident("b"))


def test_missing_parameter_is_an_error_not_a_null(fixture_db):
    with pytest.raises(KeyError, match="missing query parameters"):
        fixture_db.query("user_by_username")


def test_each_thread_gets_its_own_cursor(fixture_db):
    import threading

    seen = []

    def read():
        seen.append(fixture_db.cursor())  # keep each alive, so no two can share an id
        fixture_db.query("all_schools")

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in seen}) == 4
