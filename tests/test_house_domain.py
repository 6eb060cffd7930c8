"""Each shared rule has one Python definition and one SQL twin, and the two agree: the academic year of a
date and its label (sendboard.domain / macros academic_year_of and year_label), the broad area of each
need code (the shipped code list, read by Python and held in ref_need_codes), and the cost and gain
formulas (sendboard.provision.costs and impact / macros in 026_house.sql). Hand-worked figures first."""
from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sendboard import domain
from sendboard.provision.costs import hours_a_week, pupil_share_cost, weekly_group_cost
from sendboard.provision.impact import gain_of
from sendboard.reference import need_area_codes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def rules_db(tmp_path_factory) -> Path:
    """A new database with every migration applied (the macros) and the shipped data, made once."""
    from sendboard.app_db import open_database

    path = tmp_path_factory.mktemp("house") / "rules.duckdb"
    open_database(path).close()
    return path


@pytest.fixture
def con(rules_db):
    from sendboard.app_db import open_database

    return open_database(rules_db).cursor()


def _dates() -> list[date]:
    """Every 31 August and 1 September from 1990 to 2060, the days either side of New Year, and 400 days
    drawn at random (seeded) from the same span."""
    days = []
    for y in range(1990, 2061):
        days += [date(y, 8, 31), date(y, 9, 1), date(y, 1, 1), date(y, 12, 31), date(y, 2, 28)]
    rng = random.Random(2026)
    start = date(1990, 1, 1)
    days += [start + timedelta(days=rng.randrange(0, 70 * 365)) for _ in range(400)]
    return days


def test_academic_year_by_hand():
    assert domain.academic_year_of(date(2026, 8, 31)) == 2025
    assert domain.academic_year_of(date(2026, 9, 1)) == 2026
    assert domain.academic_year_of(date(2027, 1, 1)) == 2026
    assert domain.year_label(2025) == "2025/26" and domain.year_label(1999) == "1999/00"
    assert domain.academic_year_bounds(2025) == (date(2025, 9, 1), date(2026, 8, 31))
    autumn, spring, summer = domain.academic_year_terms(2026)
    assert (autumn["start_date"], summer["end_date"]) == domain.academic_year_bounds(2026)
    assert autumn["census_date"] == date(2026, 10, 1)  # the first Thursday of October 2026


def test_academic_year_python_and_sql_agree_on_every_date(con):
    days = _dates()
    sql = con.execute("SELECT d, academic_year_of(d) FROM unnest($days) t(d)", {"days": days}).fetchall()
    assert len(sql) == len(days)
    assert [(d, domain.academic_year_of(d)) for d in days] == [(d, int(y)) for d, y in sql]


def test_year_label_python_and_sql_agree(con):
    years = list(range(1990, 2101))
    sql = con.execute("SELECT y, year_label(y) FROM unnest($years) t(y)", {"years": years}).fetchall()
    assert [(y, domain.year_label(y)) for y in years] == [(int(y), label) for y, label in sql]
    assert dict(sql)[2099] == "2099/00"


def test_need_areas_come_from_the_shipped_code_list(con):
    """The code list decides each need's area, for SQL (ref_need_codes) and Python alike, and the areas
    are exactly the five in sendboard.domain."""
    held = dict(con.execute("SELECT need_code, area_code FROM ref_need_codes").fetchall())
    assert held == need_area_codes()
    assert held["ASD"] == "CI" and held["SPLD"] == "CL" and held["VI"] == "SP" and held["NSA"] == "OTH"
    assert set(held.values()) == set(domain.AREA_CODES) == {"CI", "CL", "SEMH", "SP", "OTH"}


def test_cost_formulas_by_hand_and_in_sql(con):
    """A teaching assistant at £24 an hour, two 30-minute sessions a week for a group of 3, for 70 days
    (10 weeks), with £60 of materials: the group costs 2 x (24 x 30 / 60) = £24 a week; each pupil's
    share is 24 / 3 x 70 / 7 = £80, plus 60 / 3 = £20 of materials: £100; 1 hour a week."""
    assert weekly_group_cost(24.0, 30, 2.0) == 24.0
    assert pupil_share_cost(24.0, 3, 70, 60.0, True) == pytest.approx(100.0)
    assert pupil_share_cost(24.0, 3, 70, 60.0, False) == pytest.approx(80.0)
    assert hours_a_week(2.0, 30) == 1.0
    row = con.execute("SELECT weekly_group_cost(24.0, 30, 2.0), pupil_share_cost(24.0, 3, 70, 60.0, true), "
                      "pupil_share_cost(24.0, 3, 70, 60.0, false), hours_a_week(2.0, 30)").fetchone()
    assert row == pytest.approx((24.0, 100.0, 80.0, 1.0))


