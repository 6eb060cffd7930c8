"""The records area's forms driven through the real app (AppTest): a refused value is shown beside its
field and what was typed is kept; a good one is saved and shown; every new page renders for its roles."""
from __future__ import annotations

from datetime import date

import pytest

from sendboard.records import specialists
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, signed_in
from tests.fixture_school import TODAY


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _errors(at):
    return [e.value.replace("\\", "") for e in at.error]  # messages are markdown-escaped


def test_a_teacher_raises_a_concern_from_the_passport_and_a_refusal_keeps_the_text(fixture_db):
    at = signed_in("teacher", page="pages/passport.py", passport_pupil=1)
    assert not at.exception
    at.text_area(key="concern_1_evidence").input("Seen in maths and science")
    _button(at, "Send to the SENCO").click()
    at.run()
    assert any("Write something in 'What you noticed'" in e for e in _errors(at))
    assert at.text_area(key="concern_1_evidence").value == "Seen in maths and science"
    assert fixture_db.cursor().execute("SELECT count(*) FROM concerns WHERE pupil_id = 1").fetchone() == (0,)
    at.text_area(key="concern_1_noticed").input("Cannot see the board from the back")
    at.selectbox(key="concern_1_area").set_value("SP")
    _button(at, "Send to the SENCO").click()
    at.run()
    assert not at.exception and not _errors(at)
    assert fixture_db.cursor().execute("SELECT raised_by, area, reason, evidence FROM concerns WHERE pupil_id = 1").fetchall() == [
        ("teacher", "SP", "Cannot see the board from the back", "Seen in maths and science")]
    text = all_text(at).replace("\\", "")
    assert "Concern about Pupil01 Fixture01 sent to the SENCO." in text and "Awaiting the SENCO" in text


def test_a_teacher_raises_a_concern_from_the_class_profile(fixture_db):
    at = signed_in("teacher", page="pages/class_profile.py")
    assert not at.exception and not at.text_area  # the form is drawn only when the popover is opened
    at.session_state["class_profile_concern"] = True
    at.run()
    at.selectbox(key="class_concern_pupil").set_value(9)
    at.run()
    at.text_area(key="class_concern_9_noticed").input("Falls asleep in lessons")
    _button(at, "Send to the SENCO").click()
    at.run()
    assert not at.exception and not _errors(at)
    assert fixture_db.cursor().execute("SELECT pupil_id, raised_by FROM concerns").fetchall() == [(9, "teacher")]
    assert "Falls asleep in lessons" in all_text(at)   # under "Concerns you raised"


def test_the_senco_decides_from_the_queue_on_the_identification_page(fixture_db, viewers):
    from sendboard.records import concerns

    cid = concerns.raise_concern(fixture_db, Scope(viewers["teacher"], TODAY), 1, 7, noticed="Reads slowly aloud", area="CL",
                                 evidence="", raised_on=TODAY)
    at = signed_in("senco", page="pages/identification.py")
    assert not at.exception
    assert "Reads slowly aloud" in all_text(at)
    assert any(m.label == "Awaiting your decision" and m.value == "1" for m in at.metric)
    assert any("1 concern raised by staff awaits a decision" in i.value for i in at.info)
    _button(at, "Save decision").click()
    at.run()
    assert any("Choose a decision" in e for e in _errors(at))
    at.radio(key="concern_decide_decision").set_value("assess")
    at.text_area(key="concern_decide_note").input("Reading screen booked")
    _button(at, "Save decision").click()
    at.run()
    assert not at.exception
    assert fixture_db.cursor().execute("SELECT decision, decided_by, outcome, closed_on FROM concerns WHERE concern_id = $c",
                                       {"c": cid}).fetchone() == ("assess", "senco", "Reading screen booked", None)
    teacher = signed_in("teacher", page="pages/passport.py", passport_pupil=7)
    assert "Assess further" in all_text(teacher) and "Reading screen booked" in all_text(teacher)


