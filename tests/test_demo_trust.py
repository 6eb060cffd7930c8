"""A plausible demo: term-time meetings, needs typical of a mainstream school, age-fit targets, strategies
that fit the need, and a trust whose schools differ as real ones do."""
from datetime import date

import duckdb
import pytest

from sendboard import db as dbmod
from sendboard.demo import _day, _school_day, build_demo, school_holidays, school_profiles

AS_OF = date(2026, 11, 23)
JAN = "DATE '2026-01-15'"  # the January 2026 census


def _d(days) -> date:
    return date(1970, 1, 1) + __import__("datetime").timedelta(days=int(days))


def test_school_holidays_and_moving_a_day_into_term():
    hols = school_holidays(2026)
    assert (date(2026, 7, 22), date(2026, 8, 31)) in hols
    assert (date(2026, 10, 26), date(2026, 10, 30)) in hols      # last Monday of October 2026 is the 26th
    assert (date(2026, 5, 25), date(2026, 5, 29)) in hols        # last Monday of May 2026 is the 25th
    assert (date(2026, 2, 16), date(2026, 2, 20)) in hols        # the Monday on or after 12 February 2026
    # 10 August 2026 moves on to Tuesday 1 September; with "today" on 20 August it goes back to Tuesday 21 July.
    assert _d(_school_day([_day(date(2026, 8, 10))])[0]) == date(2026, 9, 1)
    assert _d(_school_day([_day(date(2026, 8, 10))], _day(date(2026, 8, 20)))[0]) == date(2026, 7, 21)
    # A Saturday in term goes on to Monday; a school day stays put.
    assert _d(_school_day([_day(date(2026, 11, 21))])[0]) == date(2026, 11, 23)
    assert _d(_school_day([_day(date(2026, 11, 18))])[0]) == date(2026, 11, 18)


def test_trust_profiles_differ_as_real_schools_do():
    profiles = school_profiles(5, 4000, "secondary", 42)
    assert sum(p["roll"] for p in profiles) == 4000
    assert {p["phase"] for p in profiles} == {"primary", "secondary"}
    assert all(200 <= p["roll"] <= 1600 for p in profiles)
    assert all(9 <= p["k_pct"] <= 20 and 1.5 <= p["e_pct"] <= 6 for p in profiles)
    assert max(p["k_pct"] for p in profiles) - min(p["k_pct"] for p in profiles) >= 5
    assert sum(p["behind_on_reviews"] for p in profiles) == 1
    resourced = [p for p in profiles if p["resourced_provision"]]
    assert len(resourced) == 1 and resourced[0]["phase"] == "primary" and resourced[0]["e_pct"] == 6.0
    secondary_rolls = [p["roll"] for p in profiles if p["phase"] == "secondary"]
    primary_rolls = [p["roll"] for p in profiles if p["phase"] == "primary"]
    assert min(secondary_rolls) > max(primary_rolls)
    # One school keeps the national calibration.
    (single,) = school_profiles(1, 1200, "primary", 42)
    assert single["phase"] == "primary" and single["k_pct"] is None and single["roll"] == 1200


@pytest.fixture(scope="module")
def trust(tmp_path_factory):
    path = tmp_path_factory.mktemp("trust") / "trust.duckdb"
    build_demo(path, pupils=4000, schools=5, seed=42, as_of=AS_OF)
    dbmod.close_all()
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def test_each_trust_school_has_its_own_register_shares(trust):
    shares = trust.execute(f"""
        SELECT r.school_id, s.phase, count(*) AS roll,
               100 * avg(coalesce(st.code = 'K', false)::INT) AS k, 100 * avg(coalesce(st.code = 'E', false)::INT) AS e
        FROM roll_at({JAN}) r JOIN schools s USING (school_id) LEFT JOIN sen_status_at({JAN}) st USING (pupil_id)
        GROUP BY ALL ORDER BY 1""").fetchall()
    wanted = school_profiles(5, 4000, "secondary", 42)
    assert len(shares) == 5
    for (school_id, phase, roll, k, e), profile in zip(shares, wanted):
        assert phase == profile["phase"]
        assert abs(k - profile["k_pct"]) < 0.6 and abs(e - profile["e_pct"]) < 0.4, school_id
        assert 150 <= roll <= 1650  # the roll at the census, near the profile's
    assert trust.execute("SELECT count(DISTINCT trust) FROM schools").fetchone()[0] == 1
    assert trust.execute("SELECT count(*) FROM school_resourced_provision WHERE need_code = 'ASD'").fetchone()[0] == 1


