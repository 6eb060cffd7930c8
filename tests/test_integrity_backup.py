"""Backups with a manifest; restores that verify everything first, keep the live file and keep later audit
entries; backups while another process holds the database."""
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from sendboard import audit, cli
from sendboard.app_db import open_database
from sendboard.backup import BackupError, backup, manifest_path, restore, verify_backup
from sendboard.db import close_all


def table_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name='main'").fetchall()]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def file_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


def test_backup_writes_a_manifest_that_matches_the_copy(fixture_db, tmp_path):
    target = tmp_path / "b.duckdb"
    result = backup(fixture_db, "tester", target)
    manifest = json.loads(manifest_path(target).read_text())
    assert manifest == result.manifest
    assert manifest["schema_version"] == 20 or manifest["schema_version"] >= 20
    # the fixture school: 21 pupils (20 at Oak Lane, 1 at Elm Road), 2 schools
    assert manifest["tables"]["pupils"]["rows"] == 21
    assert manifest["tables"]["schools"]["rows"] == 2
    assert {t: v["rows"] for t, v in manifest["tables"].items()} == table_counts(target)
    import hashlib
    assert manifest["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert manifest["bytes"] == target.stat().st_size
    assert verify_backup(target) == manifest
    # backups hold every pupil's records: owner-only
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(manifest_path(target).stat().st_mode) == 0o600
    last = fixture_db.cursor().execute("SELECT action, object_id FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone()
    assert last == ("backup", "b.duckdb")


def _damaged_copies(fixture_db, tmp_path):
    good = tmp_path / "good.duckdb"
    backup(fixture_db, "tester", good)
    data = good.read_bytes()
    manifest = manifest_path(good).read_text()
    damaged = {}
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(data[: len(data) // 2])
    damaged["truncated"] = truncated
    corrupt = tmp_path / "corrupt.duckdb"
    middle = len(data) // 2
    corrupt.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 4096]) + data[middle + 4096:])
    damaged["corrupt"] = corrupt
    for path in (truncated, corrupt):
        manifest_path(path).write_text(manifest)
    bare = tmp_path / "bare.duckdb"
    bare.write_bytes(data)
    damaged["no manifest"] = bare
    return damaged


@pytest.mark.parametrize("kind,words", [("truncated", "truncated or damaged"), ("corrupt", "does not match its manifest"),
                                        ("no manifest", "has no manifest")])
def test_a_damaged_backup_is_refused_and_the_live_file_is_untouched(fixture_path, tmp_path, kind, words):
    db = open_database(fixture_path)
    bad = _damaged_copies(db, tmp_path)[kind]
    close_all()
    live_before = file_bytes(fixture_path)
    with pytest.raises(BackupError) as err:
        restore(bad, fixture_path, "tester")
    assert words in str(err.value) and "Nothing was changed" in str(err.value)
    assert file_bytes(fixture_path) == live_before
    assert not list(tmp_path.glob("*.before-restore-*")) and not list(fixture_path.parent.glob("*.restoring"))
    # and from the command line: a message, exit code 2, nothing changed
    assert cli.main(["restore", str(bad), "--db", str(fixture_path), "--yes"]) == 2
    assert file_bytes(fixture_path) == live_before


def test_a_table_that_differs_from_the_manifest_is_named(fixture_db, tmp_path):
    good = tmp_path / "good.duckdb"
    backup(fixture_db, "tester", good)
    manifest = json.loads(manifest_path(good).read_text())
    manifest["tables"]["pupils"]["rows"] = 20  # the manifest says one fewer pupil than the file holds
    manifest_path(good).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="table pupils has 21 rows"):
        verify_backup(good)


def test_restore_keeps_later_audit_entries_and_the_live_file(fixture_path, tmp_path, viewers):
    db = open_database(fixture_path)
    good = tmp_path / "good.duckdb"
    backup(db, "tester", good)
    last_in_backup = db.cursor().execute("SELECT max(audit_id) FROM audit_log").fetchone()[0]
    later = [audit.record(db, viewers["teacher"], "view", object_type="passport", pupil_id=3),
             audit.record(db, viewers["head"], "view", object_type="overview", detail={"pupils": [1, 2, 11]})]
    db.cursor().execute("UPDATE pupils SET first_name = 'Changed' WHERE pupil_id = 1")  # a change the backup lacks
    close_all()
    result = restore(good, fixture_path, "tester")
    assert result.carried_audit_entries == 3  # the two views and the backup's own entry
    assert result.aside is not None and result.aside.exists()
    assert table_counts(result.aside)["pupils"] == 21
    db = open_database(fixture_path)
    cur = db.cursor()
    assert cur.execute("SELECT first_name FROM pupils WHERE pupil_id = 1").fetchone() == ("Pupil01",)
    ids = [r[0] for r in cur.execute("SELECT audit_id FROM audit_log WHERE audit_id > $a ORDER BY audit_id",
                                     {"a": last_in_backup}).fetchall()]
    assert set(later) <= set(ids)  # kept with their own ids
    assert cur.execute("SELECT list(pupil_id ORDER BY pupil_id) FROM audit_pupils_seen WHERE audit_id = $a",
                       {"a": later[1]}).fetchone()[0] == [1, 2, 11]
    restore_id = cur.execute("SELECT max(audit_id) FROM audit_log WHERE action = 'restore'").fetchone()[0]
    assert restore_id > max(later)  # no id reused
    new_id = audit.record(db, "tester", "view")
    assert new_id > restore_id
    report = audit.verify(db)
    assert report.ok, report.message()
    # the next successful backup removes the file moved aside
    backup(db, "tester", tmp_path / "next.duckdb")
    assert not result.aside.exists()