def test_the_senco_records_a_referral_and_governors_see_only_protected_counts(fixture_db, viewers):
    at = signed_in("senco", page="pages/specialists.py")
    assert not at.exception
    at.selectbox(key="referral_page_pupil").set_value(3)
    at.date_input(key="referral_page_referred_on").set_value(date(2025, 11, 3))
    _button(at, "Save referral").click()
    at.run()
    assert any("Choose the service" in e for e in _errors(at))
    assert at.selectbox(key="referral_page_pupil").value == 3          # kept
    at.selectbox(key="referral_page_service").set_value("speech_language_therapy")
    _button(at, "Save referral").click()
    at.run()
    assert not at.exception and not _errors(at)
    assert fixture_db.cursor().execute("SELECT pupil_id, service, referred_on::VARCHAR, seen_on FROM specialist_involvements"
                                       ).fetchall() == [(3, "speech_language_therapy", "2025-11-03", None)]
    text = all_text(at)
    assert "Pupil03" in text and "78" in text      # 3 November to 20 January, still waiting
    gov = signed_in("governor", page="pages/specialists.py")
    assert not gov.exception
    gtext = all_text(gov)
    assert "Speech and language therapy" in gtext and "<5" in gtext and "Pupil03" not in gtext


def test_the_senco_records_funding_on_the_provision_map(fixture_db):
    at = signed_in("senco", page="pages/provision_map.py", pm_tab="Funding")  # the map draws only its open tab
    assert not at.exception
    at.selectbox(key="funding_add_year").set_value(2025)
    at.text_input(key="funding_add_amount").input("about twelve grand")
    _button(at, "Save funding line").click()
    at.run()
    assert any("Give the amount in pounds as a number" in e for e in _errors(at))
    assert at.text_input(key="funding_add_amount").value == "about twelve grand"
    at.text_input(key="funding_add_amount").input("12,000")
    _button(at, "Save funding line").click()
    at.run()
    assert not at.exception and not _errors(at)
    assert fixture_db.cursor().execute("SELECT financial_year, line, amount FROM funding WHERE financial_year IS NOT NULL"
                                       ).fetchall() == [(2025, "notional_sen", 12000.0)]
    assert "2025-26" in all_text(at)


@pytest.mark.parametrize("user, page", [
    ("teacher", "pages/class_profile.py"), ("head", "pages/specialists.py"), ("head", "pages/identification.py"),
    ("head", "pages/passport.py"), ("trust", "pages/identification.py"),
])
def test_pages_render_for_each_role(fixture_db, viewers, user, page):
    specialists.add_referral(fixture_db, Scope(viewers["senco"], TODAY), 1, 1, service="counselling", referred_on=date(2025, 12, 1))
    at = signed_in(user, page=page, passport_pupil=1)
    assert not at.exception, [e.value for e in at.exception]


def test_the_training_form_keeps_what_was_typed_when_a_course_is_refused(fixture_db):
    at = signed_in("senco", page="pages/expertise.py")
    assert not at.exception
    at.text_input(key="add_training_course").input("Makaton level 1")
    next(d for d in at.date_input if d.label == "Completed on").set_value(date(2026, 1, 10))
    next(d for d in at.date_input if d.label == "Expires on").set_value(date(2025, 1, 1))  # before completed: refused
    next(b for b in at.button if b.label == "Add course").click()
    at.run()
    assert any("expiry date is before" in e for e in _errors(at))
    assert at.text_input(key="add_training_course").value == "Makaton level 1"
    assert fixture_db.cursor().execute("SELECT count(*) FROM training WHERE course = 'Makaton level 1'").fetchone() == (0,)


@pytest.mark.parametrize("user", ["senco", "head", "governor"])
def test_the_demo_school_shows_referrals_for_each_role(demo_path, user):
    at = signed_in(user, page="pages/specialists.py", timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    text = all_text(at)
    assert "Educational psychology" in text and "Median wait" in text.replace("median_wait_days", "Median wait")
    if user == "governor":
        assert "Pupils waiting to be seen" not in text
    else:
        assert "Pupils waiting to be seen" in text