def test_the_school_behind_on_reviews_is_clearly_behind(trust):
    rates = dict(trust.execute("""
        SELECT p.school_id, avg((r.held_on <= r.due_on)::INT)
        FROM ehc_reviews r JOIN ehc_plans e USING (ehcp_id) JOIN pupils p USING (pupil_id)
        WHERE r.due_on >= DATE '2024-09-01' GROUP BY 1""").fetchall())
    behind = 1 + next(i for i, p in enumerate(school_profiles(5, 4000, "secondary", 42)) if p["behind_on_reviews"])
    # Held on time: under 60% at the school behind (about 85% elsewhere); the lowest in the trust by a clear margin.
    assert rates[behind] < 0.6 and all(rates[s] > rates[behind] + 0.1 for s in rates if s != behind)


def test_the_resourced_provision_has_the_most_autism_plans(trust):
    share = dict(trust.execute(f"""
        SELECT r.school_id, avg((n.need_code = 'ASD')::INT) FROM roll_at({JAN}) r
        JOIN sen_status_at({JAN}) st USING (pupil_id) JOIN needs_at({JAN}) n USING (pupil_id)
        WHERE st.code = 'E' AND n.need_rank = 1 GROUP BY 1""").fetchall())
    resourced = trust.execute("SELECT school_id FROM school_resourced_provision").fetchone()[0]
    assert share[resourced] == max(share.values()) and share[resourced] > 0.5


HOLIDAY = """(month({c}) = 8 OR (month({c}) = 7 AND day({c}) >= 22)
              OR (month({c}) = 12 AND day({c}) >= 20) OR (month({c}) = 1 AND day({c}) <= 3)
              OR (month({c}) = 4 AND day({c}) <= 14) OR dayofweek({c}) IN (0, 6))"""


@pytest.mark.parametrize("table,column", [("ehc_reviews", "held_on"), ("plan_reviews", "reviewed_on"),
                                          ("support_plans", "start_date"), ("concerns", "raised_on"),
                                          ("suspensions", "start_date")])
def test_no_meeting_or_suspension_in_a_school_holiday(trust, table, column):
    bad, total = trust.execute(f"SELECT count(*) FILTER (WHERE {HOLIDAY.format(c=column)}), count({column}) "
                           f"FROM {table}").fetchone()
    assert total > 0 and bad == 0


def test_needs_fit_a_mainstream_school(trust):
    # No severe or profound learning difficulty on SEN support, and few among plans.
    on_support = trust.execute("""SELECT count(*) FROM sen_needs n JOIN sen_provision sp USING (pupil_id)
        WHERE sp.code = 'K' AND n.need_rank = 1 AND n.need_code IN ('SLD', 'PMLD')""").fetchone()[0]
    assert on_support == 0
    sld, plans = trust.execute(f"""SELECT count(*) FILTER (WHERE n.need_code IN ('SLD', 'PMLD')), count(*)
        FROM sen_status_at({JAN}) st JOIN needs_at({JAN}) n USING (pupil_id) WHERE st.code = 'E' AND n.need_rank = 1""").fetchone()
    assert sld / plans < 0.03  # nationally 5.2% of all plans, most of them in special schools


def test_targets_fit_the_pupils_age(trust):
    young_targets = trust.execute("""
        SELECT count(*) FROM plan_targets t JOIN support_plans sp USING (plan_id)
        JOIN enrolments e ON e.pupil_id = sp.pupil_id
         AND e.academic_year = CASE WHEN month(sp.start_date) >= 9 THEN year(sp.start_date) ELSE year(sp.start_date) - 1 END
        WHERE e.year_group >= 7 AND (t.description ILIKE '%pencil grip%' OR t.description ILIKE '%high-frequency%'
                                     OR t.description ILIKE '%times tables%')""").fetchone()[0]
    senior_in_primary = trust.execute("""
        SELECT count(*) FROM plan_targets t JOIN support_plans sp USING (plan_id)
        JOIN enrolments e ON e.pupil_id = sp.pupil_id
         AND e.academic_year = CASE WHEN month(sp.start_date) >= 9 THEN year(sp.start_date) ELSE year(sp.start_date) - 1 END
        WHERE e.year_group <= 6 AND (t.description ILIKE '%lessons 5 minutes early%' OR t.description ILIKE '%online platform%')
        """).fetchone()[0]
    assert young_targets == 0 and senior_in_primary == 0


def test_passport_strategies_fit_the_pupils_primary_need(trust):
    misfits, total = trust.execute(f"""
        SELECT count(*) FILTER (WHERE NOT (list_contains(string_split(s.needs, '|'), n.need_code)
                                           OR coalesce(s.needs, '') = '')), count(*)
        FROM pupil_strategies ps JOIN strategies s USING (strategy_id)
        JOIN needs_at(DATE '{AS_OF}') n ON n.pupil_id = ps.pupil_id AND n.need_rank = 1""").fetchone()
    assert total > 100 and misfits == 0
