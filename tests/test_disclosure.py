"""Disclosure control (sendboard/disclosure.py): each rule on a hand-made table."""
import math

import pandas as pd
import pytest

from sendboard import disclosure as d
from sendboard.access import AccessDenied


def test_primary_suppression_hides_1_to_4_and_shows_zero_and_5():
    t = pd.DataFrame({"g": ["a", "b", "c", "d", "e"], "n": [0, 1, 4, 5, 12]})
    p = d.protect(t, ["n"], threshold=5)
    assert p.display["n"].tolist() == ["0", "<5", "<5", "5", "12"]
    assert p.mask["n"].tolist() == [False, True, True, False, False]
    assert math.isnan(p.values.at[1, "n"]) and p.values.at[3, "n"] == 5
    display, mask = p  # unpacks as (display, mask)
    assert mask["n"].sum() == 2 and display is p.display


def test_a_rate_built_from_a_suppressed_count_is_suppressed():
    t = pd.DataFrame({"g": ["a", "b"], "n": [3, 20], "roll": [100, 100]})
    t["pct"] = 100 * t["n"] / t["roll"]
    p = d.protect(t, ["n", "roll"], {"pct": ["n", "roll"]}, threshold=5)
    assert p.display["pct"].tolist() == ["x", "20.0"]
    assert p.mask.at[0, "pct"] and not p.mask.at[1, "pct"]


def test_a_rate_whose_unpublished_base_is_small_is_suppressed_and_the_base_not_shown():
    t = pd.DataFrame({"g": ["a", "b"], "base": [4, 30], "attendance": [91.0, 94.5]})
    p = d.protect(t, [], {"attendance": "base"}, threshold=5)
    assert p.display["attendance"].tolist() == ["x", "94.5"]
    assert "base" not in p.display.columns


def test_secondary_suppression_in_a_row_with_a_total():
    # a + b = total; a = 3 is primary; b could be worked out as 10 - 3 ... so b is hidden too.
    t = pd.DataFrame({"g": ["r1", "r2"], "a": [3, 8], "b": [7, 9], "c": [20, 0]})
    t["total"] = t["a"] + t["b"] + t["c"]
    p = d.protect(t, ["a", "b", "c", "total"], threshold=5, row_total="total", row_parts=["a", "b", "c"])
    assert p.display.loc[0, ["a", "b", "c", "total"]].tolist() == ["<5", "x", "20", "30"]  # next smallest: 7 not 20
    assert p.display.loc[1, ["a", "b", "c", "total"]].tolist() == ["8", "9", "0", "17"]
    assert p.mask.loc[0].sum() == 2


def test_secondary_suppression_down_a_column_with_a_total_row():
    t = pd.DataFrame({"area": ["CI", "CL", "SEMH", "All"], "n": [2, 30, 11, 43]})
    p = d.protect(t, ["n"], threshold=5, total_row="All", total_row_col="area")
    assert p.display["n"].tolist() == ["<5", "30", "x", "43"]  # 11 is the next smallest


def test_zeros_are_never_the_complementary_cell_so_the_total_goes_instead():
    t2 = pd.DataFrame({"area": ["x1", "x2", "All"], "n": [3, 0, 3]})
    p = d.protect(t2, ["n"], threshold=5, total_row="All", total_row_col="area")
    assert p.display["n"].tolist() == ["<5", "0", "<5"]
    t3 = pd.DataFrame({"area": ["x1", "x2", "All"], "n": [3, 0, 9]})  # impossible but checks the fallback
    p3 = d.protect(t3, ["n"], threshold=5, total_row="All", total_row_col="area")
    assert p3.display["n"].tolist() == ["<5", "0", "x"]


def test_secondary_suppression_in_rows_and_columns_together_leaves_no_lone_hidden_cell():
    t = pd.DataFrame({"area": ["CI", "CL", "SEMH", "SP", "OTH", "ALL"], "k": [45, 56, 34, 16, 14, 165],
                      "e": [18, 8, 8, 3, 0, 37]})
    t["s"] = t["k"] + t["e"]
    p = d.protect(t, ["k", "e", "s"], threshold=5, row_total="s", row_parts=["k", "e"], total_row="ALL",
                  total_row_col="area")
    m = p.mask
    for i in range(len(t)):  # every row: 0 or at least 2 hidden among k, e, s
        assert m.loc[i, ["k", "e", "s"]].sum() != 1
    for col in ("k", "e", "s"):  # every column: 0 or at least 2 hidden
        assert m[col].sum() != 1
    assert p.display.at[3, "e"] == "<5"
    # Nothing hidden can be recovered: for each hidden cell, its row and column each hold another.
    assert not m.at[0, "k"] and not m.at[5, "s"]


def test_a_derived_figure_in_a_total_line_gets_secondary_suppression():
    t = pd.DataFrame({"area": ["CI", "CL", "SEMH", "All"], "pupils": [12, 3, 9, 24], "spend": [1000.0, 400.0, 800.0, 2200.0]})
    p = d.protect(t, ["pupils"], {"spend": "pupils"}, threshold=5, total_row="All", total_row_col="area",
                  additive=["spend"], money=["spend"])
    assert p.display["spend"].tolist() == ["£1,000", "x", "x", "£2,200"]
    assert p.display["pupils"].tolist() == ["12", "<5", "9", "24"]  # pupils not additive: distinct counts


