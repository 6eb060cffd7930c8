"""The data layer: migrations, bad database files, named queries, transactions and the audit guard."""
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
