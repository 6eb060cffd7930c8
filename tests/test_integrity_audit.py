"""The audit log answers "who saw this pupil", records refusals whatever their input, and is tamper-evident."""
import hashlib
import json
import threading

import duckdb
import pytest

from sendboard import audit, cli
from sendboard import db as dbmod
from sendboard.app_db import open_database
from sendboard.db import close_all
from sendboard.transfer import pupil_frames


def test_every_entry_is_linked_to_the_one_before(fixture_db, viewers):
    ids = [audit.record(fixture_db, viewers["head"], "view", object_type="overview", detail={"pupils": [1, 2]}),
           audit.record(fixture_db, viewers["teacher"], "view", object_type="passport", pupil_id=3)]
    cur = fixture_db.cursor()
    links = cur.execute("SELECT audit_id, prev_hash, entry_hash FROM audit_links WHERE audit_id IN ($a, $b) ORDER BY audit_id",
                        {"a": ids[0], "b": ids[1]}).fetchall()
    assert links[1][1] == links[0][2]  # the second links to the first
    # the hash is SHA-256 of the canonical text, worked out here independently
    row = cur.execute("SELECT audit_id, logged_at, username, role, action, object_type, object_id, pupil_id, group_id, "
                      "detail, old_value, new_value FROM audit_log WHERE audit_id = $a", {"a": ids[1]}).fetchone()
    text = json.dumps([row[0], row[1].isoformat(sep=" ", timespec="microseconds"), "teacher", "teacher", "view",
                       "passport", None, 3, None, None, None, None, [3], links[1][1]], ensure_ascii=False,
                      separators=(",", ":"))
    assert links[1][2] == hashlib.sha256(text.encode()).hexdigest()
    report = audit.verify(fixture_db)
    assert report.ok and report.chained == report.entries and report.unchained == 0


def _tamper(path, statement):
    close_all()
    con = duckdb.connect(str(path))  # someone with the file and a DuckDB shell
    con.execute(statement)
    con.close()
    return open_database(path)


@pytest.mark.parametrize("statement,reason", [
    ("UPDATE audit_log SET username = 'someone_else' WHERE audit_id = {mid}", "contents were changed"),
    ("DELETE FROM audit_log WHERE audit_id = {mid}", "removed"),
    ("DELETE FROM audit_pupils_seen WHERE audit_id = {mid}", "contents were changed"),
])
def test_verify_finds_the_first_broken_link(fixture_path, viewers, statement, reason):
    db = open_database(fixture_path)
    ids = [audit.record(db, viewers["head"], "view", object_type="overview", detail={"pupils": [n, n + 1]})
           for n in range(1, 6)]
    mid = ids[2]
    db = _tamper(fixture_path, statement.format(mid=mid))
    report = audit.verify(db)
    assert not report.ok
    assert report.broken_at == (ids[3] if "DELETE FROM audit_log" in statement else mid)
    assert reason in report.reason
    close_all()
    assert cli.main(["audit", "verify", "--db", str(fixture_path)]) == 3


def test_verify_notices_the_newest_entries_removed(fixture_path, viewers):
    db = open_database(fixture_path)
    ids = [audit.record(db, viewers["head"], "view") for _ in range(3)]
    db = _tamper(fixture_path, f"DELETE FROM audit_log WHERE audit_id >= {ids[1]}; DELETE FROM audit_links WHERE audit_id >= {ids[1]}")
    report = audit.verify(db)
    assert not report.ok and "last entries were removed" in report.reason


def test_verify_command_passes_on_an_untouched_log(fixture_path, viewers, capsys):
    db = open_database(fixture_path)
    audit.record(db, viewers["head"], "view")
    close_all()
    assert cli.main(["audit", "verify", "--db", str(fixture_path)]) == 0
    assert "chain holds" in capsys.readouterr().out


