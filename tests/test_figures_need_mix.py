"""The school's need mix against the national mix of the matching phase and year, worked by hand.

Fixture school (secondary), as at 20 Jan 2026 (academic year 2025/26):
  SEN support: pupils 1, 2 (SPLD), 3 (SEMH), 11 (SLCN) -> SPLD 2 of 4 = 50%, SEMH 25%, SLCN 25%;
               broad areas: CL 50%, SEMH 25%, CI 25%.
  EHC plans:   pupils 4, 12 (ASD) -> ASD 100%; CI 100%.
National figures set here (test values, not the DfE's):
  SEN support, all schools, 2023/24: a full mix of 13 codes (below, SLCN 26.0); 2024/25: SLCN 25.7 alone.
  SEN support, secondary schools, 2022/23: a full mix (SPLD 18.0, SEMH 27.0, SLCN 14.0, ...).
  EHC plans, all schools, 2024/25: a full mix of 12 codes (ASD 31.5); no phase split.
"""
from __future__ import annotations

from datetime import date

import pytest

from sendboard import clock
from sendboard.governors.figures import build_pack
from sendboard.leaders import national, register
from sendboard.reference import load_reference_data
from sendboard.scope import Scope
from tests.fixture_school import SCHOOL

AS_AT = date(2026, 1, 20)
YEAR = 2025
K_ALL_2023 = {"SPLD": 14.0, "MLD": 16.0, "SLD": 0.2, "PMLD": 0.1, "SEMH": 22.0, "SLCN": 26.0, "HI": 1.5, "VI": 0.9,
              "MSI": 0.3, "PD": 1.9, "ASD": 9.0, "OTH": 3.7, "NSA": 4.4}
K_SECONDARY_2022 = {"SPLD": 18.0, "MLD": 15.0, "SLD": 0.1, "PMLD": 0.0, "SEMH": 27.0, "SLCN": 14.0, "HI": 1.6, "VI": 1.0,
                    "MSI": 0.3, "PD": 1.8, "ASD": 10.0, "OTH": 4.2, "NSA": 7.0}
E_ALL_2024 = {"ASD": 31.5, "SLCN": 21.3, "SEMH": 20.7, "MLD": 10.6, "SLD": 3.9, "PD": 3.9, "SPLD": 2.4, "HI": 1.4,
              "PMLD": 1.3, "OTH": 1.2, "VI": 0.8, "MSI": 0.3}


def _national(db, *, secondary: bool = True) -> None:
    cur = db.cursor()
    cur.execute("DELETE FROM ref_national")
    rows = [(2023, "all", f"need_pct:{c}:K", v) for c, v in K_ALL_2023.items()]
    rows.append((2024, "all", "need_pct:SLCN:K", 25.7))
    if secondary:
        rows += [(2022, "secondary", f"need_pct:{c}:K", v) for c, v in K_SECONDARY_2022.items()]
    rows += [(2024, "all", f"need_pct:{c}:E", v) for c, v in E_ALL_2024.items()]
    for year, phase, measure, value in rows:
        cur.execute("INSERT INTO ref_national VALUES (?, ?, ?, ?, 'test')", [year, phase, measure, value])
    cur.execute("INSERT INTO data_version SELECT max(version) + 1, current_timestamp FROM data_version")


def _mix(db, viewer, group, level, phase):
    data = register.overview(db, Scope(viewer, AS_AT), SCHOOL, phase, AS_AT)
    return register.need_mix(data["need_counts"], data["codes"], data["national"], YEAR, group, level,
                             phase=phase).set_index("code" if level == "need" else "label")


def test_sen_support_is_set_beside_the_secondary_mix_where_one_is_held(fixture_db, viewers):
    _national(fixture_db)
    mix = _mix(fixture_db, viewers["head"], "SEN support", "need", "secondary")
    assert mix.loc["SPLD", ["pct", "national_pct"]].tolist() == [50.0, 18.0]
    assert mix.loc["SLCN", ["pct", "national_pct"]].tolist() == [25.0, 14.0]
    assert set(mix["national_note"][mix["national_pct"].notna()]) == {"national 2022/23 · secondary schools"}
    assert mix.loc["DS", "national_note"] == "not published"  # Down syndrome: new code, in no mix held
    areas = _mix(fixture_db, viewers["head"], "SEN support", "area", "secondary")
    # Cognition and learning nationally = SPLD 18.0 + MLD 15.0 + SLD 0.1 + PMLD 0.0 = 33.1
    assert areas.loc["Cognition and learning", ["pct", "national_pct"]].tolist() == [50.0, pytest.approx(33.1)]


