"""Drilling into one school as the trust lead: the school's own pages, aggregated as its head sees them;
pupils' names only where the trust's data-sharing setting allows, and then every pupil list audited."""
import pytest

from sendboard import trust_sharing
from sendboard.access import AccessDenied
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, signed_in
from tests.trust_helpers import AS_AT

SCHOOL_PAGES = ["pages/overview.py", "pages/identification.py", "pages/outcomes.py", "pages/graduated_approach.py",
                "pages/ehc_plans.py", "pages/impact.py", "pages/expertise.py", "pages/specialists.py",
                "pages/self_evaluation.py"]
NAMES = [f"Pupil{i:02d}" for i in range(1, 22)] + [f"Fixture{i:02d}" for i in range(1, 22)]


def _add_a_concern_and_an_overdue_plan(db):
    cur = db.cursor()
    # a support plan for pupil 1 overdue for review, so the graduated approach page has a pupil list
    cur.execute("INSERT INTO support_plans (pupil_id, start_date, review_due) VALUES (1, DATE '2025-09-10', DATE '2025-12-01')")
    # an EHC plan for pupil 4 whose annual review was due in June 2025 (overdue), pupil 2 waiting for a speech
    # and language therapist, and pupil 3 in an intervention: each of the later pages has a pupil list
    cur.execute("INSERT INTO ehc_plans (pupil_id, local_authority, issued_on) VALUES (4, 'Leeds', DATE '2024-06-01')")
    cur.execute("INSERT INTO specialist_involvements (pupil_id, service, referred_on) VALUES (2, 'slt', DATE '2025-10-01')")
    cur.execute("INSERT INTO interventions (intervention_id, school_id, name, areas, wave, delivered_by, group_size, "
                "sessions_per_week, minutes_per_session, planned_weeks, measure, measure_scale) VALUES "
                "(900, 1, 'Reading boost', 'COG', 'targeted', 'teaching_assistant', 4, 3, 30, 10, 'Reading age', 'months')")
    cur.execute("INSERT INTO allocations (pupil_id, intervention_id, start_date, entry_score) VALUES (3, 900, DATE '2025-09-15', 100)")


def _page_texts(school_id=1):
    texts = {}
    for page in SCHOOL_PAGES:
        at = signed_in("trust", page=page, term_id=20252, school_id=school_id)
        assert not at.exception, (page, [e.value for e in at.exception])
        texts[page] = all_text(at)
    return texts


def _pupils_seen_by_the_trust_lead(db) -> int:
    """Pupils recorded as seen in the trust lead's audit entries."""
    return db.cursor().execute(
        "SELECT count(*) FROM audit_log a JOIN audit_pupils_seen s USING (audit_id) WHERE a.role = 'trust'").fetchone()[0]


def test_sharing_is_off_by_default_and_no_pupil_is_named(fixture_path, fixture_db):
    _add_a_concern_and_an_overdue_plan(fixture_db)
    assert not trust_sharing.names_shared(fixture_db)
    for page, text in _page_texts().items():
        assert "Oak Lane Academy" in text, page  # the school's own page, as that school
        assert not [n for n in NAMES if n in text], page
    texts = _page_texts()
    assert trust_sharing.WITHHELD_SENTENCE in texts["pages/graduated_approach.py"]
    views = _pupils_seen_by_the_trust_lead(fixture_db)
    assert views == 0


def test_with_sharing_on_names_show_and_each_pupil_list_is_audited(fixture_path, fixture_db, viewers):
    _add_a_concern_and_an_overdue_plan(fixture_db)
    trust_sharing.set_names_shared(fixture_db, viewers["admin"], True)
    at = signed_in("trust", page="pages/graduated_approach.py", term_id=20252, school_id=1)
    assert not at.exception
    text = all_text(at)
    assert "Fixture01" in text  # pupil 1's overdue support plan
    assert trust_sharing.WITHHELD_SENTENCE not in text
    rows = fixture_db.cursor().execute(
        "SELECT a.object_type, json_extract_string(a.detail, '$.list'), list(s.pupil_id ORDER BY s.pupil_id) "
        "FROM audit_log a JOIN audit_pupils_seen s USING (audit_id) "
        "WHERE a.role = 'trust' AND a.action = 'view' GROUP BY ALL ORDER BY 2").fetchall()
    lists = {r[1]: r[2] for r in rows}
    assert lists["overdue reviews"] == [1]
    assert set(lists["last review"]) == {1, 2, 3, 4, 11, 12}  # every pupil on Oak Lane's register