def test_restore_refuses_while_the_database_is_open_elsewhere(fixture_path, tmp_path):
    db = open_database(fixture_path)
    good = tmp_path / "good.duckdb"
    backup(db, "tester", good)
    with pytest.raises(BackupError, match="Stop the app first"):
        restore(good, fixture_path, "tester")


HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS holder_ticks (n INTEGER)")
open(sys.argv[2], "w").write("ready")
n = 0
while True:
    n += 1
    con.execute("INSERT INTO holder_ticks VALUES (?)", [n])
    time.sleep(0.01)
"""


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def test_command_line_backup_while_another_process_holds_the_database(fixture_path, tmp_path):
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(fixture_path), str(ready)])
    try:
        wait_for(ready.exists)
        target = tmp_path / "hot.duckdb"
        assert cli.main(["backup", str(target), "--db", str(fixture_path)]) == 0
        manifest = verify_backup(target)
        assert manifest["method"] == "copy of the file in use"
        assert manifest["tables"]["pupils"]["rows"] == 21
    finally:
        proc.kill()
        proc.wait()
    result = restore(target, fixture_path, "tester")
    close_all()
    counts = table_counts(fixture_path)
    assert counts["pupils"] == 21 and counts["holder_ticks"] >= 1 and result.aside.exists()


def test_the_administrator_backs_up_and_checks_the_log_from_the_audit_page(fixture_path, tmp_path, monkeypatch, viewers):
    from sendboard.backup import BACKUP_DIR_ENV, backup_now
    from tests.apptest_helpers import signed_in

    monkeypatch.setenv(BACKUP_DIR_ENV, str(tmp_path / "nightly"))
    at = signed_in("admin", page="pages/audit.py")
    next(b for b in at.button if b.label == "Back up now").click()
    at.run()
    assert not at.exception
    assert any("Backed up" in s.value for s in at.success), [e.value for e in at.error]
    made = list((tmp_path / "nightly").glob("*.duckdb"))
    assert len(made) == 1 and verify_backup(made[0])["tables"]["pupils"]["rows"] == 21
    next(b for b in at.button if b.label == "Check the audit log").click()
    at.run()
    assert any("chain holds" in s.value for s in at.success)
    with pytest.raises(PermissionError):
        backup_now(open_database(fixture_path), viewers["head"], )


PRIVATE_FILES = """
import json, os, stat, sys
from pathlib import Path
from sendboard.app_db import open_database
path = Path(sys.argv[1])
db = open_database(path)
db.cursor().execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
db.cursor().execute("INSERT INTO t VALUES (1)")
wal = Path(str(path) + ".wal")
modes = {"db": stat.S_IMODE(path.stat().st_mode), "folder": stat.S_IMODE(path.parent.stat().st_mode),
         "wal": stat.S_IMODE(wal.stat().st_mode) if wal.exists() else None}
print(json.dumps(modes))
"""


def _as_a_shell_would(cmd, **kwargs):
    """Run with the umask a login shell usually leaves (022): sendboard must not rely on a stricter one."""
    return subprocess.run(cmd, preexec_fn=lambda: os.umask(0o022), capture_output=True, text=True, **kwargs)


def test_files_are_created_readable_by_the_owner_only(tmp_path, fixture_path):
    fresh = tmp_path / "new" / "school.duckdb"
    done = _as_a_shell_would([sys.executable, "-c", PRIVATE_FILES, str(fresh)])
    assert done.returncode == 0, done.stderr
    modes = json.loads(done.stdout.strip().splitlines()[-1])
    assert modes["db"] == 0o600 and modes["folder"] == 0o700 and modes["wal"] in (None, 0o600), modes
    upn = open_database(fixture_path).cursor().execute("SELECT upn FROM pupils WHERE pupil_id = 1").fetchone()[0]
    close_all()
    out, sar, bak = tmp_path / "pupils.csv", tmp_path / "sar.zip", tmp_path / "b.duckdb"
    for args in (["export", "--table", "pupils", "--out", str(out)], ["export", "--pupil", upn, "--format", "zip", "--out", str(sar)],
                 ["backup", str(bak)]):
        done = _as_a_shell_would([sys.executable, "-m", "sendboard", *args, "--db", str(fixture_path)])
        assert done.returncode == 0, done.stderr
    for path in (out, sar, bak, manifest_path(bak)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_audit_verify_works_while_another_process_holds_the_database(fixture_path, tmp_path, capsys):
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(fixture_path), str(ready)])
    try:
        wait_for(ready.exists)
        assert cli.main(["audit", "verify", "--db", str(fixture_path)]) == 0
        assert "chain holds" in capsys.readouterr().out
    finally:
        proc.kill()
        proc.wait()


def test_error_details_are_not_shown_to_users():
    """An unexpected error shows a plain message in the browser; the traceback goes to the server log."""
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_an_older_backup_without_a_manifest_needs_saying_so_and_is_still_checked(fixture_path, tmp_path):
    import shutil as sh

    db = open_database(fixture_path)
    good = tmp_path / "good.duckdb"
    backup(db, "tester", good)
    close_all()
    old = tmp_path / "old.duckdb"
    sh.copyfile(good, old)  # as an older sendboard made it: no manifest
    assert cli.main(["restore", str(old), "--db", str(fixture_path), "--yes"]) == 2
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(old.read_bytes()[:4096])
    assert cli.main(["restore", str(junk), "--db", str(fixture_path), "--yes", "--without-manifest"]) == 2
    assert cli.main(["restore", str(old), "--db", str(fixture_path), "--yes", "--without-manifest"]) == 0
    db = open_database(fixture_path)
    detail = json.loads(db.cursor().execute("SELECT detail FROM audit_log WHERE action = 'restore'").fetchone()[0])
    assert detail["checked_against_manifest"] is False
    assert audit.verify(db).ok
