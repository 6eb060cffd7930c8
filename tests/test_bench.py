"""`sendboard bench` smoke tests: the page timer's JSON shape, and that the pandas baseline computes the
same numbers as sendboard (a baseline that computed something else would make the speed-up meaningless).
No timing assertions: speed is measured by the command, not by unit tests."""
from __future__ import annotations

import pandas as pd
import pytest

from sendboard import baseline
from sendboard.bench.pages import _memory, time_pages


def _same(db, name):
    ours, theirs = {n: (a, b) for n, a, b in baseline.AGGREGATIONS}[name]
    frames = baseline.load_frames(db)
    left, right = ours(db), theirs(frames)
    pd.testing.assert_frame_equal(left, right, check_dtype=False, rtol=1e-9)
    return left


def test_time_pages_json_shape(demo_path):
    rows = time_pages(demo_path, 1, {"home", "overview"}, "school")
    assert [r["page"] for r in rows] == ["home", "overview"]
    for r in rows:
        assert set(r) >= {"page", "role", "first_ms", "rerun_median_ms", "rerun_p95_ms", "errors", "rss_mb"}
        assert r["errors"] == []
        assert r["first_ms"] > 0 and r["rerun_median_ms"] > 0 and r["rerun_p95_ms"] >= r["rerun_median_ms"]
    mem = _memory()
    assert mem["peak_rss_mb"] >= mem["rss_mb"] > 0


def test_register_by_need_same_on_fixture(fixture_db):
    """As at 2026-01-20: EHC plans 4 and 12 (ASD); SEN support 1, 2 (SPLD), 3 (SEMH), 11 (SLCN)."""
    out = _same(fixture_db, "register by need")
    got = {(r.group, r.area): r.pupils for r in out.itertuples()}
    assert got == {("EHC plan", "Communication and interaction"): 2,
                   ("SEN support", "Cognition and learning"): 2,
                   ("SEN support", "Social, emotional and mental health"): 1,
                   ("SEN support", "Communication and interaction"): 1}


def test_outcome_gaps_same_on_fixture(fixture_db):
    """Spring 2026 maths: pupils 1 (SEN support) 90 and 4 (EHC plan) 100 -> SEND mean 95; pupils 6 and 7
    (no SEN) 110 and 120 -> 115; gap -20. Autumn scores give term-on-term changes on both sides."""
    cur = fixture_db.cursor()
    rows = [(1, 20251, 80.0), (6, 20251, 105.0), (1, 20252, 90.0), (4, 20252, 100.0), (6, 20252, 110.0),
            (7, 20252, 120.0)]
    for pupil, term, score in rows:
        cur.execute("INSERT INTO assessments (pupil_id, term_id, subject, score, scale, expected_standard) "
                    "VALUES ($p, $t, 'Maths', $s, 'standardised', 100)", {"p": pupil, "t": term, "s": score})
    out = _same(fixture_db, "outcome gaps")
    spring = out[(out["term_id"] == "20252") & (out["subject"] == "Maths")].set_index("measure")
    assert spring.loc["mean_score", "send"] == pytest.approx(95)
    assert spring.loc["mean_score", "no_sen"] == pytest.approx(115)
    assert spring.loc["mean_score", "gap"] == pytest.approx(-20)
    assert spring.loc["pct_expected", "send"] == pytest.approx(50)


def test_every_aggregation_same_on_demo(demo_path):
    from sendboard.db import open_database

    db = open_database(demo_path)
    frames = baseline.load_frames(db)
    for name, ours, theirs in baseline.AGGREGATIONS:
        left = ours(db)
        assert not left.empty, name
        pd.testing.assert_frame_equal(left, theirs(frames), check_dtype=False, rtol=1e-9, obj=name)
