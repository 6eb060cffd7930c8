"""Load the shipped national reference figures (data/reference/*.csv) into ref_need_codes and ref_national.

Idempotent: both tables are emptied and refilled inside one transaction. Nothing is estimated here:
every value comes from a CSV row and keeps that row's source text. Where two rows give the same
(academic_year, phase, measure), the DfE figure wins over a third-party summary.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .db import PROJECT_DIR, Database

REFERENCE_DIR = PROJECT_DIR / "data" / "reference"

AREAS = {
    "CI": "Communication and interaction",
    "CL": "Cognition and learning",
    "SEMH": "Social, emotional and mental health",
    "SP": "Sensory and/or physical",
    "OTH": "Other",
}


def _area_code(broad: str) -> str:
    b = (broad or "").lower()
    if "communication" in b:
        return "CI"
    if "cognition" in b:
        return "CL"
    if "social" in b or "emotional" in b:
        return "SEMH"
    if "sensory" in b or "physical" in b:
        return "SP"
    return "OTH"


def _year(label: str) -> int:
    return int(str(label).strip()[:4])


def _is_dfe(source: str) -> bool:
    s = (source or "").lower()
    return s.startswith("dfe") or "explore-education-statistics" in s or "gov.uk" in s


def need_codes_frame(folder: Path = REFERENCE_DIR) -> pd.DataFrame:
    raw = pd.read_csv(folder / "need_codes.csv", dtype=str)
    out = pd.DataFrame({
        "need_code": raw["code"].str.strip().str.upper(),
        "description": raw["description"].str.strip(),
    })
    out["area_code"] = raw["broad_area_cop2015"].map(_area_code)
    out["area"] = out["area_code"].map(AREAS)
    return out


def national_frame(folder: Path = REFERENCE_DIR) -> pd.DataFrame:
    rows: list[tuple[int, str, str, float, str, int]] = []  # (year, phase, measure, value, source, priority)

    def add(year, phase, measure, value, source, priority):
        try:
            v = float(value)
        except (TypeError, ValueError):
            return  # suppressed ('x') or blank: never invent a value
        if pd.isna(v):
            return
        rows.append((int(year), phase, measure, v, str(source).strip(), priority))

    # 1. Headlines (DfE release text where the source says so).
    head = pd.read_csv(folder / "national_sen_headlines.csv", dtype=str)
    phase_map = {"all schools": "all", "state-funded primary": "primary", "state-funded secondary": "secondary"}
    measure_map = {"ehc_plan_pct": "ehc_plan_pct", "sen_support_pct": "sen_support_pct", "any_sen_pct": "any_sen_pct",
                   "male_share_of_sen": "pct_boys:SEN", "share_of_sen_with_ehc_plan": "pct_ehc_of_sen"}
    for r in head.itertuples(index=False):
        phase = phase_map.get(r.phase)
        measure = measure_map.get(r.measure)
        if phase and measure:
            add(_year(r.year), phase, measure, r.value, r.source, 3 if _is_dfe(r.source) else 1)

    # 2. By year (mixed DfE and summaries; the URL tells which).
    by_year = pd.read_csv(folder / "national_sen_by_year.csv", dtype=str).fillna("")
    measure_map = {"pct_sen": "any_sen_pct", "pct_ehc_plan": "ehc_plan_pct", "pct_sen_support": "sen_support_pct",
                   "pct_of_sen_pupils_with_ehc_plan": "pct_ehc_of_sen"}
    for r in by_year.itertuples(index=False):
        measure = measure_map.get(r.measure)
        if not measure or r.phase not in ("all", "primary", "secondary"):
            continue
        source = f"{r.coverage}, {r.census}: {r.source_url}" + (f" ({r.source_note})" if r.source_note else "")
        add(_year(r.time_period), r.phase, measure, r.value, source, 2 if _is_dfe(r.source_url) else 1)

    # 3. Primary-need mix of EHC plans (DfE, January 2025).
    ehc = pd.read_csv(folder / "ehc_plans_primary_need_2025.csv", dtype=str)
    first_source = ehc["source"].iloc[0]
    for r in ehc.itertuples(index=False):
        if r.need_code.upper() == "UNKNOWN":
            continue
        source = first_source if r.source == "same" else r.source
        add(_year(r.year), "all", f"need_pct:{r.need_code.upper()}:E", r.percent, source, 3)

    # 4. What was found of the school-census need mix (partial; percentages only).
    need = pd.read_csv(folder / "national_primary_need.csv", dtype=str).fillna("")
    group_map = {"EHC plan": "E", "EHC plan/statement": "E", "SEN support": "K", "all SEN": "SEN",
                 "all pupils (denominator)": "ALL"}
    for r in need.itertuples(index=False):
        suffix = group_map.get(r.provision)
        if not suffix or not r.percent_of_group:
            continue
        measure = f"need_pct:{r.need_code.upper()}:{suffix}" if suffix != "ALL" else f"need_prevalence_pct:{r.need_code.upper()}"
        source = f"{r.dataset}, {r.provision}: {r.source_url}" + (f" ({r.source_note})" if r.source_note else "")
        add(_year(r.time_period), "all", measure, r.percent_of_group, source, 2 if _is_dfe(r.source_url) else 1)

    # 5b. The primary-need mix of pupils on SEN support and with EHC plans in the school census (DfE), with the
    # phase the DfE gives ('all' where the figures are not split by phase). Only cells read from the source.
    mix_file = folder / "national_need_mix_by_provision.csv"
    if mix_file.exists():
        mix = pd.read_csv(mix_file, dtype=str).fillna("")
        url = ""
        for r in mix.itertuples(index=False):
            url = url if r.source_url == "same" else r.source_url  # 'same': the URL of the row above
            suffix = {"SEN support": "K", "EHC plan": "E"}.get(r.provision)
            if not suffix or not r.percent:
                continue
            source = f"DfE school census {r.census}, {r.provision}, phase {r.phase}: {url}" + (f" ({r.source_note})" if r.source_note else "")
            add(_year(r.time_period), r.phase, f"need_pct:{r.need_code.upper()}:{suffix}", r.percent, source, 3)

    # 5. Characteristics: boys and FSM shares by SEN provision.
    chars = pd.read_csv(folder / "national_sen_characteristics.csv", dtype=str).fillna("")
    group_code = {"EHC plan pupils": "E", "SEN support pupils": "K", "all pupils with SEN": "SEN",
                  "pupils with no SEN": "N", "all pupils": "ALL", "all pupils (all schools)": "ALL",
                  "EHC plans 0-25 (LA caseload)": "E_0_25"}
    for r in chars.itertuples(index=False):
        source = f"{r.source_url}" + (f" ({r.source_note})" if r.source_note else "")
        prio = 2 if _is_dfe(r.source_url) else 1
        if r.measure == "pct_fsm_eligible" and r.group in group_code:
            add(_year(r.time_period), "all", f"pct_fsm:{group_code[r.group]}", r.value, source, prio)
        elif r.measure in ("pct_boys", "pct_male") and r.group in group_code:
            add(_year(r.time_period), "all", f"pct_boys:{group_code[r.group]}", r.value, source, prio)
        elif r.group in ("boys", "girls") and r.measure in ("pct_sen_support", "pct_ehc_plan"):
            base = "sen_support_pct" if r.measure == "pct_sen_support" else "ehc_plan_pct"
            add(_year(r.time_period), "all", f"{base}:{'M' if r.group == 'boys' else 'F'}", r.value, source, prio)

    frame = pd.DataFrame(rows, columns=["academic_year", "phase", "measure", "value", "source", "priority"])
    frame = (frame.sort_values(["academic_year", "phase", "measure", "priority"], ascending=[True, True, True, False],
                               kind="stable")
             .drop_duplicates(["academic_year", "phase", "measure"], keep="first")
             .drop(columns="priority")
             .reset_index(drop=True))
    frame["academic_year"] = frame["academic_year"].astype("int32")
    return frame


def load_reference_data(db: Database, folder: Path = REFERENCE_DIR) -> dict[str, int]:
    """Replace ref_need_codes and ref_national with the shipped CSVs, in one transaction."""
    codes = need_codes_frame(folder)
    national = national_frame(folder)

    def work(w):
        w.run("security_delete_ref_need_codes")
        w.run("security_delete_ref_national")
        w.insert_frame("ref_need_codes", codes)
        w.insert_frame("ref_national", national)
        return {"ref_need_codes": len(codes), "ref_national": len(national)}

    return db.write(work)


def latest_national(db: Database, measure: str, phase: str) -> tuple[int, float] | None:
    """The most recent (academic_year, value) of a measure for a phase, or None."""
    rows = db.query_rows("security_latest_national", measure=measure, phase=phase)
    return (int(rows[0][0]), float(rows[0][1])) if rows else None
