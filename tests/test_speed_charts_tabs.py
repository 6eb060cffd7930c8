"""Pages that draw only their open tab (the EHC plans page's six tabs, the outcomes page's three attendance
charts), as the provision map does: the first visit draws the first tab alone; opening another draws it and
nothing of the others; what each tab showed before is still shown there; the one view entry of a visit
still names every pupil the tabs list."""
from __future__ import annotations

import json

from sendboard.app_db import open_database
from sendboard.db import close_all
from tests.apptest_helpers import TABS_DRAWN_WHEN_OPEN, drawn_charts, on_tab, signed_in
from tests.leaders_helpers import seed
from tests.test_statutory_ehc import _make_year_nine, add_ehc_rows

# What each EHC tab draws: a table's download key, or a form's submit button label (the Record tab).
EHC_TAB_TABLE = {"Annual reviews": "csv-ehc_annual_reviews", "Needs assessments": "csv-ehc_requests",
                 "Phase transfers": None, "Compliance by year": "csv-ehc_review_compliance",
                 "Preparing for adulthood": "csv-pfa_pupils", "Record": None}


def _ids(at, kind: str) -> list[str]:
    return [el.proto.id for el in at.get(kind)]


def _downloads(at) -> set[str]:
    """The keys of the page's CSV downloads (one per table drawn): an element's id ends with its key."""
    return {key for key in [*EHC_TAB_TABLE.values(), "csv-ehc_deadlines"] if key
            and any(i.endswith(key) for i in _ids(at, "download_button"))}


def test_ehc_plans_draws_only_the_open_tab_and_each_tab_on_a_click(fixture_path):
    db = open_database(fixture_path)
    add_ehc_rows(db)
    _make_year_nine(db)
    close_all()
    at = signed_in("senco", fixture_path, page="pages/ehc_plans.py", term_id=20252, timeout=60)
    assert not at.exception and not at.error
    labels = TABS_DRAWN_WHEN_OPEN["ehc_plans"][1]["senco"]
    assert [t.label for t in at.tabs if t.label in labels] == list(labels)  # every tab is offered
    shown = _downloads(at)
    assert "csv-ehc_deadlines" in shown and "csv-ehc_annual_reviews" in shown  # above the tabs, and the first tab
    for other in ("csv-ehc_requests", "csv-ehc_review_compliance", "csv-pfa_pupils"):
        assert other not in shown, other
    assert not [b for b in at.button if b.label == "Save EHC plan"]  # the Record tab's form is not drawn
    assert "chart-ehc_review_compliance" not in drawn_charts(at)

    for label, table in EHC_TAB_TABLE.items():
        on_tab(at, "ehc_tab", label)
        assert not at.exception and not at.error, label
        shown = _downloads(at)
        if table:
            assert table in shown, (label, shown)
        others = {t for lab, t in EHC_TAB_TABLE.items() if t and lab != label}
        assert not (others & shown), (label, others & shown)
        assert ("chart-ehc_review_compliance" in drawn_charts(at)) == (label == "Compliance by year"), label
        if label == "Record":
            assert [b for b in at.button if b.label == "Save EHC plan"]

    # one view entry for the visit, however many tabs were opened, naming the pupils of every tab
    views = open_database(fixture_path).cursor().execute(
        "SELECT detail FROM audit_log WHERE action = 'view' AND object_type = 'ehc_plans' AND username = 'senco'").fetchall()
    assert len(views) == 1
    detail = json.loads(views[0][0])
    # pupil 12 is listed only in the Preparing for adulthood tab (Year 9) and in the review steps
    assert detail["preparing_for_adulthood_pupils"] >= 1 and detail["review_steps_pupils"] >= 1
    assert {4, 12} <= set(detail["pupils"]), detail["pupils"]


def test_outcomes_draws_the_open_attendance_chart_only(fixture_path):
    seed(open_database(fixture_path))
    close_all()
    at = signed_in("head", fixture_path, page="pages/outcomes.py", term_id=20252, timeout=60)
    assert not at.exception and not at.error
    names = {"Attendance": "outcomes_attendance", "Persistent absence": "outcomes_persistent_absence",
             "Suspensions": "outcomes_suspensions"}

    def attendance_charts() -> list[str]:
        return [n for n in names.values() if f"chart-{n}" in drawn_charts(at)]

    assert [t.label for t in at.tabs if t.label in names] == list(names)
    assert attendance_charts() == ["outcomes_attendance"]
    for label, name in names.items():
        on_tab(at, "outcomes_attendance_tab", label)
        assert not at.exception and not at.error, label
        assert attendance_charts() == [name], label