@pytest.mark.parametrize("statement", [
    'UPDATE "audit_log" SET detail = NULL', "update main.\"audit_log\" set detail = null",
    "TRUNCATE TABLE audit_log", "truncate audit_links", "DELETE /* tidy */ FROM audit_log",
    "DELETE audit_log", "UPDATE audit_links SET entry_hash = 'x'", "UPDATE audit_chain SET last_hash = 'x'",
    "DELETE FROM audit_pupils_seen", "INSERT OR REPLACE INTO audit_log (audit_id, action) VALUES (1, 'x')",
    "INSERT INTO audit_links VALUES (1, 'a', 'b') ON CONFLICT DO UPDATE SET entry_hash = 'c'",
    "DROP TABLE IF EXISTS audit_pupils_seen", "ALTER TABLE audit_links DROP COLUMN prev_hash",
    "CREATE OR REPLACE TABLE audit_log AS SELECT 1",
])
def test_the_guard_refuses_every_form_of_update_or_delete(fixture_db, monkeypatch, statement):
    monkeypatch.setitem(dbmod.named_queries(), "evil", statement)
    with pytest.raises(PermissionError):
        fixture_db.write(lambda w: w.run("evil"))
    assert audit.verify(fixture_db).ok


def test_no_bulk_insert_into_the_audit_tables(fixture_db):
    import pandas as pd

    with pytest.raises(PermissionError):
        fixture_db.write(lambda w: w.insert_frame("audit_log", pd.DataFrame({"action": ["x"]})))


@pytest.mark.parametrize("given", ["1 OR 1=1", "99999999999999999999", "-", "3;DROP TABLE pupils", "ﾉ" * 500])
def test_a_refusal_with_a_malformed_pupil_id_is_still_recorded(fixture_db, viewers, given):
    audit_id = audit.record(fixture_db, viewers["teacher"], "access_refused", object_type="passport",
                            object_id=given, pupil_id=given)
    row = fixture_db.cursor().execute("SELECT action, pupil_id, detail FROM audit_log WHERE audit_id = $a",
                                      {"a": audit_id}).fetchone()
    assert row[0] == "access_refused" and row[1] is None
    assert json.loads(row[2])["pupil_id_given"] == given[:200]


def test_pupils_seen_in_a_list_are_rows_the_subject_access_export_finds(fixture_db, viewers):
    audit.record(fixture_db, viewers["head"], "view", object_type="ehc_plans", pupils=[4, 12])
    audit.record(fixture_db, viewers["head"], "download", object_type="provision_map", pupils=[12, 1])
    who = fixture_db.query("audit_who_saw_pupil", pupil_id=12)
    assert list(who["object_type"]) == ["provision_map", "ehc_plans"]  # newest first
    assert fixture_db.query("audit_who_saw_pupil", pupil_id=4)["object_type"].tolist() == ["ehc_plans"]
    frames = pupil_frames(fixture_db, 12)
    assert set(frames["audit_log"]["object_type"]) >= {"ehc_plans", "provision_map"}
    assert "ehc_plans" not in set(pupil_frames(fixture_db, 1)["audit_log"]["object_type"])


def test_concurrent_appends_never_fork_the_chain(fixture_db, viewers):
    errors = []

    def many(n):
        try:
            for i in range(15):
                audit.record(fixture_db, viewers["head"], "view", object_type=f"t{n}", pupil_id=i + 1)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=many, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = audit.verify(fixture_db)
    assert report.ok, report.message()
    assert fixture_db.cursor().execute("SELECT count(*) FROM audit_log WHERE object_type LIKE 't_'").fetchone()[0] == 60


def _seen_by_last_view(db, page):
    cur = db.cursor()
    audit_id = cur.execute("SELECT max(audit_id) FROM audit_log WHERE action = 'view' AND object_type = $p",
                           {"p": page}).fetchone()[0]
    assert audit_id is not None, page
    return {r[0] for r in cur.execute("SELECT pupil_id FROM audit_pupils_seen WHERE audit_id = $a", {"a": audit_id}).fetchall()}


def test_list_pages_record_each_pupil_they_show(fixture_path):
    from tests.apptest_helpers import signed_in
    from tests.classroom_helpers import add_classroom_rows

    db = open_database(fixture_path)
    add_classroom_rows(db)
    at = signed_in("teacher", page="pages/class_profile.py")
    assert not at.exception
    seen = _seen_by_last_view(db, "class_profile")
    # 7A (pupils 1-10): SEN support 1, 2, 3; EHC plan 4; pupil 6 of concern (tests/classroom_helpers.py)
    assert {1, 2, 3, 4, 6} <= seen <= set(range(1, 11))
    at = signed_in("senco", page="pages/provision_map.py", term_id=20252)
    assert not at.exception
    assert 2 in _seen_by_last_view(db, "provision_map")  # pupil 2 is in Reading catch-up
    who = db.query("audit_who_saw_pupil", pupil_id=2)
    assert {"teacher", "senco"} <= set(who["username"])