FORMS = {"pages/ehc_plans.py": "ehc_plan_form", "pages/expertise.py": "add_training",
         "pages/self_evaluation.py": "rate_factor", "pages/specialists.py": "referral_page"}


def test_the_later_pages_withhold_names_and_offer_the_trust_lead_no_form(fixture_path, fixture_db):
    """EHC plans, Impact, Staff expertise, Outside specialists and Self-evaluation as the trust lead with sharing
    off: the school's figures (counts), no pupil's name, no form, and no pupil recorded as seen."""
    _add_a_concern_and_an_overdue_plan(fixture_db)
    for page in ("pages/ehc_plans.py", "pages/specialists.py", "pages/impact.py"):
        at = signed_in("trust", page=page, term_id=20252, school_id=1)
        assert not at.exception, (page, [e.value for e in at.exception])
        text = all_text(at)
        assert trust_sharing.WITHHELD_SENTENCE in text, page
        assert not [n for n in NAMES if n in text], page
    at = signed_in("trust", page="pages/ehc_plans.py", term_id=20252, school_id=1)
    counts = at.dataframe[0].value
    assert counts.to_dict("records") == [{"Deadline": "Annual review", "Status": "⚠ Overdue", "Deadlines": 1}]
    for page in ("pages/ehc_plans.py", "pages/expertise.py", "pages/self_evaluation.py", "pages/specialists.py"):
        at = signed_in("trust", page=page, term_id=20252, school_id=1)
        assert not at.exception, page
        assert not at.button and not list(at.get("form_submit_button")), page  # read only: no save button
    head = signed_in("head", page="pages/expertise.py", term_id=20252)
    assert list(head.get("form_submit_button"))  # the planted check: the head's page has its forms
    seen = _pupils_seen_by_the_trust_lead(fixture_db)
    assert seen == 0


def test_the_later_pages_name_pupils_where_shared_and_audit_them(fixture_path, fixture_db, viewers):
    _add_a_concern_and_an_overdue_plan(fixture_db)
    trust_sharing.set_names_shared(fixture_db, viewers["admin"], True)
    for page, name, _pupil in (("pages/ehc_plans.py", "Fixture04", 4), ("pages/specialists.py", "Fixture02", 2),
                              ("pages/impact.py", "Fixture03", 3)):
        at = signed_in("trust", page=page, term_id=20252, school_id=1)
        assert not at.exception, page
        text = all_text(at)
        assert name in text, page
        assert trust_sharing.WITHHELD_SENTENCE not in text, page
    seen = {r[0] for r in fixture_db.cursor().execute(
        "SELECT DISTINCT s.pupil_id FROM audit_log a JOIN audit_pupils_seen s USING (audit_id) "
        "WHERE a.role = 'trust' AND a.object_type IN ('ehc_plans', 'specialists', 'impact')").fetchall()}
    assert {4, 2, 3} <= seen  # the impact page's list of each pupil's scores too


def test_drill_down_buttons_open_each_of_the_nine_pages(fixture_path):
    at = signed_in("trust", page="pages/trust.py", term_id=20252)
    at.selectbox(key="trust-open-Register and needs-None").set_value(1).run()
    keys = {b.key for b in at.button}
    assert {f"open-{p}" for p in SCHOOL_PAGES} <= keys
    at.button(key="open-pages/ehc_plans.py").click().run()
    assert at.session_state["school_id"] == 1
    assert not at.exception


