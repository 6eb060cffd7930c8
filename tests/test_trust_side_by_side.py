"""Side by side: one row per school, each figure from the school's own function (or a grouped query held
equal to it here), the trust's median row and national figures, labels in words."""
import re
from datetime import date

import pandas as pd
import pytest

from sendboard import clock, disclosure
from sendboard import trust_compare as tc
from sendboard.app_db import open_database
from sendboard.auth import viewer_for
from sendboard.provision.impact import impact_summary
from sendboard.records.specialists import waiting_by_service
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, drawn_charts, interactive_charts, signed_in
from tests.trust_helpers import AS_AT, add_ehc_rows

DEMO_AS_OF = date(2026, 11, 23)


def _own(figures: dict) -> dict:
    """A per-school result as the grouped frame holds it (None as NaN, no id)."""
    return {k: float("nan") if v is None else v for k, v in figures.items() if k != "school_id"}


@pytest.fixture(scope="module")
def demo_trust(tmp_path_factory):
    from sendboard.demo import build_demo

    path = tmp_path_factory.mktemp("trust") / "trust.duckdb"
    build_demo(path, pupils=1500, schools=3, seed=7, as_of=DEMO_AS_OF)
    return path


def _open(path):
    db = open_database(path)  # each test opens it afresh: connections are closed between tests
    user = db.cursor().execute("SELECT user_id FROM users WHERE role = 'trust'").fetchone()[0]
    return db, viewer_for(db, user)


