"""As-at dates mean what they say: looking back at a past date D shows only what was recorded by D.

The demo school is copied, and from the copy every row dated after D is removed (and every end date,
exit score and attendance count after D is cleared, as it was not known yet). Each page's headline
figures at D must then be the same on the full demo and on the copy. D is the last day of the spring
term 2026, so termly attendance and assessment rows are either wholly before or wholly after it.
"""
from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from sendboard import app_db, clock, home
from sendboard import db as dbmod
from sendboard.auth import viewer_for
from sendboard.classroom import profile
from sendboard.leaders import identification as ident
from sendboard.leaders import register
from sendboard.provision import allocations as alloc
from sendboard.provision import impact
from sendboard.scope import Scope

# Rows dated after D are deleted; end dates after D are cleared. (table, date column that dates the row)
DELETE_AFTER = [
    ("allocations", "start_date"), ("suspensions", "start_date"), ("concerns", "raised_on"),
    ("sen_provision", "start_date"), ("sen_needs", "start_date"), ("group_members", "start_date"),
    ("group_teachers", "start_date"), ("staff", "start_date"), ("support_plans", "start_date"),
    ("plan_targets", "set_on"), ("plan_reviews", "reviewed_on"), ("ehc_plans", "issued_on"),
    ("ehc_reviews", "held_on"), ("ehc_requests", "requested_on"), ("key_factor_ratings", "rated_on"),
    ("pupil_strategies", "added_on"), ("training", "completed_on"), ("pupils", "entry_date"),
]
CLEAR_AFTER = [
    ("allocations", "end_date"), ("concerns", "closed_on"), ("sen_provision", "end_date"), ("sen_needs", "end_date"),
    ("group_members", "end_date"), ("group_teachers", "end_date"), ("staff", "end_date"),
    ("support_plans", "closed_on"), ("plan_targets", "closed_on"), ("ehc_plans", "ceased_on"),
    ("ehc_requests", "decision_on"), ("ehc_requests", "final_plan_on"), ("pupils", "leaving_date"),
]


def truncate_to(db, d: date) -> None:
    """Remove from a database everything recorded after ``d`` (see the module docstring)."""
    cur = db.cursor()
    ay = d.year if d.month >= 9 else d.year - 1
    # what an allocation still open at D did not have yet: its exit score and final attendance
    cur.execute("""UPDATE allocations a SET exit_score = NULL, sessions_attended = NULL
                   FROM interventions i WHERE i.intervention_id = a.intervention_id
                     AND coalesce(a.end_date, CAST(a.start_date + to_days(7 * i.planned_weeks - 1) AS DATE)) > $d""", {"d": d})
    cur.execute("DELETE FROM allocation_sessions WHERE allocation_id IN (SELECT allocation_id FROM allocations WHERE start_date > $d)",
                {"d": d})
    for table, col in DELETE_AFTER:
        cur.execute(f"DELETE FROM {table} WHERE {col} > $d", {"d": d})
    for table, col in CLEAR_AFTER:
        cur.execute(f"UPDATE {table} SET {col} = NULL WHERE {col} > $d", {"d": d})
    cur.execute("DELETE FROM assessments WHERE term_id IN (SELECT term_id FROM terms WHERE census_date > $d)", {"d": d})
    cur.execute("DELETE FROM attendance WHERE term_id IN (SELECT term_id FROM terms WHERE start_date > $d)", {"d": d})
    for table in ("enrolments", "teaching_groups", "funding"):
        cur.execute(f"DELETE FROM {table} WHERE academic_year > $y", {"y": ay})
    cur.execute("DELETE FROM enrolments WHERE pupil_id NOT IN (SELECT pupil_id FROM pupils)")


@pytest.fixture(scope="module")
def both_paths(demo_template, tmp_path_factory):
    """Paths of the full demo and of the copy truncated to D, and D (built once for the module)."""
    folder = tmp_path_factory.mktemp("as_at")
    full_path, cut_path = folder / "full.duckdb", folder / "cut.duckdb"
    shutil.copy(demo_template, full_path)
    shutil.copy(demo_template, cut_path)
    cut = app_db.open_database(cut_path)
    d = pd.Timestamp(cut.cursor().execute("SELECT end_date FROM terms WHERE term_id = 20252").fetchone()[0]).date()
    truncate_to(cut, d)
    dbmod.close_all()
    return full_path, cut_path, d