def test_changing_the_threshold_changes_what_is_hidden():
    t = pd.DataFrame({"g": ["a", "b", "c"], "n": [2, 4, 9]})
    assert d.protect(t, ["n"], threshold=5).display["n"].tolist() == ["<5", "<5", "9"]
    assert d.protect(t, ["n"], threshold=3).display["n"].tolist() == ["<3", "4", "9"]
    assert d.protect(t, ["n"], threshold=10).display["n"].tolist() == ["<10", "<10", "<10"]


def test_stand_alone_helpers_and_legend():
    assert d.protect_value(3, 5) == "<5" and d.protect_value(0, 5) == "0" and d.protect_value(1234, 5) == "1,234"
    assert d.safe_count(4, 5) is None and d.safe_count(5, 5) == 5
    assert d.safe_rate(12.5, [3, 40], 5) is None and d.safe_rate(12.5, [8, 40], 5) == 12.5
    assert "<5" in d.legend(5) and "x" in d.legend(5)
    assert d.chart_note(0, 5) is None and "2 figures not plotted" in d.chart_note(2, 5)


def test_set_threshold_is_admin_only_validated_and_audited(fixture_db, viewers):
    assert d.get_threshold(fixture_db) == 5
    with pytest.raises(AccessDenied):
        d.set_threshold(fixture_db, viewers["head"], 6)
    for bad in (2, 21, "five", 4.5, None):
        with pytest.raises(d.DisclosureError):
            d.set_threshold(fixture_db, viewers["admin"], bad)
    assert d.set_threshold(fixture_db, viewers["admin"], "10") == 10
    assert d.get_threshold(fixture_db) == 10
    row = fixture_db.cursor().execute(
        "SELECT username, old_value, new_value FROM audit_log WHERE action = 'setting_changed' "
        "AND object_id = 'disclosure_threshold'").fetchall()
    assert row == [("admin", "5", "10")]
    refused = fixture_db.cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'access_refused' AND username = 'head'").fetchone()[0]
    assert refused == 1


# --------------------------------------------------------------------------- shares (rule 5)


def _reviews(rows):
    t = pd.DataFrame(rows, columns=["year", "on_time", "late"])
    t["held"] = t["on_time"] + t["late"]
    t["pct"] = 100 * t["on_time"] / t["held"].where(t["held"] > 0)
    return d.protect(t, ["on_time", "late", "held"], threshold=5, row_total="held", row_parts=["on_time", "late"],
                     shares={"pct": ("on_time", "held")}, decimals={"pct": 0})


def test_a_share_is_shown_for_every_year_whose_denominator_reaches_the_threshold():
    # Seven years of EHC annual reviews, as in a small school: the old rule hid six of seven rates.
    p = _reviews([("2019/20", 4, 2), ("2020/21", 18, 2), ("2021/22", 12, 0), ("2022/23", 3, 1),
                  ("2023/24", 5, 5), ("2024/25", 2, 9), ("2025/26", 6, 1)])
    # 4 of 6: on time is 1-4 and late is 1-4, so on time is 2-4 of 6: 33.3% to 66.7%, shown 33-67.
    # 18 of 20: late (2) is <5, on time is hidden as its complement, so on time is 16-19 of 20: 80-95.
    # 12 of 12, nothing hidden: 100. 3 of 4: the denominator is below 5: hidden.
    # 5 of 10: 50. 2 of 11: on time <5, so late (9) is hidden too (secondary): on time is 1-4 of 11,
    # 9.1% to 36.4%, shown 9-37.
    # 6 of 7: late 1-4, on time hidden as complement: 3-6 of 7 -> 42.9-85.7 -> 42-86.
    assert p.display["pct"].tolist() == ["33–67", "80–95", "100", "x", "50", "9–37", "42–86"]
    assert p.display["on_time"].tolist() == ["<5", "x", "12", "<5", "5", "<5", "x"]
    assert p.bands[0, "pct"] == pytest.approx((100 * 2 / 6, 100 * 4 / 6))
    # Banded and hidden shares are never plotted as points.
    assert [math.isnan(v) for v in p.values["pct"]] == [True, True, False, True, False, True, True]
    assert p.display["late"].tolist() == ["<5", "<5", "0", "<5", "5", "x", "<5"]


def test_a_share_of_a_roll_with_a_small_numerator_is_banded_not_hidden():
    t = pd.DataFrame({"term": ["a", "b", "c"], "k": [3, 20, 0], "roll": [200, 200, 4]})
    t["pct"] = 100 * t["k"] / t["roll"]
    p = d.protect(t, ["k", "roll"], threshold=5, shares={"pct": ("k", "roll")})
    # 1 to 4 of 200 = 0.5% to 2.0%; 20 of 200 = 10.0%; a roll of 4 hides the share (0 of a small roll too).
    assert p.display["pct"].tolist() == ["0.5–2.0", "10.0", "x"]
    assert p.display["k"].tolist() == ["<5", "20", "0"]
    assert "range" in p.legend()


def test_a_share_needs_its_counts_among_the_count_columns():
    t = pd.DataFrame({"k": [3], "roll": [200], "pct": [1.5]})
    with pytest.raises(KeyError):
        d.protect(t, ["k"], threshold=5, shares={"pct": ("k", "roll")})