def test_grouped_ehc_figures_equal_the_ehc_pages_own_functions_on_the_fixture(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    grouped = tc.ehc_by_school(fixture_db, Scope(viewers["trust"], clock.today()), AS_AT).set_index("school_id")
    for sid in (1, 2):
        assert grouped.loc[sid].to_dict() == pytest.approx(
            _own(tc.ehc_figures(fixture_db, Scope(viewers["trust"], clock.today()), sid, AS_AT)), nan_ok=True)
    # by hand (tests/trust_helpers.py): Oak Lane 50% of 2 due last year, 1 overdue, 1 short
    assert grouped.loc[1, ["ehc_reviews_due_last_year", "ehc_on_time_pct", "ehc_overdue_now", "ehc_hours_short"]].tolist() \
        == [2, 50.0, 1, 1]


def test_grouped_queries_equal_the_per_school_functions_on_a_demo_trust(demo_trust):
    db, viewer = _open(demo_trust)
    for as_at in (DEMO_AS_OF, date(2026, 3, 1)):
        grouped = tc.ehc_by_school(db, Scope(viewer, clock.today()), as_at).set_index("school_id")
        waiting = db.query("trust_waiting", scope=Scope(viewer, clock.today()), as_at=as_at).set_index("school_id")
        assert len(grouped) == 3
        for sid in grouped.index:
            per = tc.ehc_figures(db, Scope(viewer, clock.today()), int(sid), as_at)
            assert grouped.loc[sid].to_dict() == pytest.approx(_own(per), nan_ok=True)
            own = waiting_by_service(db, Scope(viewer, clock.today()), int(sid), as_at)
            assert waiting["still_waiting"].get(sid, 0) == int(own["still_waiting"].sum())
            assert waiting["longest_median_wait"].get(sid) == pytest.approx(own["median_wait_days"].max())
        assert grouped["ehc_open_plans"].sum() > 0  # the comparison compared something
        suspended = tc.suspensions_by_school(db, Scope(viewer, clock.today()), as_at).set_index("school_id")
        for sid in suspended.index:
            assert suspended.loc[sid].to_dict() == pytest.approx(_own(tc._suspensions(db, Scope(viewer, clock.today()), as_at, int(sid))),
                                                                 nan_ok=True)
        assert suspended["suspended_send_pct"].notna().any()
        staff = tc.staff_by_school(db, Scope(viewer, clock.today()), as_at).set_index("school_id")
        for sid in staff.index:
            assert staff.loc[sid].to_dict() == pytest.approx(_own(tc._staff(db, Scope(viewer, clock.today()), as_at, int(sid))), nan_ok=True)
        assert staff["staff_trained_pct"].notna().all() and staff["self_evaluation_mean"].notna().any()
        money = tc.money_by_school(db, Scope(viewer, clock.today()), as_at).set_index("school_id")
        threshold = disclosure.get_threshold(db)
        for sid in money.index:
            assert money.loc[sid].to_dict() == pytest.approx(_own(tc._money(db, Scope(viewer, clock.today()), as_at, threshold, int(sid))),
                                                             nan_ok=True)
        assert money["spend"].notna().all() and money["funding"].notna().any()
        found = tc.identification_by_school(db, Scope(viewer, clock.today()), as_at).set_index("school_id")
        for sid in found.index:
            assert found.loc[sid, "identification"] == tc._identification(db, Scope(viewer, as_at), as_at, int(sid))["identification"]
        assert (found["identification"] != "No group stands out").any()


def test_shared_interventions_carry_each_schools_own_impact_figures(demo_trust):
    db, viewer = _open(demo_trust)
    shared = tc.shared_interventions(db, Scope(viewer, clock.today()), DEMO_AS_OF)
    assert not shared.empty
    assert (shared.groupby("Intervention")["School"].nunique() >= 2).all()
    row = shared.dropna(subset=["Effect size (Hedges' g)"]).iloc[0]
    names = dict(db.query_rows("trust_school_names", scope=Scope(viewer, clock.today())))
    sid = next(k for k, v in names.items() if v == row["School"])
    own = impact_summary(db, Scope(viewer, clock.today()), sid, 2026, DEMO_AS_OF).set_index("intervention")
    assert row["Effect size (Hedges' g)"] == pytest.approx(round(float(own.loc[row["Intervention"], "effect_size"]), 2))
    assert row["95% interval, low"] == pytest.approx(round(float(own.loc[row["Intervention"], "es_ci_low"]), 2))


def test_median_and_national_rows_worked_by_hand(fixture_db, viewers):
    frame = tc.side_by_side(fixture_db, Scope(viewers["trust"], AS_AT), AS_AT, "Register and needs")
    table = tc.display_table(frame, "Register and needs").set_index("School")
    # Oak Lane 20 on roll, 20% SEN support, 10% EHC; Elm Road 1 on roll, 100% SEN support, 0% EHC.
    median = table.loc[tc.MEDIAN_ROW]
    assert median["Pupils on roll"] == pytest.approx(10.5)
    assert median["SEN support (% of roll)"] == pytest.approx(60.0)
    assert median["EHC plans (% of roll)"] == pytest.approx(5.0)
    national = [i for i in table.index if i.startswith(tc.NATIONAL_ROW)]
    assert len(national) == 1 and "secondary" in national[0] and "/" in national[0]  # the year named
    # Oak Lane's need mix: 6 pupils with SEND, 2 with a cognition and learning primary need
    assert table.loc["Oak Lane Academy", "Cognition and learning (% of pupils with SEND)"] == pytest.approx(33.3)


@pytest.mark.parametrize("theme", list(tc.THEMES))
def test_every_theme_has_labels_in_words(fixture_db, viewers, theme):
    frame = tc.side_by_side(fixture_db, Scope(viewers["trust"], AS_AT), AS_AT, theme)
    table = tc.display_table(frame, theme)
    assert len(table) >= 3  # two schools and the median
    assert not [c for c in table.columns if "_" in c], table.columns


def test_the_page_draws_every_theme(fixture_path, fixture_db):
    add_ehc_rows(fixture_db)
    at = signed_in("trust", page="pages/trust.py", term_id=20252)
    for theme in tc.THEMES:
        at.segmented_control(key="trust_theme").set_value(theme).run()
        assert not at.exception, theme
        text = all_text(at)
        assert "Oak Lane Academy" in text and tc.MEDIAN_ROW in text
        assert not re.search(r"Fixture\d", text)  # no pupil's surname (the trust itself is 'Fixture Trust')
    assert "EHC annual reviews overdue now" in text or "Staff with current SEND training (%)" in text


def test_a_head_cannot_have_the_side_by_side(fixture_db, viewers):
    from sendboard.access import AccessDenied

    with pytest.raises(AccessDenied):
        tc.side_by_side(fixture_db, Scope(viewers["head"], AS_AT), AS_AT)


def test_charts_and_value_for_money_are_drawn_only_when_opened(fixture_path, fixture_db):
    cur = fixture_db.cursor()
    for pid in range(1, 22):  # pupils with SEND score 90 and attend 88%; the rest 104 and 96%
        score = 90 if pid in (1, 2, 3, 4, 11, 12, 21) else 104
        cur.execute("INSERT INTO assessments VALUES ($p, 20252, 'Maths', $s, 'standardised', 100)", {"p": pid, "s": score})
        cur.execute("INSERT INTO attendance VALUES ($p, 20251, 100, $a)", {"p": pid, "a": 88 if score == 90 else 96})
    at = signed_in("trust", page="pages/trust.py", term_id=20252)
    assert not drawn_charts(at) and not interactive_charts(at)
    at.session_state["trust_charts"] = True  # as the browser reports an opened expander
    at.session_state["trust_value_for_money"] = True
    at.run()
    assert not at.exception
    assert len(drawn_charts(at)) == 3 and not interactive_charts(at)  # plotly only in an opened Interactive tab
    assert [t.label for t in at.tabs].count("Table") == 3  # each chart's text alternative
    text = all_text(at)
    assert "Attendance gap (percentage points)" in text and "attendance_gap" not in text
    assert "No intervention has run in two or more schools this academic year." in text


def test_empty_median_and_national_cells_say_so_in_words(fixture_db, viewers):
    """The national row has figures for the register only, and the median of a column of words is none: those
    cells read 'no national figure' and a dash on the page and in the downloads, never 'None'."""
    frame = tc.side_by_side(fixture_db, Scope(viewers["trust"], AS_AT), AS_AT, "Register and needs")
    table = tc.display_table(frame, "Register and needs")
    national = next(i for i, s in enumerate(table["School"]) if s.startswith(tc.NATIONAL_ROW))
    need = "Cognition and learning (% of pupils with SEND)"
    assert pd.isna(table.loc[national, need])  # the cell the fix is about: empty in the figures
    words = tc.with_missing_words(table)
    assert words.loc[national, need] == tc.NO_NATIONAL_FIGURE
    assert words.loc[national, "SEN support (% of roll)"] == table.loc[national, "SEN support (% of roll)"]
    shown = tc.reference_rows(table)  # the page's rows under the schools: the median, then national
    assert shown["School"].tolist() == [tc.MEDIAN_ROW, "National, state-funded secondary schools"]
    assert "/" in shown.loc[1, "Figures from"]  # the year named
    assert shown.loc[0, "Pupils on roll"] == "10.5" and shown.loc[1, need] == tc.NO_NATIONAL_FIGURE
    assert not shown.isna().any().any()
    ident = tc.display_table(tc.side_by_side(fixture_db, Scope(viewers["trust"], AS_AT), AS_AT, "Identification"),
                             "Identification")
    median = ident.index[ident["School"] == tc.MEDIAN_ROW][0]
    assert tc.with_missing_words(ident).iloc[median, 2] == tc.NO_FIGURE
    assert tc.reference_rows(ident).iloc[0, 2] == tc.NO_FIGURE
    assert tc.number_text(20.0) == "20" and tc.number_text(10.5) == "10.5"


def test_a_small_reading_table_puts_words_in_its_empty_cells():
    frame = pd.DataFrame({"Phase": ["Primary", "Secondary"], "Pupils on roll": [1052, 400],
                          "National EHC plans %": [2.5, float("nan")]})
    shown = tc.numbers_in_words(frame, tc.NO_NATIONAL_FIGURE)
    assert shown.to_dict("records") == [
        {"Phase": "Primary", "Pupils on roll": "1,052", "National EHC plans %": "2.5"},
        {"Phase": "Secondary", "Pupils on roll": "400", "National EHC plans %": tc.NO_NATIONAL_FIGURE}]