def test_only_an_admin_changes_the_setting_and_the_change_is_audited(fixture_db, viewers):
    with pytest.raises(AccessDenied):
        trust_sharing.set_names_shared(fixture_db, viewers["trust"], True)
    assert not trust_sharing.names_shared(fixture_db)
    assert trust_sharing.set_names_shared(fixture_db, viewers["admin"], True)
    assert trust_sharing.names_shared(fixture_db)
    change = fixture_db.cursor().execute(
        "SELECT username, old_value, new_value FROM audit_log WHERE action = 'setting_changed' "
        "AND object_id = 'trust_pupil_names'").fetchall()
    assert change == [("admin", "off", "on")]
    refused = fixture_db.cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'access_refused' AND object_id = 'trust_pupil_names'").fetchone()[0]
    assert refused == 1


def test_the_admin_turns_it_on_from_the_users_page(fixture_path, fixture_db):
    at = signed_in("admin", page="pages/users.py")
    assert not at.exception
    at.toggle(key="trust_pupil_names").set_value(True).run()
    assert trust_sharing.names_shared(fixture_db)
    assert "now shown to the trust lead" in all_text(at)


def test_a_head_is_never_affected_by_the_setting(fixture_path, fixture_db):
    _add_a_concern_and_an_overdue_plan(fixture_db)
    at = signed_in("head", page="pages/graduated_approach.py", term_id=20252)
    assert "Fixture01" in all_text(at)


def test_choosing_a_school_on_the_trust_page_opens_its_pages(fixture_path):
    at = signed_in("trust", page="pages/trust.py", term_id=20252)
    assert not at.exception
    at.selectbox(key="trust-open-Register and needs-None").set_value(1).run()  # row 1: Oak Lane Academy
    at.button(key="open-pages/identification.py").click().run()
    assert at.session_state["school_id"] == 1
    assert not at.exception


def _sidebar_only():
    import streamlit as st

    from sendboard import ui

    ui.sidebar_filters(st.session_state["viewer"], st.session_state["page_key"])


def test_the_sidebar_offers_a_school_only_on_a_school_page_and_keeps_the_one_chosen(fixture_path, viewers):
    """The trust pages are about every school: no school picker there (it would change nothing). On a school's
    page the picker names the school shown, and the school chosen survives a visit to a trust page."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_sidebar_only, default_timeout=30)
    at.session_state["viewer"], at.session_state["page_key"] = viewers["trust"], "trust"
    at.run()
    assert not at.exception
    assert not [s for s in at.sidebar.selectbox if s.label == "School"]
    assert "Every school in Fixture Trust (2)" in " ".join(c.value for c in at.sidebar.caption)
    at.session_state["page_key"] = "overview"
    at.run()
    picker = next(s for s in at.sidebar.selectbox if s.label == "School")
    assert "Home and Trust schools pages show every school" in picker.help
    picker.set_value(1).run()  # Oak Lane
    for page in ("trust", "home", "expertise"):
        at.session_state["page_key"] = page
        at.run()
    assert next(s for s in at.sidebar.selectbox if s.label == "School").value == 1  # still Oak Lane


def test_the_trust_leads_impact_figures_are_the_heads_without_costs(fixture_path, fixture_db, viewers):
    """Impact and value for one school: the trust lead gets the head's own figures and verdicts (the same SQL),
    with the cost columns empty (costs are for the school's head, SENCO and administrator)."""
    from sendboard.provision import impact

    _add_a_concern_and_an_overdue_plan(fixture_db)
    cur = fixture_db.cursor()
    cur.execute("UPDATE allocations SET end_date = DATE '2025-12-12', exit_score = 112 WHERE intervention_id = 900")
    cur.execute("UPDATE interventions SET measure_scale = 'standardised' WHERE intervention_id = 900")
    head = impact.impact_for_year(fixture_db, Scope(viewers["head"], AS_AT), 1, 2025, AS_AT)["impact"]
    trust = impact.impact_for_year(fixture_db, Scope(viewers["trust"], AS_AT), 1, 2025, AS_AT)["impact"]
    assert head["intervention"].tolist() == trust["intervention"].tolist() == ["Reading boost"]
    for column in ("places", "with_both_scores", "mean_gain", "verdict"):
        assert head[column].tolist() == trust[column].tolist(), column
    assert head["mean_gain"].iloc[0] == 12  # 112 - 100: the hand-worked gain, so the check is about something
    assert head["cost_per_pupil"].notna().all() and trust["cost_per_pupil"].isna().all()
