"""Class profiles and passports checked by hand against the fixture school (as at 2026-01-20)."""
import io

import pypdf
import pytest

from sendboard.classroom import passport, pdf, profile
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, app, drawn_charts, interactive_charts, signed_in
from tests.classroom_helpers import (
    TODAY,
    add_classroom_rows,
    audit_rows,
    load_reference,
)

G7A, G8A = 201, 202


def test_7a_numbers_by_hand(fixture_db, viewers):
    load_reference(fixture_db)
    prof = profile.class_profile(fixture_db, Scope(viewers["teacher"], TODAY), G7A, TODAY)
    # 7A: pupils 1-10; SEN support 1, 2, 3; EHC plan 4; pupil 5 left the register in 2025.
    assert prof["summary"]["pupils"] == 10
    assert prof["summary"]["sen_support"] == 3
    assert prof["summary"]["ehc_plans"] == 1
    assert [c["pupil_id"] for c in prof["cards"]] == [4, 1, 2, 3]  # EHC plan first, then by name
    assert 5 not in {c["pupil_id"] for c in prof["cards"]}
    four = prof["cards"][0]
    assert [n["name"] for n in four["needs"]] == ["Autism", "Speech, language and communication needs"]
    # need mix (pupils with a need in each area): CL = 1, 2; CI = 4 (ASD and SLCN count once); SEMH = 3
    assert dict(zip(prof["need_mix"]["area_code"], prof["need_mix"]["pupils"])) == {"CI": 1, "CL": 2, "SEMH": 1}


def test_cards_show_strengths_targets_interventions_and_alerts(fixture_db, viewers):
    add_classroom_rows(fixture_db)
    prof = profile.class_profile(fixture_db, Scope(viewers["teacher"], TODAY), G7A, TODAY)
    cards = {c["pupil_id"]: c for c in prof["cards"]}
    assert prof["summary"]["of_concern_only"] == 1 and prof["summary"]["reviews_overdue"] == 1
    assert cards[4]["strengths"] == "Brilliant at drawing" and cards[4]["what_helps"] == "A visual timetable"
    assert cards[1]["targets"] == ["Read 10 key words (not reviewed yet)"]  # the closed target is not current
    assert cards[2]["interventions"] == ["Reading catch-up: Tue 10:40 (30 min each)"]
    assert any("Plan review overdue" in text for _, text in cards[3]["alerts"])
    assert cards[6]["of_concern"] and cards[6]["status"] == "Not on the SEND register"
    assert any(kind == "concern" for kind, _ in cards[6]["alerts"])
    assert str(cards[1]["next_review"]) == "2026-03-01"


def test_new_to_the_register_in_the_last_six_weeks(fixture_db, viewers):
    cur = fixture_db.cursor()
    cur.execute("INSERT INTO sen_provision (pupil_id, code, start_date) VALUES (7, 'K', DATE '2026-01-05')")
    cur.execute("INSERT INTO sen_needs (pupil_id, need_code, need_rank, start_date) VALUES (7, 'MLD', 1, DATE '2026-01-05')")
    prof = profile.class_profile(fixture_db, Scope(viewers["teacher"], TODAY), G7A, TODAY)
    cards = {c["pupil_id"]: c for c in prof["cards"]}
    assert prof["summary"]["sen_support"] == 4 and prof["summary"]["new_to_register"] == 1
    assert any(text.startswith("New to the SEND register") for _, text in cards[7]["alerts"])
    assert not cards[1]["alerts"]  # on the register since 2024


def test_a_teacher_sees_only_their_own_class_and_pupils(fixture_db, viewers):
    add_classroom_rows(fixture_db)
    teacher = viewers["teacher"]
    assert profile.groups_for(fixture_db, Scope(teacher, TODAY), 1, 2025)["name"].tolist() == ["7A"]
    assert profile.class_profile(fixture_db, Scope(teacher, TODAY), G8A, TODAY) is None
    assert passport.passport(fixture_db, Scope(teacher, TODAY), 11, TODAY) is None
    assert profile.class_profile(fixture_db, Scope(viewers["teacher2"], TODAY), G8A, TODAY)["summary"]["pupils"] == 10
    assert profile.groups_for(fixture_db, Scope(viewers["head"], TODAY), 1, 2025)["name"].tolist() == ["7A", "8A"]
    assert profile.groups_for(fixture_db, Scope(viewers["senco"], TODAY), 1, 2025)["name"].tolist() == ["7A", "8A"]
    # even asked directly for 8A's pupils, the per-pupil queries return nothing for this teacher
    frames = profile.pupil_frames(fixture_db, Scope(teacher, TODAY), [11, 12], TODAY)
    assert all(frame.empty for frame in frames.values())


