"""The provision map and impact pages render for the roles that may open them, with the right figures,
and teachers never see a cost. Fixture school plus the catalogue of tests/test_provision_costs.py."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendboard import clock
from sendboard.app_db import open_database
from sendboard.scope import Scope
from tests.apptest_helpers import TABS_DRAWN_WHEN_OPEN, all_text, every_tab, on_tab, signed_in
from tests.test_provision_costs import seed

# The provision map draws only its open tab: a test that reads the whole page opens each in turn.
PM_TABS = TABS_DRAWN_WHEN_OPEN["provision_map"][1]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeded_path(fixture_path):
    seed(open_database(fixture_path))
    return fixture_path


def test_provision_map_for_the_senco_shows_costs_and_budget(seeded_path):
    at = signed_in("senco", page="pages/provision_map.py", term_id=20252)
    assert not at.exception
    text = "\n".join(every_tab(at, "pm_tab", PM_TABS["senco"]))
    assert "Reading catch-up" in text and "Worry group" in text
    assert "£5,815" in text  # left after projected spend: £7,000 - £1,185
    assert "Projected for the year (£)" in text


def test_provision_map_for_a_teacher_has_no_costs_and_only_their_pupils(seeded_path):
    at = signed_in("teacher", page="pages/provision_map.py", term_id=20252)
    assert not at.exception
    listing = next(f.value for f in at.dataframe if "Last name" in f.value.columns and "Intervention" in f.value.columns)
    assert "Worry group" not in set(listing["Intervention"])  # pupils 11 and 12 are not theirs
    texts, frames = [], []
    for tab in PM_TABS["teacher"]:  # every tab the teacher can open
        on_tab(at, "pm_tab", tab)
        assert not at.exception
        texts.append(all_text(at))
        frames += [f.value for f in at.dataframe]
    text = "\n".join(texts)
    assert "Pupil01" in text and "Pupil11" not in text and "Pupil12" not in text
    assert "£" not in text.replace("Costs are for the head and the SENCO", "")
    for frame in frames:
        assert not any("£" in str(c) or "cost" in str(c).lower() for c in frame.columns)


def test_impact_page_for_the_head(seeded_path):
    at = signed_in("head", page="pages/impact.py", term_id=20252)
    assert not at.exception
    text = all_text(at)
    assert "Good value" in text and "Not enough data yet" in text
    assert "2 are waiting for an exit score" in text


@pytest.mark.parametrize("username,page", [("teacher", "impact"), ("governor", "impact"), ("governor", "provision_map"),
                                           ("admin", "provision_map")])
def test_pages_are_refused_to_roles_that_may_not_open_them(seeded_path, viewers, username, page):
    direct = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=30)
    direct.session_state["viewer"] = viewers[username]
    direct.run()
    assert "not available for your role" in all_text(direct)


def test_an_allocation_change_is_audited_with_old_and_new_values(seeded_path, viewers):
    from datetime import date

    from sendboard.provision import ProvisionError
    from sendboard.provision.allocations import add_allocation, end_allocation

    db = open_database(seeded_path)
    today = date(2026, 1, 20)
    with pytest.raises(ProvisionError, match="before the start"):
        add_allocation(db, Scope(viewers["senco"], today), 9, 9001, {"start_date": date(2026, 1, 10), "end_date": date(2026, 1, 5)})
    with pytest.raises(ProvisionError, match="number"):
        add_allocation(db, Scope(viewers["senco"], today), 9, 9001, {"start_date": date(2026, 1, 10), "entry_score": "high"})
    with pytest.raises(ProvisionError, match="not on this school"):
        add_allocation(db, Scope(viewers["senco"], today), 21, 9001, {"start_date": date(2026, 1, 10)})
    new_id = add_allocation(db, Scope(viewers["senco"], today), 9, 9001, {"start_date": date(2026, 1, 12), "entry_score": 81})
    end_allocation(db, Scope(viewers["senco"], today), new_id, date(2026, 1, 19), exit_score=84)
    old, new = db.cursor().execute(
        "SELECT old_value, new_value FROM audit_log WHERE action = 'allocation_changed' AND object_id = $i "
        "AND detail = 'edited'", {"i": str(new_id)}).fetchone()
    assert json.loads(old) == {"end_date": None, "exit_score": None}
    assert json.loads(new) == {"end_date": "2026-01-19", "exit_score": 84.0}


@pytest.mark.parametrize("username,page", [("senco", "provision_map"), ("head", "provision_map"),
                                           ("teacher", "provision_map"), ("senco", "impact"), ("head", "impact")])
def test_pages_render_on_the_demo(demo_path, username, page):
    at = signed_in(username, page=f"pages/{page}.py", timeout=60)
    assert not at.exception, at.exception
    if page == "provision_map":
        every_tab(at, "pm_tab", PM_TABS[username])


def test_the_senco_sets_an_hourly_cost_and_edits_an_allocation_in_the_app(seeded_path):
    at = signed_in("senco", page="pages/provision_map.py", term_id=20252, pm_tab="Staff hourly costs")
    at.selectbox(key="pm_rate_role").set_value("teaching_assistant")
    at.run()
    at.number_input(key="pm_rate_value_teaching_assistant").set_value(20.0)
    next(b for b in at.button if b.label == "Save hourly cost").click()
    at.run()
    assert not at.exception
    assert "Hourly cost of teaching assistant set to £20" in all_text(at)
    db = open_database(seeded_path)
    assert db.cursor().execute("SELECT hourly_cost FROM staff_role_costs WHERE school_id = 1 AND staff_role = "
                               "'teaching_assistant'").fetchone()[0] == 20
    old, new = db.cursor().execute("SELECT old_value, new_value FROM audit_log WHERE action = 'staff_role_cost_changed'").fetchone()
    assert json.loads(old) == {"hourly_cost": 18.0} and json.loads(new) == {"hourly_cost": 20.0}
    # record an exit score for pupil 11 (Worry group) through the form
    on_tab(at, "pm_tab", "Add or change allocations")
    at.selectbox(key="pm_alloc_choice").set_value(9108)  # pupil 11 in the Worry group (tests/test_provision_costs.py)
    at.run()
    next(n for n in at.number_input if n.label == "Exit score").set_value(61.0)
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert not at.exception
    assert db.cursor().execute("SELECT exit_score FROM allocations WHERE pupil_id = 11").fetchone()[0] == 61


def test_catalogue_add_edit_retire_are_validated_and_audited(seeded_path, viewers):
    from datetime import date

    from sendboard.access import AccessDenied
    from sendboard.provision import ProvisionError
    from sendboard.provision import catalogue as cat
    from sendboard.provision.allocations import add_allocation

    db = open_database(seeded_path)
    values = dict(name="Spelling club", areas=["CL"], wave="targeted", delivered_by="teaching_assistant", group_size=4,
                  sessions_per_week=2, minutes_per_session=20, planned_weeks=8, other_costs=0,
                  measure="Spelling age", measure_scale="months", higher_is_better=True)
    with pytest.raises(AccessDenied):
        cat.add_intervention(db, viewers["teacher"], 1, values)
    with pytest.raises(ProvisionError, match="already an intervention"):
        cat.add_intervention(db, viewers["senco"], 1, {**values, "name": "reading catch-up"})
    with pytest.raises(ProvisionError, match="at least one broad area"):
        cat.add_intervention(db, viewers["senco"], 1, {**values, "areas": []})
    new_id = cat.add_intervention(db, viewers["senco"], 1, values)
    cat.edit_intervention(db, viewers["head"], new_id, {**values, "minutes_per_session": 30})
    cat.set_retired(db, viewers["senco"], new_id, True)
    with pytest.raises(ProvisionError, match="retired"):
        add_allocation(db, Scope(viewers["senco"], date(2026, 1, 20)), 9, new_id, {"start_date": date(2026, 1, 12)})
    rows = db.cursor().execute("SELECT detail, old_value, new_value FROM audit_log WHERE action = 'intervention_changed' "
                               "AND object_id = $i ORDER BY audit_id", {"i": str(new_id)}).fetchall()
    assert [r[0] for r in rows] == ["added", "edited", "retired"]
    assert json.loads(rows[1][1]) == {"minutes_per_session": 20} and json.loads(rows[1][2]) == {"minutes_per_session": 30}
    teacher_view = cat.catalogue(db, Scope(viewers["teacher"], clock.today()), 1)
    assert "hourly_cost" not in teacher_view.columns and "other_costs" not in teacher_view.columns


def test_the_senco_adds_an_intervention_through_the_form(seeded_path):
    at = signed_in("senco", page="pages/provision_map.py", term_id=20252, pm_tab="Catalogue")
    next(t for t in at.text_input if t.label == "Name").input("Spelling club")
    next(m for m in at.multiselect if m.label == "Broad areas of need").select("CL")
    next(t for t in at.text_input if t.label.startswith("Measure")).input("Spelling age")
    next(t for t in at.text_input if t.label == "Scale").input("months")
    next(b for b in at.button if b.label == "Save intervention").click()
    at.run()
    assert not at.exception
    assert "Added Spelling club to the catalogue" in all_text(at)
    row = open_database(seeded_path).cursor().execute(
        "SELECT areas, wave, group_size, minutes_per_session FROM interventions WHERE name = 'Spelling club'").fetchone()
    assert row == ("CL", "targeted", 4, 30)