def test_without_a_phase_mix_the_all_schools_mix_is_used_and_said(fixture_db, viewers):
    _national(fixture_db, secondary=False)
    mix = _mix(fixture_db, viewers["head"], "SEN support", "need", "secondary")
    # the complete 2023/24 mix, not 2024/25's single SLCN figure (25.7)
    assert mix.loc["SLCN", "national_pct"] == 26.0 and mix.loc["SPLD", "national_pct"] == 14.0
    assert set(mix["national_note"][mix["national_pct"].notna()]) == {"national 2023/24 · all schools, no secondary split held"}
    ehc = _mix(fixture_db, viewers["head"], "EHC plan", "need", "secondary")
    assert ehc.loc["ASD", ["pct", "national_pct"]].tolist() == [100.0, 31.5]
    assert set(ehc["national_note"][ehc["national_pct"].notna()]) == {"national 2024/25 · all schools, no secondary split held"}
    areas = _mix(fixture_db, viewers["head"], "EHC plan", "area", "secondary")
    # Communication and interaction nationally = ASD 31.5 + SLCN 21.3 = 52.8
    assert areas.loc["Communication and interaction", "national_pct"] == pytest.approx(52.8)


def test_the_year_chosen_and_a_partial_mix():
    import pandas as pd

    nat = pd.DataFrame([(2023, "all", f"need_pct:{c}:K", v, "t") for c, v in K_ALL_2023.items()]
                       + [(2024, "all", "need_pct:SLCN:K", 25.7, "t"), (2018, "all", "need_pct:SLCN:K", 23.0, "t")],
                       columns=national.NATIONAL_COLUMNS)
    assert national.need_basis(nat, ":K", 2025, "primary").year == 2023     # latest complete mix up to 2025/26
    old = national.need_basis(nat, ":K", 2019, None)
    assert (old.year, old.values, old.complete) == (2018, {"SLCN": 23.0}, False)  # only a partial one up to 2019/20
    assert old.note == "national 2018/19 · all schools · part of the mix only"
    early = national.need_basis(nat, ":K", 2016, "secondary")
    assert early.year == 2023 and "2023/24" in early.note                  # none that early: the earliest complete
    assert national.need_basis(nat, ":E", 2025, None).note == "not published"


def test_the_governors_pack_compares_both_mixes_by_area_naming_year_and_schools(fixture_db, viewers):
    _national(fixture_db, secondary=False)
    pack = build_pack(fixture_db, Scope(viewers["governor"], clock.today()), SCHOOL, YEAR, AS_AT, "Oak Lane Academy", "secondary")
    section = pack.section("need_mix")
    facts = section.facts
    assert facts["national_support_year"] == 2023 and facts["national_year"] == 2024
    # national SEN support by area: CI = SLCN 26.0 + ASD 9.0 = 35.0; CL = 14 + 16 + 0.2 + 0.1 = 30.3;
    # SP = 1.5 + 0.9 + 0.3 + 1.9 = 4.6; OTH = OTH 3.7 + NSA 4.4 = 8.1; SEMH 22.0
    k = facts["national_pct_support"]
    assert (k["CI"], k["CL"], k["SEMH"], k["SP"], k["OTH"]) == pytest.approx((35.0, 30.3, 22.0, 4.6, 8.1))
    headings = list(section.tables[0].display.columns)
    assert "National % on SEN support (2023/24, all schools, no secondary split held)" in headings
    assert "National % of EHC plans (2024/25, all schools, no secondary split held)" in headings
    text = " ".join(section.headline)
    assert "communication and interaction (35.0% in 2023/24; all schools, no secondary split held)" in text
    assert "not held" not in text and "not compared" not in text


def test_the_shipped_reference_holds_the_dfe_sen_support_mix_of_january_2024(fixture_db):
    load_reference_data(fixture_db)
    nat = national.national_frame(fixture_db, "secondary")
    k = national.need_basis(nat, ":K", YEAR, "secondary")
    # DfE, January 2024: 291,740 of 1,139,750 pupils on SEN support had SLCN as their primary need (25.6%)
    assert (k.year, k.phase, k.complete) == (2023, "all", True)
    assert k.values["SLCN"] == 25.6 and k.values["SEMH"] == 22.3 and k.values["SPLD"] == 13.9 and len(k.values) == 13
    e = national.need_basis(nat, ":E", 2023, "secondary")
    assert (e.year, e.values["ASD"]) == (2023, 33.0) and len(e.values) == 12
    assert round(sum(e.values.values()), 1) == pytest.approx(100.0, abs=0.2)


def test_the_other_area_leaves_out_a_code_no_national_mix_holds(fixture_db, viewers):
    """'Other' on SEN support = OTH 3.7 + NSA 4.4 = 8.1 (Down syndrome, a code first collected in 2025/26, is
    in no national mix, so it is not asked for); for EHC plans, OTH 1.2 alone (NSA is SEN support only)."""
    _national(fixture_db, secondary=False)
    k = _mix(fixture_db, viewers["head"], "SEN support", "area", "secondary")
    assert k.loc["Other", "national_pct"] == pytest.approx(8.1)
    e = _mix(fixture_db, viewers["head"], "EHC plan", "area", "secondary")
    assert e.loc["Other", "national_pct"] == pytest.approx(1.2)