def test_cost_formulas_python_and_sql_agree_on_a_grid(con):
    rng = random.Random(7)
    cases = [(rng.choice([0.0, 12.5, 18.0, 24.0, 41.3]), rng.choice([10, 15, 20, 30, 45, 60]),
              rng.choice([0.5, 1.0, 2.0, 3.0, 5.0]), rng.randint(1, 8), rng.randint(0, 400),
              rng.choice([0.0, 35.0, 120.0, 999.99]), rng.random() < 0.5) for _ in range(200)]
    frame = pd.DataFrame(cases, columns=["hourly", "minutes", "sessions", "pupils", "days", "other", "counts"])
    sql = con.execute(
        "SELECT weekly_group_cost(hourly, minutes, sessions) AS weekly, hours_a_week(sessions, minutes) AS hours, "
        "pupil_share_cost(weekly_group_cost(hourly, minutes, sessions), pupils, days, other, counts) AS share "
        "FROM frame").df()
    weekly = weekly_group_cost(frame["hourly"], frame["minutes"], frame["sessions"])
    np.testing.assert_allclose(sql["weekly"], weekly, rtol=1e-12)
    np.testing.assert_allclose(sql["hours"], hours_a_week(frame["sessions"], frame["minutes"]), rtol=1e-12)
    np.testing.assert_allclose(sql["share"], pupil_share_cost(weekly, frame["pupils"], frame["days"], frame["other"],
                                                              frame["counts"]), rtol=1e-12)


def test_gain_by_hand_and_in_sql(con):
    """A behaviour score where lower is better, 90 -> 84: a gain of 6. A reading age of 96 -> 104 months
    over 121 days: 8 months' growth less the 121 / (365.25 / 12) = 3.975 months that passed = 4.025."""
    start, end = pd.Series([pd.Timestamp("2025-09-08")] * 2), pd.Series([pd.Timestamp("2026-01-07")] * 2)
    python = gain_of(pd.Series([90.0, 96.0]), pd.Series([84.0, 104.0]), pd.Series([False, True]),
                     pd.Series(["points", " Months "]), start, end)
    assert list(python) == pytest.approx([6.0, 8 - 121 / (365.25 / 12)])
    assert python[1] == pytest.approx(4.025, abs=1e-3)
    sql = con.execute("SELECT measured_gain(90.0, 84.0, false, 'points', DATE '2025-09-08', DATE '2026-01-07'), "
                      "measured_gain(96.0, 104.0, true, ' Months ', DATE '2025-09-08', DATE '2026-01-07')").fetchone()
    assert sql == pytest.approx(tuple(python))


def test_gain_python_and_sql_agree_on_a_grid(con):
    rng = random.Random(11)
    rows = []
    for _ in range(200):
        start = date(2024, 9, 2) + timedelta(days=rng.randrange(0, 300))
        rows.append((float(rng.randint(60, 130)), float(rng.randint(60, 130)), rng.random() < 0.7,
                     rng.choice(["standardised", "months", "marks", None]), start, start + timedelta(days=rng.randrange(0, 200))))
    frame = pd.DataFrame(rows, columns=["entry", "exit", "up", "scale", "start_day", "exit_day"])
    sql = con.execute("SELECT measured_gain(entry, exit, up, scale, start_day, exit_day) AS gain FROM frame").df()
    python = gain_of(frame["entry"], frame["exit"], frame["up"], frame["scale"], frame["start_day"], frame["exit_day"])
    np.testing.assert_allclose(sql["gain"], python, rtol=1e-12)


# Copies that must not come back: each pattern is a rule written out again instead of read from its home.
COPIES = {
    r"\.month >= 9": "the academic year of a date (sendboard.domain.academic_year_of)",
    r"\}/\{str\(": "an academic year label (sendboard.domain.year_label)",
    r"\"sendboard-demo\"": "the demo password (sendboard.domain.DEMO_PASSWORD)",
    r"\"CI\": \"Communication and interaction\"": "the broad areas (sendboard.domain.AREAS)",
    r"\(\"CI\", \"CL\", \"SEMH\", \"SP\", \"OTH\"\)|\[\"CI\", \"CL\", \"SEMH\", \"SP\", \"OTH\"\]": "the area codes (sendboard.domain.AREA_CODES)",
}


def test_no_copy_of_a_shared_rule_is_left_in_the_app():
    files = [*(ROOT / "sendboard").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "streamlit_app.py"]
    found = []
    for path in files:
        if path.name == "domain.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, rule in COPIES.items():
            for m in re.finditer(pattern, text):
                found.append(f"{path.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}: {rule}")
    assert not found, "\n".join(found)
