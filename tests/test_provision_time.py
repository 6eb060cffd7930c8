"""Provision time as it happens: delivery (in class or withdrawn) apart from the wave, one or more
sessions a week each with a day and time, withdrawal minutes from withdrawn sessions only, and the
class card saying when a pupil is out of class and when they have support in it. Fixture school,
as at 2026-01-20; the rows are added here.

- Reading catch-up (7001, targeted, 3 planned sessions a week of 30 min): pupil 2 withdrawn on Tue 10:40
  and Thu 13:15 only -> 2 x 30 = 60 minutes a week out of class (not the planned 90).
- In-class support (7002, specialist: individual provision, 5 x 120 min): pupil 4 in class every day at
  08:50 -> 0 minutes out of class; the card lists it under support in class: "every day 08:50 (2 h each)".
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from sendboard.classroom import profile
from sendboard.provision import ProvisionError, costs
from sendboard.provision.allocations import add_allocation, edit_allocation, parse_sessions, year_allocations
from sendboard.scope import Scope
from tests.classroom_helpers import add_classroom_rows

TODAY = date(2026, 1, 20)


@pytest.fixture
def with_sessions(fixture_db, viewers):
    add_classroom_rows(fixture_db)
    cur = fixture_db.cursor()
    cur.execute("DELETE FROM allocations WHERE intervention_id = 7001")
    cur.execute("UPDATE interventions SET sessions_per_week = 3 WHERE intervention_id = 7001")
    cur.execute("INSERT INTO interventions (intervention_id, school_id, name, areas, wave, delivered_by, group_size, "
                "sessions_per_week, minutes_per_session, planned_weeks, measure, measure_scale) VALUES "
                "(7002, 1, 'In-class support', 'CI', 'specialist', 'teaching_assistant', 1, 5, 120, 38, "
                "'Independence rating', 'rating 1-10')")
    senco = viewers["senco"]
    reading = add_allocation(fixture_db, Scope(senco, TODAY), 2, 7001, {"start_date": date(2026, 1, 5), "delivery": "withdrawn",
                                                            "sessions": "Thursday 13.15; tue 10:40"})
    in_class = add_allocation(fixture_db, Scope(senco, TODAY), 4, 7002, {"start_date": date(2026, 1, 5), "delivery": "in_class",
                                                           "sessions": "Mon 8:50, Tue 8:50, Wed 8:50, Thu 8:50, Fri 8:50"})
    return fixture_db, reading, in_class


def test_sessions_are_read_in_weekday_order():
    assert parse_sessions("Thursday 13.15; tue 10:40") == [("Tuesday", "10:40"), ("Thursday", "13:15")]
    assert parse_sessions("") == [] and parse_sessions(None) == []
    assert parse_sessions("Mon 9:05, mon 09:05") == [("Monday", "09:05")]


@pytest.mark.parametrize("text,words", [("Mon 10:40, Funday 9:00", "'Funday 9:00'"), ("Mon 25:00", "'Mon 25:00' is not a time"),
                                        ("Mon", "'Mon'"), ("Saturday 10:00", "'Saturday 10:00'")])
def test_bad_sessions_are_refused_naming_the_part_and_nothing_is_written(fixture_db, viewers, text, words):
    before = fixture_db.cursor().execute("SELECT count(*) FROM allocations").fetchone()[0]
    add_classroom_rows(fixture_db)
    with pytest.raises(ProvisionError, match=words.replace("(", r"\(")):
        add_allocation(fixture_db, Scope(viewers["senco"], TODAY), 2, 7001, {"start_date": date(2026, 1, 5), "sessions": text})
    cur = fixture_db.cursor()
    assert cur.execute("SELECT count(*) FROM allocations").fetchone()[0] == before + 1  # only the helper's row
    assert cur.execute("SELECT count(*) FROM allocation_sessions").fetchone()[0] == 0
    with pytest.raises(ProvisionError, match="in class"):
        add_allocation(fixture_db, Scope(viewers["senco"], TODAY), 2, 7001, {"start_date": date(2026, 1, 5), "delivery": "sideways"})


def test_withdrawal_minutes_count_withdrawn_sessions_only(with_sessions, viewers):
    db, reading, in_class = with_sessions
    frame = year_allocations(db, Scope(viewers["senco"], TODAY), 1, 2025, TODAY).set_index("allocation_id")
    assert frame.loc[reading, "minutes_week"] == 60 and frame.loc[in_class, "minutes_week"] == 0
    assert frame.loc[reading, "session_times"] == "Tue 10:40, Thu 13:15"
    out = costs.time_out_of_class(frame.reset_index(), 0).set_index("pupil_id")
    assert out.loc[2, "minutes_week"] == 60 and 4 not in out.index
    # in-class support still costs staff time: 5 x 2 h a week for one pupil
    assert frame.loc[in_class, "staff_hours_week"] == pytest.approx(10)


def test_class_card_says_when_out_of_class_and_when_supported_in_it(with_sessions, viewers):
    db, _, _ = with_sessions
    cards = {c["pupil_id"]: c for c in profile.class_profile(db, Scope(viewers["teacher"], TODAY), 201, TODAY)["cards"]}
    assert cards[2]["interventions"] == ["Reading catch-up: Tue 10:40, Thu 13:15 (30 min each)"]
    assert cards[2]["in_class_support"] == []
    assert cards[4]["interventions"] == []
    assert cards[4]["in_class_support"] == ["In-class support: every day 08:50 (2 h each)"]


def test_changing_sessions_is_audited_with_old_and_new(with_sessions, viewers):
    db, reading, _ = with_sessions
    changed = edit_allocation(db, Scope(viewers["senco"], TODAY), reading, {"sessions": "Wed 09:15"})
    assert changed["sessions"] == "Wed 09:15"
    cur = db.cursor()
    assert cur.execute("SELECT day_of_week, start_time FROM allocation_sessions WHERE allocation_id = $a",
                       {"a": reading}).fetchall() == [("Wednesday", "09:15")]
    old, new = cur.execute("SELECT old_value, new_value FROM audit_log WHERE action = 'allocation_changed' "
                           "AND object_id = $a ORDER BY audit_id DESC LIMIT 1", {"a": reading}).fetchone()
    assert json.loads(old)["sessions"] == "Tue 10:40, Thu 13:15" and json.loads(new)["sessions"] == "Wed 09:15"
    assert edit_allocation(db, Scope(viewers["senco"], TODAY), reading, {"sessions": "wednesday 9:15"}) == {}


# --------------------------------------------------------------------------- the allocations import kind

def _import(db, text: str):
    from sendboard.importers import SourceFile, load

    return load(db, [SourceFile("allocations.csv", text.encode())], kind="allocations")


def _sessions(db):
    return db.cursor().execute(
        "SELECT p.pupil_id, a.delivery, s.day_of_week, s.start_time FROM allocation_sessions s "
        "JOIN allocations a USING (allocation_id) JOIN pupils p USING (pupil_id) ORDER BY 1, 3, 4").fetchall()


def test_import_carries_delivery_and_sessions_and_undo_puts_them_back(fixture_db):
    from sendboard.importers import commit, undo_last
    from tests.test_import_bad_files import upn

    add_classroom_rows(fixture_db)
    fixture_db.cursor().execute("DELETE FROM allocations")
    head = "UPN,Intervention,Start Date,Delivery,Sessions\n"
    first = head + (f"{upn(2)},Reading catch-up,05/01/2026,Withdrawn,Tue 10:40; Thu 13:15\n"
                    f"{upn(3)},Reading catch-up,05/01/2026,in class,Mon 9:00\n")
    batch = _import(fixture_db, first)
    assert batch.ok, [str(p) for p in batch.problems]
    commit(fixture_db, batch, "tester")
    assert _sessions(fixture_db) == [(2, "withdrawn", "Thursday", "13:15"), (2, "withdrawn", "Tuesday", "10:40"),
                                     (3, "in_class", "Monday", "09:00")]
    # a second file replaces pupil 2's sessions (Thursday dropped, Friday added); pupil 3's are untouched
    batch = _import(fixture_db, "UPN,Intervention,Start Date,Sessions\n"
                                f"{upn(2)},Reading catch-up,05/01/2026,Tue 10:40; Fri 11:00\n")
    commit(fixture_db, batch, "tester")
    assert _sessions(fixture_db) == [(2, "withdrawn", "Friday", "11:00"), (2, "withdrawn", "Tuesday", "10:40"),
                                     (3, "in_class", "Monday", "09:00")]
    undo_last(fixture_db, "tester")
    assert _sessions(fixture_db) == [(2, "withdrawn", "Thursday", "13:15"), (2, "withdrawn", "Tuesday", "10:40"),
                                     (3, "in_class", "Monday", "09:00")]


def test_import_refuses_unreadable_sessions_naming_file_row_field_and_value(fixture_db):
    from tests.test_import_bad_files import upn

    add_classroom_rows(fixture_db)
    before = _sessions(fixture_db)
    batch = _import(fixture_db, "UPN,Intervention,Start Date,Delivery,Sessions\n"
                                f"{upn(2)},Reading catch-up,05/01/2026,withdrawn,Mon 10:40; Caturday 9:00\n"
                                f"{upn(3)},Reading catch-up,05/01/2026,sideways,Mon 10:40\n")
    assert not batch.ok
    texts = [str(p) for p in batch.problems]
    assert any("allocations.csv" in t and "Sessions" in t and "Caturday 9:00" in t and "row" in t.lower() for t in texts), texts
    assert any("Delivery" in t and "'sideways'" in t and "in class or withdrawn" in t for t in texts), texts
    assert _sessions(fixture_db) == before


def test_sessions_go_with_the_pupil_in_subject_access_and_erasure(with_sessions, viewers):
    from sendboard.transfer import erase_pupil, pupil_frames

    db, reading, _ = with_sessions
    frames = pupil_frames(db, 2)
    assert sorted(frames["allocation_sessions"]["day_of_week"]) == ["Thursday", "Tuesday"]
    counts = erase_pupil(db, viewers["admin"], 2)
    assert counts["allocation_sessions"] == 2
    assert db.cursor().execute("SELECT count(*) FROM allocation_sessions WHERE allocation_id = $a",
                               {"a": reading}).fetchone()[0] == 0
