"""Overview: the SEN register as at a date, beside national figures and the school's own past."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd

from ..db import Database
from ..domain import academic_year_of
from ..scope import Scope
from . import GROUPS, ON_REGISTER, national, pct

NEED_GROUPS = ("EHC plan", "SEN support", "On the register")
NATIONAL_SUFFIX = {"EHC plan": ":E", "SEN support": ":K", "On the register": ":SEN"}
NOT_PUBLISHED = "not published"


def roster(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """Every pupil on roll at a date that the viewer may see: characteristics, SEN group, needs, form."""
    frame = db.query("leaders_roster_at", scope=scope, school_id=school_id, as_at=as_at)
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    return frame


def need_codes(db: Database) -> pd.DataFrame:
    return pd.DataFrame(db.query_rows("leaders_need_codes"), columns=["need_code", "description", "area_code", "area"])


def term_at(terms: pd.DataFrame, as_at: date) -> pd.Series | None:
    """The term that holds a date (the latest starting on or before it), or None."""
    held = terms[pd.to_datetime(terms["start_date"]).dt.date <= as_at]
    return None if held.empty else held.iloc[-1]


def summary(frame: pd.DataFrame) -> dict:
    """Roll, SEN support and EHC plans, with shares of roll."""
    on_roll = len(frame)
    counts = frame["sen_group"].value_counts() if on_roll else pd.Series(dtype=int)
    support, ehc = int(counts.get("SEN support", 0)), int(counts.get("EHC plan", 0))
    return {"on_roll": on_roll, "sen_support": support, "ehc_plan": ehc, "on_register": support + ehc,
            "sen_support_pct": pct(support, on_roll), "ehc_plan_pct": pct(ehc, on_roll),
            "on_register_pct": pct(support + ehc, on_roll)}


def trend(db: Database, scope: Scope, school_id: int) -> pd.DataFrame:
    """Roll and register at every census date held up to today, with shares of roll."""
    frame = db.query("leaders_register_trend", scope=scope, school_id=school_id)
    frame["sen_support_pct"] = 100.0 * frame["sen_support"] / frame["on_roll"]
    frame["ehc_plan_pct"] = 100.0 * frame["ehc_plan"] / frame["on_roll"]
    frame["census_date"] = pd.to_datetime(frame["census_date"]).dt.date
    return frame


def by_year_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Roll, SEN support and EHC plans in each year group, with shares of that year group's roll."""
    if frame.empty:
        return pd.DataFrame(columns=["year_group", "on_roll", "sen_support", "ehc_plan", "sen_support_pct", "ehc_plan_pct"])
    out = (frame.assign(sen_support=frame["sen_group"].eq("SEN support"), ehc_plan=frame["sen_group"].eq("EHC plan"))
           .groupby("year_group", as_index=False)
           .agg(on_roll=("pupil_id", "size"), sen_support=("sen_support", "sum"), ehc_plan=("ehc_plan", "sum")))
    out[["sen_support", "ehc_plan"]] = out[["sen_support", "ehc_plan"]].astype(int)
    out["sen_support_pct"] = 100.0 * out["sen_support"] / out["on_roll"]
    out["ehc_plan_pct"] = 100.0 * out["ehc_plan"] / out["on_roll"]
    return out


NEED_COUNT_COLUMNS = ["sen_group", "level", "code", "pupils", "pupils_with_secondary"]


