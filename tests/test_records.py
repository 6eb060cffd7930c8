"""Records area: concerns (raised only about pupils one teaches, decided by the SENCO, seen by the teacher),
funding lines, external specialists and their waiting times (hand-worked), disclosure for governors,
audit, subject access and erasure."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from sendboard.access import AccessDenied
from sendboard.records import RecordsError, concerns, funding, specialists
from sendboard.scope import Scope
from sendboard.transfer import erase_pupil, pupil_frames
from tests.fixture_school import TODAY

SCHOOL = 1


def audit_actions(db, action):
    return db.cursor().execute("SELECT username, object_type, pupil_id, old_value, new_value FROM audit_log "
                               "WHERE action = $a ORDER BY audit_id", {"a": action}).fetchall()


def raise_one(db, viewer, pupil_id, **kw):
    args = {"noticed": "Loses the thread of spoken instructions", "area": "CI", "evidence": "Three lessons this week",
            "raised_on": TODAY}
    args.update(kw)
    return concerns.raise_concern(db, Scope(viewer, TODAY), SCHOOL, pupil_id, **args)


# --------------------------------------------------------------------------- concerns

def test_a_teacher_raises_a_concern_only_about_a_pupil_they_teach(fixture_db, viewers):
    teacher = viewers["teacher"]  # teaches 7A: pupils 1-10
    concern_id = raise_one(fixture_db, teacher, 7)
    row = fixture_db.cursor().execute("SELECT pupil_id, raised_by, area, reason, evidence, decision, closed_on FROM concerns "
                                      "WHERE concern_id = $c", {"c": concern_id}).fetchone()
    assert row == (7, "teacher", "CI", "Loses the thread of spoken instructions", "Three lessons this week", None, None)
    assert audit_actions(fixture_db, "concern_changed")[0][:3] == ("teacher", "concern", 7)
    with pytest.raises(AccessDenied):
        raise_one(fixture_db, teacher, 15)  # 8A: taught by teacher2
    assert fixture_db.cursor().execute("SELECT count(*) FROM concerns WHERE pupil_id = 15").fetchone() == (0,)
    assert audit_actions(fixture_db, "access_refused")[-1][:3] == ("teacher", "concern", 15)
    with pytest.raises(AccessDenied):
        raise_one(fixture_db, viewers["governor"], 7)
    with pytest.raises(AccessDenied):
        raise_one(fixture_db, viewers["admin"], 7)


@pytest.mark.parametrize("change, field", [
    ({"noticed": "   "}, "noticed"), ({"noticed": "x" * 2001}, "noticed"), ({"area": "MAGIC"}, "area"),
    ({"raised_on": date(2026, 1, 21)}, "raised_on"), ({"raised_on": date(2024, 1, 1)}, "raised_on"),
])
def test_bad_concern_input_is_refused_naming_the_field(fixture_db, viewers, change, field):
    with pytest.raises(RecordsError) as err:
        raise_one(fixture_db, viewers["teacher"], 7, **change)
    assert err.value.field == field
    assert fixture_db.cursor().execute("SELECT count(*) FROM concerns WHERE pupil_id = 7").fetchone() == (0,)


def test_the_senco_decides_and_the_teacher_sees_what_became_of_it(fixture_db, viewers):
    teacher, senco = viewers["teacher"], viewers["senco"]
    first = raise_one(fixture_db, teacher, 7, raised_on=date(2026, 1, 10))
    second = raise_one(fixture_db, teacher, 8, noticed="Often upset at lunchtime", area="SEMH")
    q = concerns.queue(fixture_db, Scope(senco, TODAY), SCHOOL, TODAY)
    assert q["concern_id"].tolist() == [first, second]      # awaiting, oldest first
    assert q["days_since_raised"].tolist() == [10, 0]
    assert set(q["status"]) == {"Awaiting the SENCO"}
    with pytest.raises(AccessDenied):
        concerns.decide(fixture_db, Scope(teacher, TODAY), SCHOOL, first, decision="close", decided_on=TODAY, note="")
    with pytest.raises(RecordsError) as err:
        concerns.decide(fixture_db, Scope(senco, TODAY), SCHOOL, first, decision="close", decided_on=date(2026, 1, 9), note="")
    assert err.value.field == "decided_on"
    concerns.decide(fixture_db, Scope(senco, TODAY), SCHOOL, first, decision="monitor", decided_on=date(2026, 1, 12),
                    note="Watch for six weeks")
    concerns.decide(fixture_db, Scope(senco, TODAY), SCHOOL, second, decision="sen_support", decided_on=TODAY, note="")
    mine = concerns.raised_by_me(fixture_db, Scope(teacher, TODAY), SCHOOL).set_index("pupil_id")
    assert mine.loc[7, "status"] == "Monitor" and mine.loc[7, "outcome"] == "Watch for six weeks"
    assert mine.loc[8, "status"] == "Add to SEN support" and str(mine.loc[8, "closed_on"])[:10] == "2026-01-20"
    # monitoring keeps the concern open; adding to SEN support closes it and starts K on the register today
    assert fixture_db.cursor().execute("SELECT closed_on FROM concerns WHERE concern_id = $c", {"c": first}).fetchone() == (None,)
    assert fixture_db.cursor().execute("SELECT code, start_date::VARCHAR, end_date FROM sen_provision WHERE pupil_id = 8"
                                       ).fetchall() == [("K", "2026-01-20", None)]
    changes = audit_actions(fixture_db, "concern_changed")
    assert [c[0] for c in changes] == ["teacher", "teacher", "senco", "senco"]
    assert audit_actions(fixture_db, "sen_provision_changed")[0][:3] == ("senco", "sen_provision", 8)
    # the teacher of another class sees neither
    assert concerns.raised_by_me(fixture_db, Scope(viewers["teacher2"], TODAY), SCHOOL).empty
    assert concerns.for_pupil(fixture_db, Scope(viewers["teacher2"], TODAY), 7).empty


def test_adding_to_sen_support_ends_a_no_sen_period_and_leaves_a_pupil_on_the_register_alone(fixture_db, viewers):
    senco = viewers["senco"]
    fixture_db.cursor().execute("INSERT INTO sen_provision (pupil_id, code, start_date) VALUES (6, 'N', DATE '2025-09-01')")
    c6 = raise_one(fixture_db, senco, 6)
    c1 = raise_one(fixture_db, senco, 1)  # pupil 1 is already on SEN support
    concerns.decide(fixture_db, Scope(senco, TODAY), SCHOOL, c6, decision="sen_support", decided_on=TODAY, note="")
    concerns.decide(fixture_db, Scope(senco, TODAY), SCHOOL, c1, decision="sen_support", decided_on=TODAY, note="")
    assert fixture_db.cursor().execute("SELECT code, start_date::VARCHAR, end_date::VARCHAR FROM sen_provision "
                                       "WHERE pupil_id = 6 ORDER BY start_date").fetchall() == [
        ("N", "2025-09-01", "2026-01-19"), ("K", "2026-01-20", None)]
    assert fixture_db.cursor().execute("SELECT count(*) FROM sen_provision WHERE pupil_id = 1 AND start_date = $t",
                                       {"t": TODAY}).fetchone() == (0,)


# --------------------------------------------------------------------------- funding

def test_funding_lines_are_checked_scoped_to_cost_roles_and_audited(fixture_db, viewers):
    senco = viewers["senco"]
    with pytest.raises(RecordsError) as err:
        funding.add_line(fixture_db, Scope(senco, TODAY), SCHOOL, financial_year=2025, line="top_up", amount="6200", pupil_id=None,
                         note="")
    assert err.value.field == "pupil"
    with pytest.raises(RecordsError) as err:
        funding.add_line(fixture_db, Scope(senco, TODAY), SCHOOL, financial_year=2025, line="notional_sen", amount="lots", pupil_id=None,
                         note="")
    assert err.value.field == "amount" and "'lots'" in str(err.value)
    with pytest.raises(RecordsError) as err:
        funding.add_line(fixture_db, Scope(senco, TODAY), SCHOOL, financial_year=2025, line="other", amount="500", pupil_id=None,
                         note="")
    assert err.value.field == "note"
    with pytest.raises(AccessDenied):
        funding.add_line(fixture_db, Scope(viewers["teacher"], TODAY), SCHOOL, financial_year=2025, line="notional_sen", amount="1",
                         pupil_id=None, note="")
    fid = funding.add_line(fixture_db, Scope(senco, TODAY), SCHOOL, financial_year=2025, line="top_up", amount="£6,200", pupil_id=4,
                           note="Band C")
    lines = funding.lines(fixture_db, Scope(senco, TODAY), SCHOOL)
    row = lines[lines["funding_id"] == fid].iloc[0]
    assert (row["year"], row["line_name"], row["pupil"], row["amount"]) == (
        "2025-26", "Top-up (per pupil with an EHC plan)", "Pupil04 Fixture04", 6200.0)
    assert funding.lines(fixture_db, Scope(viewers["teacher"], TODAY), SCHOOL).empty
    assert funding.lines(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL).empty
    funding.remove_line(fixture_db, Scope(senco, TODAY), SCHOOL, fid)
    assert [a[0] for a in audit_actions(fixture_db, "funding_changed")] == ["senco", "senco"]
    assert fixture_db.cursor().execute("SELECT count(*) FROM funding WHERE funding_id = $f", {"f": fid}).fetchone() == (0,)


def test_financial_year_helpers():
    assert funding.financial_year_of(date(2026, 3, 31)) == 2025 and funding.financial_year_of(date(2026, 4, 1)) == 2026
    assert funding.academic_year_shares(2025) == {2024: 5 / 12, 2025: 7 / 12}
    assert funding.financial_year_label(2025) == "2025-26"


# --------------------------------------------------------------------------- external specialists

def _referrals(db, senco):
    """The worked example in docs/methods.md (as at 20 January 2026)."""
    salt = "speech_language_therapy"
    for pupil, referred, seen, closed in (
        (1, date(2025, 9, 1), date(2025, 10, 13), None),     # A: seen after 42 days
        (2, date(2025, 10, 1), date(2025, 12, 10), None),    # B: seen after 70 days
        (3, date(2025, 11, 3), None, None),                  # C: still waiting, 78 days so far
        (4, date(2024, 11, 1), None, None),                  # D: older than a year, still waiting: 445 days
        (5, date(2024, 6, 1), date(2024, 9, 1), None),       # E: seen, referred over a year ago: not counted
        (6, date(2025, 12, 1), None, date(2025, 12, 15)),    # F: closed before being seen: counted, no wait
    ):
        specialists.add_referral(db, Scope(senco, TODAY), SCHOOL, pupil, service=salt, referred_on=referred, seen_on=seen,
                                 closed_on=closed)
    specialists.add_referral(db, Scope(senco, TODAY), SCHOOL, 11, service="educational_psychology", referred_on=date(2025, 12, 1))


def test_waiting_time_per_service_counts_pupils_still_waiting(fixture_db, viewers):
    _referrals(fixture_db, viewers["senco"])
    frame = specialists.waiting_by_service(fixture_db, Scope(viewers["head"], TODAY), SCHOOL, TODAY).set_index("service")
    salt = frame.loc["speech_language_therapy"]
    # waits 42, 70, 78, 445 -> median (70 + 78) / 2 = 74; leaving out the two still waiting would give 56
    assert (salt["referrals"], salt["seen"], salt["still_waiting"], salt["closed_unseen"]) == (5, 2, 2, 1)
    assert salt["median_wait_days"] == 74 and salt["longest_open_wait_days"] == 445
    ep = frame.loc["educational_psychology"]
    assert (ep["referrals"], ep["still_waiting"], ep["median_wait_days"]) == (1, 1, 50)
    # the SENCO's list says who is waiting
    rows = specialists.involvements(fixture_db, Scope(viewers["senco"], TODAY), SCHOOL, TODAY)
    waiting = rows[rows["state"] == "Waiting"].sort_values("pupil_id")
    assert waiting["pupil_id"].tolist() == [3, 4, 11] and waiting["days_waited"].tolist() == [78, 445, 50]
    with pytest.raises(AccessDenied):
        specialists.involvements(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL, TODAY)


def test_governors_see_waiting_times_through_disclosure_control(fixture_db, viewers):
    _referrals(fixture_db, viewers["senco"])
    shown = specialists.governors_waiting(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL, TODAY).display.set_index("service_name")
    salt = shown.loc["Speech and language therapy"]
    # 2 seen, 2 waiting and 1 closed are small (<5), so the median built on them is hidden; educational
    # psychology's 1 referral is small, and the total (6) would give it away from speech and language
    # therapy's 5, so that 5 is hidden too (secondary suppression)
    assert (salt["seen"], salt["still_waiting"], salt["closed_unseen"]) == ("<5", "<5", "<5")
    assert salt["median_wait_days"] == "x" and salt["referrals"] == "x"
    assert shown.loc["Educational psychology", "referrals"] == "<5" and str(shown.loc["All services", "referrals"]) == "6"
    assert "pupil" not in " ".join(shown.reset_index().columns)


def test_governors_see_a_median_when_enough_pupils_are_behind_it(fixture_db, viewers):
    senco = viewers["senco"]
    for pupil in range(1, 11):   # 5 seen after 10..50 days, 5 waiting since 1 December (50 days)
        seen = date(2025, 12, 1) + timedelta(days=10 * (pupil - 1)) if pupil <= 5 else None
        specialists.add_referral(fixture_db, Scope(senco, TODAY), SCHOOL, pupil, service="counselling", referred_on=date(2025, 12, 1),
                                 seen_on=seen)
    shown = specialists.governors_waiting(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL, TODAY).display.set_index("service_name")
    row = shown.loc["Counselling"]
    assert [str(row[c]) for c in ("referrals", "seen", "still_waiting")] == ["10", "5", "5"]
    assert float(row["median_wait_days"]) == 45  # waits 0,10,20,30,40,50,50,50,50,50: middle two 40 and 50


@pytest.mark.parametrize("change, field", [
    ({"service": "astrology"}, "service"), ({"referred_on": date(2026, 2, 1)}, "referred_on"),
    ({"seen_on": date(2025, 9, 1)}, "seen_on"), ({"next_contact": date(2025, 9, 1)}, "next_contact"),
    ({"advice": "x" * 4001}, "advice"),
])
def test_bad_referral_input_is_refused_naming_the_field(fixture_db, viewers, change, field):
    args = {"service": "occupational_therapy", "referred_on": date(2025, 10, 1)}
    args.update(change)
    with pytest.raises(RecordsError) as err:
        specialists.add_referral(fixture_db, Scope(viewers["senco"], TODAY), SCHOOL, 3, **args)
    assert err.value.field == field


def test_updating_an_involvement_is_audited_and_a_teacher_may_not(fixture_db, viewers):
    senco = viewers["senco"]
    iid = specialists.add_referral(fixture_db, Scope(senco, TODAY), SCHOOL, 3, service="occupational_therapy",
                                   referred_on=date(2025, 10, 1))
    with pytest.raises(AccessDenied):
        specialists.add_referral(fixture_db, Scope(viewers["teacher"], TODAY), SCHOOL, 3, service="occupational_therapy",
                                 referred_on=date(2025, 10, 1))
    assert specialists.update_involvement(fixture_db, Scope(senco, TODAY), SCHOOL, iid, seen_on=date(2025, 11, 5),
                                          advice="Writing slope; pencil grip", next_contact=date(2026, 3, 1),
                                          closed_on=None)
    old, new = audit_actions(fixture_db, "specialist_changed")[-1][3:]
    assert '"seen_on": null' in old.replace("None", "null") and "2025-11-05" in new
    row = specialists.for_pupil(fixture_db, Scope(viewers["head"], TODAY), 3).iloc[0]
    assert row["service_name"] == "Occupational therapy" and row["advice"] == "Writing slope; pencil grip"


def test_subject_access_and_erasure_cover_concerns_referrals_and_top_ups(fixture_db, viewers):
    senco = viewers["senco"]
    raise_one(fixture_db, senco, 4)
    specialists.add_referral(fixture_db, Scope(senco, TODAY), SCHOOL, 4, service="camhs", referred_on=date(2025, 10, 1))
    funding.add_line(fixture_db, Scope(senco, TODAY), SCHOOL, financial_year=2025, line="top_up", amount="6200", pupil_id=4, note="")
    frames = pupil_frames(fixture_db, 4)
    assert len(frames["concerns"]) == 1 and len(frames["specialist_involvements"]) == 1 and len(frames["funding"]) == 1
    counts = erase_pupil(fixture_db, "admin", 4)
    assert counts["concerns"] == 1 and counts["specialist_involvements"] == 1 and counts["funding"] == 1
    cur = fixture_db.cursor()
    for table in ("concerns", "specialist_involvements", "funding"):
        assert cur.execute(f"SELECT count(*) FROM {table} WHERE pupil_id = 4").fetchone() == (0,), table


def test_waiting_table_says_no_one_waiting_instead_of_an_empty_cell(fixture_db, viewers):
    """Speech and language therapy: 2 still waiting, longest 445 days, median 74. Educational psychology's one
    referral is closed here before being seen, so no one waits and no one was seen: words, not a blank."""
    _referrals(fixture_db, viewers["senco"])
    fixture_db.cursor().execute("UPDATE specialist_involvements SET closed_on = DATE '2025-12-20' WHERE pupil_id = 11")
    frame = specialists.waiting_for_display(
        specialists.waiting_by_service(fixture_db, Scope(viewers["head"], TODAY), SCHOOL, TODAY)).set_index("service")
    assert frame.loc["speech_language_therapy", "longest_open_wait_days"] == "445 days"
    assert frame.loc["speech_language_therapy", "median_wait_days"] == "74 days"
    assert frame.loc["educational_psychology", "longest_open_wait_days"] == specialists.NO_ONE_WAITING
    assert frame.loc["educational_psychology", "median_wait_days"] == specialists.NONE_SEEN