def test_a_download_records_its_columns_and_each_pupil_in_it(fixture_db, viewers):
    import pandas as pd

    from sendboard import ui

    class Ctx:  # what ui._record_download reads from the page context
        db, viewer, page_key = fixture_db, viewers["senco"], "overview"

    frame = pd.DataFrame({"pupil_id": [3, 1, 3], "Name": ["a", "b", "c"]})
    ui._record_download(Ctx, "overview_pupils", "csv", len(frame), frame)
    row = fixture_db.cursor().execute("SELECT audit_id, detail FROM audit_log ORDER BY audit_id DESC LIMIT 1").fetchone()
    assert json.loads(row[1]) == {"format": "csv", "rows": 3, "columns": ["pupil_id", "Name"], "pupil_count": 2}
    assert fixture_db.cursor().execute("SELECT list(pupil_id ORDER BY pupil_id) FROM audit_pupils_seen WHERE audit_id = $a",
                                       {"a": row[0]}).fetchone()[0] == [1, 3]


@pytest.mark.parametrize("given", ["99999999999", "1 OR 1=1", "21"])
def test_a_crafted_pupil_id_in_the_address_is_refused_and_recorded(fixture_path, given):
    from streamlit.testing.v1 import AppTest

    from sendboard.auth import viewer_for
    from tests.apptest_helpers import APP

    db = open_database(fixture_path)
    uid = db.cursor().execute("SELECT user_id FROM users WHERE username = 'teacher'").fetchone()[0]
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["viewer"] = viewer_for(db, uid)
    at.run()
    at.query_params["pupil_id"] = given
    at.switch_page("pages/passport.py")
    at.run()
    assert not at.exception
    assert any("not available to you" in e.value for e in at.error)
    row = db.cursor().execute("SELECT username, pupil_id, object_id, detail FROM audit_log WHERE action = 'access_refused' "
                              "ORDER BY audit_id DESC LIMIT 1").fetchone()
    assert row[0] == "teacher" and row[2] == given  # what was asked for, exactly
    if given == "21":  # a real pupil at another school: recorded by id, so "who tried to see pupil 21" finds it
        assert row[1] == 21 and "teacher" in set(db.query("audit_who_saw_pupil", pupil_id=21)["username"])
    else:
        assert row[1] is None
    assert audit.verify(db).ok


def test_an_entry_recorded_during_a_write_joins_that_write(fixture_db, viewers):
    def work(w):
        audit.record(fixture_db, viewers["head"], "view", object_type="inside", pupil_id=1)
        return 1

    fixture_db.write(work)
    assert fixture_db.cursor().execute("SELECT count(*) FROM audit_log WHERE object_type = 'inside'").fetchone()[0] == 1

    def failing(w):
        audit.record(fixture_db, viewers["head"], "view", object_type="rolled_back", pupil_id=1)
        raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError):
        fixture_db.write(failing)
    assert fixture_db.cursor().execute("SELECT count(*) FROM audit_log WHERE object_type = 'rolled_back'").fetchone()[0] == 0
    assert audit.verify(fixture_db).ok


def test_the_audit_page_pupil_filter_finds_list_views_of_the_pupil(fixture_db, viewers):
    from datetime import date

    from sendboard import admin

    audit.record(fixture_db, viewers["head"], "view", object_type="overview", detail={"list": "EHC", "pupils": [4, 12]})
    found = admin.search_audit(fixture_db, viewers["admin"], date_from=date(2000, 1, 1), date_to=date(2100, 1, 1),
                               username="", action="view", pupil_id=12)
    assert list(found["object_type"]) == ["overview"]


@pytest.mark.parametrize("statement", ['UPDATE "audit_log" SET detail = NULL', "TRUNCATE TABLE audit_log",
                                       "DELETE FROM main.audit_links", "update audit_chain set last_hash = ''"])
def test_raw_sql_inside_a_write_is_guarded_too(fixture_db, statement):
    with pytest.raises(PermissionError):
        fixture_db.write(lambda w: w.cur.execute(statement))
    assert audit.verify(fixture_db).ok