def need_counts(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    """The register's need mix at a date, counted in SQL (leaders_need_counts): one small row per SEN group,
    level ('all', 'area' or 'need') and area or need code, with the pupils counted by primary need only and
    with secondary needs too. :func:`need_mix` turns it into the bars the Overview draws."""
    rows = db.query_rows("leaders_need_counts", scope=scope, school_id=school_id,
                         as_at=as_at)
    return pd.DataFrame(rows, columns=NEED_COUNT_COLUMNS)


def need_mix(counts: pd.DataFrame, codes: pd.DataFrame, nat: pd.DataFrame, academic_year: int, group: str,
             level: str, *, include_secondary: bool = False, phase: str | None = None) -> pd.DataFrame:
    """Share of a group's pupils with each need (level 'need') or broad area (level 'area'), beside the
    national share where it is published, from :func:`need_counts`. A pupil whose primary need is not
    recorded counts under 'Not recorded'. With secondary needs a pupil can count twice, so shares may add up
    to more than 100%; national figures are for primary need only and are then not shown.
    A few dozen rows: plain Python, one DataFrame at the end."""
    groups = ON_REGISTER if group == "On the register" else (group,)
    column = "pupils_with_secondary" if include_secondary else "pupils"
    n, tally = 0, {}
    for g, lvl, code, value in zip(counts["sen_group"].tolist(), counts["level"].tolist(), counts["code"].tolist(),
                                   counts[column].tolist()):
        if g not in groups:
            continue
        if lvl == "all":
            n += value
        elif lvl == level and value:
            tally[code] = tally.get(code, 0) + value
    code_list, areas = codes["need_code"].tolist(), codes["area"].tolist()
    if level == "area":  # one bar per broad area, counted under its name
        area_code: dict = {}
        for area, code in zip(areas, codes["area_code"].tolist()):
            area_code.setdefault(area, code)
        bars = [{"key": a, "code": c, "label": a, "area": a} for a, c in area_code.items()]
    else:  # one bar per need code, with codes found in the data but not in the code list under "Other"
        extra = sorted(set(tally) - set(code_list) - {"Not recorded"})
        bars = ([{"key": c, "code": c, "label": d, "area": a}
                 for c, d, a in zip(code_list, codes["description"].tolist(), areas)]
                + [{"key": c, "code": c, "label": c, "area": "Other"} for c in extra])
        if group == "EHC plan":  # "no specialist assessment" is a SEN support code only
            bars = [b for b in bars if b["code"] != "NSA"]
    bars.append({"key": "Not recorded", "code": "Not recorded", "label": "Not recorded", "area": "Not recorded"})
    for bar in bars:
        bar["pupils"] = tally.get(bar["key"], 0)
        bar["pct"] = 100.0 * bar["pupils"] / n if n else math.nan
        bar.update(national_pct=math.nan, national_year=pd.NA, national_note=NOT_PUBLISHED, group=group)
    bars = [b for b in bars if b["code"] != "Not recorded" or b["pupils"] > 0]
    suffix = NATIONAL_SUFFIX.get(group)
    if include_secondary:
        for bar in bars:
            bar["national_note"] = "primary need only: not comparable"
    elif suffix is not None:
        # the mix of the school's phase where held, else all schools; the year and where named in the note
        basis = national.need_basis(nat, suffix, academic_year, phase)
        year, values = basis.year, basis.values
        # A code no national mix has ever held (Down syndrome, first collected in 2025/26) is not asked of an
        # area's national sum: those pupils were recorded under other codes in the years published.
        ever = {m.split(":")[1] for m in nat["measure"].tolist() if m.startswith("need_pct:")}
        if year is not None:
            for bar in bars:
                if level == "need":
                    value = values.get(bar["code"])
                else:
                    area_codes = [c for c, a in zip(code_list, areas)
                                  if a == bar["area"] and c in ever and not (group == "EHC plan" and c == "NSA")]
                    value = (sum(values[c] for c in area_codes)
                             if area_codes and all(c in values for c in area_codes) else None)
                if value is not None:
                    bar.update(national_pct=value, national_year=year, national_note=basis.note)
    head = ["label", "code", "pupils", "area"] if level == "area" else ["code", "label", "area", "pupils"]
    return pd.DataFrame(bars, columns=[*head, "pct", "national_pct", "national_year", "national_note", "group"])


def _needs_text(row, describe: dict) -> str:
    parts = []
    for col, rank in (("primary_need", "primary"), ("secondary_need", "secondary")):
        code = row[col]
        if isinstance(code, str) and code:
            parts.append(f"{describe.get(code, code)} ({code}, {rank})")
    return "; ".join(parts)


def pupil_list(frame: pd.DataFrame, codes: pd.DataFrame, *, sen_group: str | None = None, year_group: int | None = None,
               area: str | None = None, need_code: str | None = None, include_secondary: bool = False) -> pd.DataFrame:
    """The pupils behind a bar: name, year, SEN status and every need they have."""
    rows = frame[frame["sen_group"].isin(ON_REGISTER)]
    if sen_group in GROUPS:
        rows = rows[rows["sen_group"] == sen_group]
    if year_group is not None:
        rows = rows[rows["year_group"] == year_group]
    if area is not None:
        hit = rows["primary_area"].eq(area) | (include_secondary & rows["secondary_area"].eq(area))
        if area == "Not recorded":
            hit = rows["primary_need"].isna()
        rows = rows[hit]
    if need_code is not None:
        hit = rows["primary_need"].eq(need_code) | (include_secondary & rows["secondary_need"].eq(need_code))
        if need_code == "Not recorded":
            hit = rows["primary_need"].isna()
        rows = rows[hit]
    describe = dict(zip(codes["need_code"], codes["description"]))
    return pd.DataFrame({
        "pupil_id": rows["pupil_id"].astype(int),
        "Name": rows["first_name"] + " " + rows["last_name"],
        "Year": rows["year_group"].astype(int),
        "Form": rows["form"].fillna(""),
        "SEN status": rows["sen_group"],
        "Needs": [_needs_text(r, describe) for _, r in rows.iterrows()],
    }).reset_index(drop=True)


def headline_comparison(summ: dict, trend_frame: pd.DataFrame, nat: pd.DataFrame, phase: str | None,
                        as_at: date, academic_year: int, term_number: int | None) -> pd.DataFrame:
    """Shares of roll on SEN support and with an EHC plan: this date, the same census point in each
    earlier year held, and the national figure for the phase (nearest year held)."""
    rows = [{"what": f"This school, {as_at:%d %b %Y}", "kind": "School", "academic_year": academic_year,
             "on_roll": summ["on_roll"], "sen_support": summ["sen_support"], "ehc_plan": summ["ehc_plan"],
             "sen_support_pct": summ["sen_support_pct"], "ehc_plan_pct": summ["ehc_plan_pct"],
             "any_sen_pct": summ["on_register_pct"], "source": "school records"}]
    if term_number is not None and not trend_frame.empty:
        past = trend_frame[(trend_frame["term_number"] == term_number) & (trend_frame["academic_year"] < academic_year)]
        for r in past.sort_values("academic_year", ascending=False).itertuples():
            rows.append({"what": f"This school, {r.label} census ({r.census_date:%d %b %Y})", "kind": "School, earlier year",
                         "academic_year": int(r.academic_year), "on_roll": int(r.on_roll), "sen_support": int(r.sen_support),
                         "ehc_plan": int(r.ehc_plan), "sen_support_pct": r.sen_support_pct, "ehc_plan_pct": r.ehc_plan_pct,
                         "any_sen_pct": r.sen_support_pct + r.ehc_plan_pct, "source": "school records"})
    basis = national.basis(nat, phase, academic_year)
    support, ehc, total = basis.support, basis.ehc, basis.total
    if total is not None and basis.compare_totals:
        # The phase total is newer than the split: compare totals for that year, named.
        rows.append({"what": total.short, "kind": "National", "note": total.note + " (all pupils with SEN; the split "
                     "into SEN support and EHC plans is not held for this year)", "academic_year": total.academic_year,
                     "on_roll": None, "sen_support": None, "ehc_plan": None, "sen_support_pct": None,
                     "ehc_plan_pct": None, "any_sen_pct": total.value, "source": total.source})
    for fig, other in ((support, ehc), (ehc, support)):
        if fig is None:
            continue
        same = other is not None and (other.academic_year, other.phase) == (fig.academic_year, fig.phase)
        if fig is ehc and same:
            continue  # already one row holding both
        both_total = (total is not None and not basis.compare_totals and same
                      and (total.academic_year, total.phase) == (fig.academic_year, fig.phase))
        rows.append({"what": fig.short, "kind": "National", "note": fig.note, "academic_year": fig.academic_year, "on_roll": None,
                     "sen_support": None, "ehc_plan": None,
                     "sen_support_pct": fig.value if fig.measure == "sen_support_pct" else (other.value if same else None),
                     "ehc_plan_pct": fig.value if fig.measure == "ehc_plan_pct" else (other.value if same else None),
                     "any_sen_pct": total.value if both_total else None,
                     "source": fig.source if not same else f"{fig.source}; {other.source}"})
    out = pd.DataFrame(rows)
    for col in ("on_roll", "sen_support", "ehc_plan"):
        out[col] = out[col].astype("Int64")
    return out


def overview(db: Database, scope: Scope, school_id: int, phase: str | None, as_at: date) -> dict:
    """Everything the Overview page draws, in one cached call."""
    frame = roster(db, scope, school_id, as_at)
    terms = db.query("term_list")
    term = term_at(terms, as_at)
    academic_year = academic_year_of(as_at)
    nat = national.national_frame(db, phase)
    trend_frame = trend(db, scope, school_id)
    summ = summary(frame)
    return {
        "roster": frame, "summary": summ, "trend": trend_frame, "national": nat, "codes": need_codes(db), "phase": phase,
        "need_counts": need_counts(db, scope, school_id, as_at),
        "academic_year": academic_year, "term_label": None if term is None else str(term["label"]),
        "by_year": by_year_group(frame),
        "comparison": headline_comparison(summ, trend_frame, nat, phase, as_at, academic_year,
                                          None if term is None else int(term["term_number"])),
        "national_support": national.pick(nat, "sen_support_pct", phase, academic_year),
        "national_ehc": national.pick(nat, "ehc_plan_pct", phase, academic_year),
        "national_basis": national.basis(nat, phase, academic_year),
    }


def drill_choices(frame: pd.DataFrame, codes: pd.DataFrame) -> dict[str, dict]:
    """The bars a leader can open to see the pupils behind them, as label -> pupil_list filters."""
    reg = frame[frame["sen_group"].isin(ON_REGISTER)]
    out: dict[str, dict] = {"Everyone on the register": {}}
    for group in ON_REGISTER:
        if (reg["sen_group"] == group).any():
            out[group] = {"sen_group": group}
    for year in sorted(reg["year_group"].unique()):
        for group in ON_REGISTER:
            if ((reg["year_group"] == year) & (reg["sen_group"] == group)).any():
                out[f"Year {int(year)}: {group}"] = {"year_group": int(year), "sen_group": group}
    for area in sorted(set(reg["primary_area"].dropna()) | set(reg["secondary_area"].dropna())):
        out[f"Area of need: {area}"] = {"area": area}
    describe = dict(zip(codes["need_code"], codes["description"]))
    for code in sorted(set(reg["primary_need"].dropna()) | set(reg["secondary_need"].dropna())):
        out[f"Type of need: {describe.get(code, code)} ({code})"] = {"need_code": code}
    if reg["primary_need"].isna().any():
        out["Type of need: not recorded"] = {"need_code": "Not recorded"}
    return out