@pytest.fixture
def both(both_paths):
    """(full demo, copy truncated to D, D), opened for one test."""
    full_path, cut_path, d = both_paths
    yield app_db.open_database(full_path), app_db.open_database(cut_path), d
    dbmod.close_all()


def _viewer(db, username):
    uid = db.cursor().execute("SELECT user_id FROM users WHERE username = $u", {"u": username}).fetchone()[0]
    return viewer_for(db, uid)


def _same(full, cut, fn):
    a, b = fn(full), fn(cut)
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, rtol=1e-9)
    else:
        assert a == b


def test_the_copy_really_lost_later_rows(both):
    full, cut, d = both
    q = "SELECT count(*) FROM allocations WHERE start_date > $d OR end_date > $d"
    assert full.cursor().execute(q, {"d": d}).fetchone()[0] > 0 and cut.cursor().execute(q, {"d": d}).fetchone()[0] == 0


def test_impact_page_at_d(both):
    full, cut, d = both
    ay = 2025

    def figures(db):
        v = _viewer(db, "senco")
        out = impact.impact_for_year(db, Scope(v, d), v.school_ids[0], ay, d)
        table = out["impact"][["intervention", "places", "with_both_scores", "missing_exit", "mean_gain", "effect_size",
                               "es_ci_low", "es_ci_high", "months_progress", "verdict"]].sort_values("intervention")
        return pd.concat([table, pd.DataFrame({"intervention": ["(pupil rows)"], "places": [len(out["pupils"])]})])

    _same(full, cut, figures)


@pytest.mark.parametrize("by", ["all", "area", "wave", "year_group"])
def test_provision_map_totals_at_d(both, by):
    full, cut, d = both

    def totals(db):
        v = _viewer(db, "head")
        return alloc.year_summary(db, Scope(v, d), v.school_ids[0], 2025, d, by)

    _same(full, cut, totals)


def test_time_out_of_class_at_d(both):
    from sendboard.provision import costs

    full, cut, d = both

    def minutes(db):
        v = _viewer(db, "senco")
        return costs.time_out_of_class(alloc.year_allocations(db, Scope(v, d), v.school_ids[0], 2025, d))

    _same(full, cut, minutes)


def test_identification_at_d(both):
    full, cut, d = both

    def lists(db):
        v = _viewer(db, "senco")
        out = ident.identification(db, Scope(v, d), v.school_ids[0], d)
        return pd.concat([out["unidentified"].assign(list="act"), out["weaker_signs"].assign(list="weaker")])

    _same(full, cut, lists)


def test_class_card_at_d(both):
    full, cut, d = both

    def card(db):
        v = _viewer(db, "teacher")
        group = db.cursor().execute("SELECT min(gt.group_id) FROM group_teachers gt JOIN users u ON u.staff_id = gt.staff_id "
                                    "JOIN teaching_groups g ON g.group_id = gt.group_id "
                                    "WHERE u.username = 'teacher' AND g.academic_year = 2025").fetchone()[0]
        prof = profile.class_profile(db, Scope(v, d), int(group), d)
        return {"summary": prof["summary"], "cards": [(c["pupil_id"], c["interventions"], c["in_class_support"])
                                                      for c in prof["cards"]]}

    _same(full, cut, card)


def test_home_and_register_headlines_at_d(both):
    full, cut, d = both

    def head(db):
        v = _viewer(db, "head")
        return {**home.headline(db, Scope(v, clock.today()), v.school_ids[0], d),
                **register.summary(register.roster(db, Scope(v, d), v.school_ids[0], d))}

    _same(full, cut, head)


def test_governors_pack_facts_at_d(both):
    """Every section's facts, the EHC annual reviews' included."""
    from sendboard.governors import figures

    full, cut, d = both

    def facts(db):
        v = _viewer(db, "governor")
        pack = figures.build_pack(db, Scope(v, clock.today()), v.school_ids[0], 2025, d)
        return {s.key: s.facts for s in pack.sections}

    a, b = facts(full), facts(cut)
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == pytest.approx(b[key], rel=1e-9) if isinstance(a[key], dict) and all(
            isinstance(x, (int, float)) or x is None for x in a[key].values()) else a[key] == b[key], key


def test_self_evaluation_evidence_at_d(both):
    """The self-evaluation's evidence at D counts only what was recorded by D (reviews held later included)."""
    from sendboard.statutory import self_evaluation

    full, cut, d = both

    def evidence(db):
        v = _viewer(db, "head")
        return self_evaluation.factor_evidence(db, Scope(v, d), v.school_ids[0], d)

    _same(full, cut, evidence)