def test_class_profile_pdf_holds_this_class_only(fixture_db, viewers):
    add_classroom_rows(fixture_db)
    data = pdf.class_profile_pdf_for(fixture_db, Scope(viewers["teacher"], TODAY), G7A, TODAY, "Oak Lane Academy", "Tess")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = " ".join(page.extract_text() for page in reader.pages)
    squashed = " ".join(text.split())
    for pid in (1, 2, 3, 4, 6):
        assert f"Pupil{pid:02d}" in squashed
    for other in ("Pupil05", "Pupil11", "Pupil12", "Eight-A", "Pupil07"):
        assert other not in squashed
    assert "Brilliant at drawing" in squashed and "Tue 10:40" in squashed
    assert pdf.class_profile_pdf_for(fixture_db, Scope(viewers["teacher"], TODAY), G8A, TODAY, "Oak", "Tess") is None


def test_passport_pdf(fixture_db, viewers):
    add_classroom_rows(fixture_db)
    data = pdf.passport_pdf_for(fixture_db, Scope(viewers["senco"], TODAY), 4, TODAY, "Oak Lane Academy", "Sam")
    text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Pupil04" in text and "Brilliant at drawing" in text and "He enjoys art club" in text


@pytest.mark.parametrize("user", ["teacher", "senco", "head"])
def test_pages_render_for_each_role(fixture_path, user):
    from sendboard.app_db import open_database

    add_classroom_rows(open_database(fixture_path))
    for page in ("class_profile", "passport", "strategies"):
        at = signed_in(user, page=f"pages/{page}.py", term_id=20252)
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
    at = signed_in(user, page="pages/class_profile.py", term_id=20252)
    text = all_text(at)
    assert "Pupils 10" in text and "SEN support 3" in text and "EHC plans 1" in text
    assert "Brilliant at drawing" in text and "Pupil05" not in text


def test_need_mix_chart_is_drawn_only_when_opened(fixture_path):
    """The chart sits in an expander that reruns when opened; closed, the page draws no chart (a teacher's
    browser would otherwise load the charting code on every visit)."""
    from sendboard.app_db import open_database

    add_classroom_rows(open_database(fixture_path))
    at = signed_in("teacher", page="pages/class_profile.py", term_id=20252)
    assert [e.label for e in at.expander] == ["Need mix as a chart and table"]
    assert not drawn_charts(at) and not interactive_charts(at)
    at.session_state["class_profile_need_mix"] = True  # as the browser reports an opened expander
    at.run()
    assert not at.exception
    assert len(drawn_charts(at)) == 1 and not interactive_charts(at)  # plotly only in an opened Interactive tab


def test_class_view_is_audited(fixture_path):
    from sendboard.app_db import open_database

    signed_in("teacher", page="pages/class_profile.py", term_id=20252)
    rows = audit_rows(open_database(fixture_path), "view")
    assert ("teacher", None, G7A, None, None, "class_profile") in rows


def _teacher_opens_passport_by_url(fixture_path, pupil_id: str):
    """The teacher, with the classroom rows added, opens the passport page with ?pupil_id= in the address."""
    from sendboard.app_db import open_database
    from sendboard.auth import viewer_for

    db = open_database(fixture_path)
    add_classroom_rows(db)
    uid = db.cursor().execute("SELECT user_id FROM users WHERE username = 'teacher'").fetchone()[0]
    at = app()
    at.session_state["viewer"] = viewer_for(db, uid)
    at.session_state["term_id"] = 20252
    at.run()
    at.switch_page("pages/passport.py")
    at.query_params["pupil_id"] = pupil_id
    at.run()
    return db, at


def test_teacher_asking_for_another_class_pupil_by_url_gets_nothing_and_is_audited(fixture_path):
    db, at = _teacher_opens_passport_by_url(fixture_path, "11")
    assert not at.exception
    assert at.error and "not available" in at.error[0].value
    text = all_text(at)
    assert "Pupil11" not in text and "Eight-A" not in text
    refused = audit_rows(db, "access_refused")
    assert refused and refused[-1][:2] == ("teacher", 11)


def test_passport_url_for_own_pupil_opens_it(fixture_path):
    db, at = _teacher_opens_passport_by_url(fixture_path, "4")
    assert not at.exception and not at.error
    text = all_text(at)
    assert "Pupil04 Fixture04" in text and "Brilliant at drawing" in text
    assert ("teacher", 4, None, None, None, "passport") in audit_rows(db, "view")
