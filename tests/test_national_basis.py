"""Which national figures a school is set against, each with its year, from the shipped reference data."""
import pandas as pd
import pytest

from sendboard import reference
from sendboard.leaders import national, register


@pytest.fixture(scope="module")
def shipped():
    return reference.national_frame()


def _for(shipped, phase):
    return shipped[shipped["phase"].isin([phase, "all"])].reset_index(drop=True)


def test_secondary_2025_compares_totals_for_2025_and_gives_the_2022_split(shipped):
    b = national.basis(_for(shipped, "secondary"), "secondary", 2025)
    assert (b.total.value, b.total.academic_year, b.total.phase) == (17.6, 2025, "secondary")
    assert (b.support.value, b.support.academic_year) == (12.4, 2022)
    assert (b.ehc.value, b.ehc.academic_year) == (2.4, 2022)
    assert b.compare_totals and b.split_year == 2022
    assert b.sentence() == ("Nationally (state-funded secondary schools): 17.6% of pupils had SEN in 2025/26; "
                            "the latest split, 2022/23: SEN support 12.4%, EHC plans 2.4%.")
    # 2024/25: the total for that year, 16.5%
    assert national.basis(_for(shipped, "secondary"), "secondary", 2024).total.value == 16.5


def test_primary_2025_and_a_year_where_the_split_is_as_new_as_the_total(shipped):
    b = national.basis(_for(shipped, "primary"), "primary", 2025)
    assert (b.total.value, b.total.academic_year) == (19.4, 2025)
    assert (b.support.value, b.ehc.value, b.split_year) == (13.5, 2.5, 2022)
    # In 2022/23 the newest total held for secondary schools is 2018/19's, older than the split: compare parts.
    old = national.basis(_for(shipped, "secondary"), "secondary", 2022)
    assert old.total.academic_year == 2018 and not old.compare_totals


def test_the_overview_comparison_has_a_row_for_each_national_year(shipped):
    summ = {"on_roll": 1000, "sen_support": 130, "ehc_plan": 30, "on_register": 160, "sen_support_pct": 13.0,
            "ehc_plan_pct": 3.0, "on_register_pct": 16.0}
    empty = pd.DataFrame(columns=["term_number", "academic_year"])
    comp = register.headline_comparison(summ, empty, _for(shipped, "secondary"), "secondary",
                                        pd.Timestamp("2026-01-15").date(), 2025, None)
    nat = comp[comp["kind"] == "National"].set_index("what")
    assert nat.loc["National 2025/26 (secondary)", "any_sen_pct"] == 17.6
    assert pd.isna(nat.loc["National 2025/26 (secondary)", "sen_support_pct"])
    assert nat.loc["National 2022/23 (secondary)", ["sen_support_pct", "ehc_plan_pct"]].tolist() == [12.4, 2.4]
    assert "split into SEN support and EHC plans is not held for this year" in nat.loc["National 2025/26 (secondary)", "note"]
    assert comp.loc[comp["kind"] == "School", "any_sen_pct"].tolist() == [16.0]
