"""The governors' pack figures: aggregates from sendboard/sql/governors.sql, each table passed through
:func:`sendboard.disclosure.protect`, organised in sections that follow the SEN Information Report.

Nothing leaves this module except :class:`Pack` (sections of protected tables, chart data with NaN
where a figure is suppressed, and ``facts``: headline numbers that are None when suppressed). The
page, the PDF, the Excel workbook and the questions are all built from the same Pack, so they agree.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pandas as pd

from .. import disclosure
from ..db import Database
from ..domain import AREA_CODES, academic_year_bounds, academic_year_of, year_label
from ..leaders import national
from ..provision.impact import impact_summary
from ..reference import AREAS
from ..scope import Scope
from ..statutory.ehc import compliance_now as ehc_compliance_now
from ..statutory.ehc import pack_facts as ehc_pack_facts
from ..statutory.ehc import pack_lines as ehc_pack_lines
from ..statutory.ehc import review_compliance_by_year as ehc_review_compliance_by_year
from . import PACK_ROLES
from .judgements import GOOD, JUDGEMENTS, NOT_ENOUGH, REVIEW
from .pack_parts import Bars, Pack, Section, Table
from .questions import questions_for

AREA_ORDER = list(AREA_CODES)
NEED_WORDS = {"SLCN": "speech, language and communication needs", "ASD": "autistic spectrum disorder",
              "SEMH": "social, emotional and mental health", "MLD": "moderate learning difficulty",
              "SPLD": "specific learning difficulty"}
RATING_LABELS = {1: "1 – Not yet in place", 2: "2 – Developing", 3: "3 – Established", 4: "4 – Embedded"}
TREND_TERMS = 6


def _nan(v) -> float:
    return float("nan") if v is None or (isinstance(v, float) and math.isnan(v)) or pd.isna(v) else float(v)


def _safe(v):
    return None if v is None or pd.isna(v) else float(v)


def _fmt_pct(v) -> str:
    return "hidden" if v is None else f"{v:.1f}%"


def _fmt_band(shown, value) -> str:
    """A share as the pack shows it: the number, or its range where the count behind it is hidden."""
    if value is not None:
        return f"{value:.1f}%"
    return f"{shown}%" if "–" in str(shown) else "hidden"


def _pounds(v) -> str:
    return "hidden" if v is None else f"£{v:,.0f}"


def _series(protected: disclosure.Protected, col: str) -> list:
    return [_nan(v) for v in protected.values[col]]


def _hidden(protected: disclosure.Protected, cols) -> int:
    """Hidden figures in these columns, not counting shares shown as a range."""
    return int(protected.mask[list(cols)].to_numpy().sum()) - sum(1 for (_, c) in protected.bands if c in cols)


def _ranges(protected: disclosure.Protected, col: str, rows=None) -> list:
    rows = range(len(protected.display)) if rows is None else rows
    return [protected.bands.get((i, col)) for i in rows]


def _year_bounds(db: Database, academic_year: int) -> tuple[date, date]:
    rows = db.query_rows("academic_year_list")
    for y, _, start, end in rows:
        if int(y) == int(academic_year):
            return pd.Timestamp(start).date(), pd.Timestamp(end).date()
    return academic_year_bounds(academic_year)


# --------------------------------------------------------------------------- sections


def register_section(db: Database, scope: Scope, school_id: int, phase: str, as_at: date, t: int) -> Section:
    s = Section("register", "The SEND register", "How many pupils have SEND, and how does that compare nationally?",
                "The kinds of special educational needs provided for")
    trend = db.query("governors_register_trend", scope=scope, school_id=school_id, as_at=as_at,
                     terms=TREND_TERMS)
    trend = trend[trend["on_roll"] > 0].tail(TREND_TERMS).reset_index(drop=True)
    if trend.empty:
        s.empty = "No pupils on roll for this school yet."
        return s
    figures = national.national_frame(db, phase)
    bases = {int(y): national.basis(figures, phase, int(y)) for y in trend["academic_year"].unique()}

    def value(fig):
        return None if fig is None else fig.value

    def years_text(b: national.Basis) -> str:  # which national year each figure on the row is from
        out = []
        if b.total is not None:
            out.append(f"all with SEN {year_label(b.total.academic_year)}")
        if b.split_year is not None:
            out.append(f"split {year_label(b.split_year)}")
        return "; ".join(out) or "none held"

    roll = trend["on_roll"].where(trend["on_roll"] > 0)
    trend["send"] = trend["sen_support"] + trend["ehc_plans"]
    trend["sen_support_pct"] = 100 * trend["sen_support"] / roll
    trend["ehc_pct"] = 100 * trend["ehc_plans"] / roll
    trend["send_pct"] = 100 * trend["send"] / roll
    trend["nat_support"] = [value(bases[int(y)].support) for y in trend["academic_year"]]
    trend["nat_ehc"] = [value(bases[int(y)].ehc) for y in trend["academic_year"]]
    trend["nat_send"] = [value(bases[int(y)].total) for y in trend["academic_year"]]
    trend["nat_years"] = [years_text(bases[int(y)]) for y in trend["academic_year"]]
    trend["census"] = [f"{pd.Timestamp(d):%d %b %Y}" for d in trend["as_at"]]
    p = disclosure.protect(trend, ["on_roll", "sen_support", "ehc_plans", "send"],
                           {"nat_support": [], "nat_ehc": [], "nat_send": []}, threshold=t,
                           row_total="send", row_parts=["sen_support", "ehc_plans"],  # so no part is found by subtraction
                           shares={"sen_support_pct": ("sen_support", "on_roll"), "ehc_pct": ("ehc_plans", "on_roll"),
                                   "send_pct": ("send", "on_roll")})
    s.tables.append(Table("register_trend", "Pupils on the SEND register, by term (at each census date)", p, {
        "label": "Term", "census": "Roll counted on", "on_roll": "Pupils on roll", "sen_support": "SEN support",
        "sen_support_pct": "SEN support %", "nat_support": "National SEN support %", "ehc_plans": "EHC plans",
        "ehc_pct": "EHC plan %", "nat_ehc": "National EHC plan %", "send": "All with SEN", "send_pct": "All with SEN %",
        "nat_send": "National all with SEN %", "nat_years": "National figures from"}))
    last = len(trend) - 1
    v = p.values
    b = bases[int(trend.at[last, "academic_year"])]
    support_pct, ehc_pct, send_pct = (_safe(v.at[last, c]) for c in ("sen_support_pct", "ehc_pct", "send_pct"))
    nat_s, nat_e, nat_t = value(b.support), value(b.ehc), value(b.total)
    roll_date = pd.Timestamp(trend.at[last, "as_at"]).date()
    s.facts = {"term": trend.at[last, "label"], "roll_date": roll_date, "on_roll": _safe(v.at[last, "on_roll"]),
               "sen_support": _safe(v.at[last, "sen_support"]), "ehc_plans": _safe(v.at[last, "ehc_plans"]),
               "sen_support_pct": support_pct, "ehc_pct": ehc_pct, "send_pct": send_pct,
               "national_sen_support_pct": nat_s, "national_ehc_pct": nat_e, "national_send_pct": nat_t,
               "compare_totals": b.compare_totals,
               "national_send_year": None if b.total is None else year_label(b.total.academic_year),
               "national_split_year": None if b.split_year is None else year_label(b.split_year),
               "shown": {c: str(p.display.at[last, c]) for c in ("sen_support_pct", "ehc_pct", "send_pct")},
               "first_term": trend.at[0, "label"],
               "first_sen_support_pct": _safe(v.at[0, "sen_support_pct"]), "first_ehc_pct": _safe(v.at[0, "ehc_pct"])}
    d = p.display
    split_year = f" in {year_label(b.split_year)}" if b.split_year is not None else ""
    if b.compare_totals:
        s.headline = [
            f"{d.at[last, 'on_roll']} pupils on roll on {roll_date.day} {roll_date:%B %Y} ({trend.at[last, 'label']} census date): "
            f"{d.at[last, 'send']} with SEN ({_fmt_band(d.at[last, 'send_pct'], send_pct)}), against "
            f"{_fmt_pct(nat_t)} nationally in {year_label(b.total.academic_year)}.",
            f"Of them, {d.at[last, 'sen_support']} on SEN support ({_fmt_band(d.at[last, 'sen_support_pct'], support_pct)}) "
            f"and {d.at[last, 'ehc_plans']} with an EHC plan ({_fmt_band(d.at[last, 'ehc_pct'], ehc_pct)}); the latest "
            f"national split{split_year} is SEN support {_fmt_pct(nat_s)} and EHC plans {_fmt_pct(nat_e)}.",
        ]
    else:
        s.headline = [
            f"{d.at[last, 'on_roll']} pupils on roll on {roll_date.day} {roll_date:%B %Y} ({trend.at[last, 'label']} census date): "
            f"{d.at[last, 'sen_support']} on SEN support ({_fmt_band(d.at[last, 'sen_support_pct'], support_pct)}; national "
            f"{_fmt_pct(nat_s)}{split_year}) and {d.at[last, 'ehc_plans']} with an EHC plan "
            f"({_fmt_band(d.at[last, 'ehc_pct'], ehc_pct)}; national {_fmt_pct(nat_e)}{split_year}).",
        ]
    used = b.total or b.support or b.ehc
    where = national.PHASE_WORDS.get(used.phase, used.phase) if used is not None else "no national figure held"
    s.headline.append(f"National figures: {where}, the latest year held for each. The roll is counted at each "
                      "term's census date, so it can differ from today's roll on the home page.")
    if b.compare_totals:
        s.chart = Bars(f"How does our SEND register compare with national? (% of pupils on roll; national "
                       f"{year_label(b.total.academic_year)}, split {year_label(b.split_year) if b.split_year else 'not held'})",
                       ["All with SEN", "SEN support", "EHC plan"],
                       {"Our school": [_nan(send_pct), _nan(support_pct), _nan(ehc_pct)],
                        "National": [_nan(nat_t), _nan(nat_s), _nan(nat_e)]},
                       unit="%", hidden=sum(1 for c in ("send_pct", "sen_support_pct", "ehc_pct")
                                            if p.mask.at[last, c] and (last, c) not in p.bands),
                       ranges={"Our school": [p.bands.get((last, c)) for c in ("send_pct", "sen_support_pct", "ehc_pct")]})
        return s
    s.chart = Bars("How does our SEND register compare with national? (% of pupils on roll"
                   + (f"; national {year_label(b.split_year)})" if b.split_year is not None else ")"),
                   ["SEN support", "EHC plan"],
                   {"Our school": [_nan(support_pct), _nan(ehc_pct)], "National": [_nan(nat_s), _nan(nat_e)]},
                   unit="%", hidden=sum(1 for c in ("sen_support_pct", "ehc_pct") if p.mask.at[last, c] and (last, c) not in p.bands),
                   ranges={"Our school": [p.bands.get((last, c)) for c in ("sen_support_pct", "ehc_pct")]})
    return s


AREA_OF_NEED = {"SLCN": "CI", "ASD": "CI", "SPLD": "CL", "MLD": "CL", "SLD": "CL", "PMLD": "CL", "SEMH": "SEMH",
                "HI": "SP", "VI": "SP", "MSI": "SP", "PD": "SP", "OTH": "OTH", "NSA": "OTH"}


def national_by_area(basis: national.NeedBasis) -> dict[str, float | None]:
    """A national need mix summed to broad areas: an area's share only where every need code of the area
    is in the mix (NSA, a SEN support code, is not asked of an EHC plan mix); otherwise None, not a part-sum."""
    out: dict[str, float | None] = {}
    for area in AREA_ORDER:
        codes = [c for c, a in AREA_OF_NEED.items() if a == area and not (basis.suffix == ":E" and c == "NSA")]
        out[area] = sum(basis.values[c] for c in codes) if basis.values and all(c in basis.values for c in codes) else None
    return out


def need_mix_section(db: Database, scope: Scope, school_id: int, as_at: date, t: int, phase: str | None = None) -> Section:
    s = Section("need_mix", "Areas of need", "What are the main needs of our pupils with SEND, against national?",
                "The kinds of special educational needs provided for")
    raw = db.query("governors_need_mix", scope=scope, school_id=school_id, as_at=as_at)
    if raw.empty:
        s.empty = "No pupils on the SEND register at this date."
        return s
    wide = raw.pivot_table(index="area_code", columns="sen_group", values="pupils", aggfunc="sum", fill_value=0)
    wide = wide.reindex(AREA_ORDER, fill_value=0)
    for col in ("SEN support", "EHC plan"):
        if col not in wide.columns:
            wide[col] = 0
    frame = pd.DataFrame({"area_code": AREA_ORDER, "area": [AREAS[a] for a in AREA_ORDER],
                          "support": wide["SEN support"].astype(int).to_numpy(),
                          "ehc": wide["EHC plan"].astype(int).to_numpy()})
    frame["send"] = frame["support"] + frame["ehc"]
    total = pd.DataFrame([{"area_code": "ALL", "area": "All areas", "support": int(frame["support"].sum()),
                           "ehc": int(frame["ehc"].sum()), "send": int(frame["send"].sum())}])
    frame = pd.concat([frame, total], ignore_index=True)
    all_send, all_ehc, all_support = int(total["send"].iloc[0]), int(total["ehc"].iloc[0]), int(total["support"].iloc[0])
    frame["pct_send"] = 100 * frame["send"] / all_send if all_send else float("nan")
    frame["pct_support"] = 100 * frame["support"] / all_support if all_support else float("nan")
    frame["pct_ehc"] = 100 * frame["ehc"] / all_ehc if all_ehc else float("nan")
    # National: the primary-need mixes of pupils on SEN support and of EHC plans, summed to broad areas; the
    # school's phase where the DfE publishes a mix for it, else all schools, and the year named (methods.md).
    year = academic_year_of(as_at)
    nat_frame = national.national_frame(db, phase)
    ehc_basis = national.need_basis(nat_frame, ":E", year, phase)
    k_basis = national.need_basis(nat_frame, ":K", year, phase)
    nat_by_area, k_by_area = national_by_area(ehc_basis), national_by_area(k_basis)
    nat_year, k_year = ehc_basis.year, k_basis.year
    frame["nat_support"] = [k_by_area.get(a) if a != "ALL" else (100.0 if k_year else None) for a in frame["area_code"]]
    frame["nat_ehc"] = [nat_by_area.get(a) if a != "ALL" else (100.0 if nat_year else None) for a in frame["area_code"]]
    # Each share's denominator (the school's pupils with SEND, on SEN support, its EHC plans) sits on every row
    # so that a share with a hidden count is shown as a range rather than hidden (disclosure rule 5).
    frame["all_send"], frame["all_support"], frame["all_ehc"] = all_send, all_support, all_ehc
    p = disclosure.protect(frame, ["support", "ehc", "send", "all_send", "all_support", "all_ehc"],
                           {"nat_support": [], "nat_ehc": []}, threshold=t,
                           row_total="send", row_parts=["support", "ehc"], total_row="ALL", total_row_col="area_code",
                           additive=["support", "ehc", "send"],
                           shares={"pct_send": ("send", "all_send"), "pct_support": ("support", "all_support"),
                                   "pct_ehc": ("ehc", "all_ehc")})
    k_head = (f"National % on SEN support ({year_label(k_year)}, {k_basis.where})" if k_year
              else "National % on SEN support (not held)")
    e_head = (f"National % of EHC plans ({year_label(nat_year)}, {ehc_basis.where})" if nat_year
              else "National % of EHC plans (not held)")
    s.tables.append(Table("need_mix", "Pupils with SEND by the broad area of their primary need", p, {
        "area": "Broad area of need", "support": "SEN support", "ehc": "EHC plan", "send": "All with SEND",
        "pct_send": "% of pupils with SEND", "pct_support": "% of our SEN support", "nat_support": k_head,
        "pct_ehc": "% of our EHC plans", "nat_ehc": e_head}))
    body = p.values.iloc[:-1]
    shares = {a: _safe(body.at[i, "pct_send"]) for i, a in enumerate(AREA_ORDER)}
    shown = p.display["pct_send"].iloc[:-1].tolist()
    s.facts = {"pct_send_display": dict(zip(AREA_ORDER, shown)), "pct_send": shares,
               "pct_support": {a: _safe(body.at[i, "pct_support"]) for i, a in enumerate(AREA_ORDER)},
               "pct_ehc": {a: _safe(body.at[i, "pct_ehc"]) for i, a in enumerate(AREA_ORDER)},
               "national_pct_ehc": nat_by_area, "national_year": nat_year, "national_ehc_where": ehc_basis.where,
               "national_pct_support": k_by_area, "national_support_year": k_year,
               "national_support_where": k_basis.where}
    known = {a: v for a, v in shares.items() if v is not None}
    if known:
        top = max(known, key=known.get)
        s.headline.append(f"The most common primary need is {AREAS[top].lower()} ({known[top]:.0f}% of pupils with SEND).")
    if k_year and any(v is not None for v in k_by_area.values()):
        top_k = max((a for a in AREA_ORDER if k_by_area[a] is not None), key=lambda a: k_by_area[a])
        s.headline.append(f"Nationally the most common broad area of need on SEN support is {AREAS[top_k].lower()} "
                          f"({k_by_area[top_k]:.1f}% in {year_label(k_year)}; {k_basis.where}); our SEN support column "
                          "is set beside it.")
    elif k_year:
        top_k = max(k_basis.values, key=k_basis.values.get)
        s.headline.append(f"Nationally the most common primary need on SEN support is {NEED_WORDS.get(top_k, top_k)} "
                          f"({k_basis.values[top_k]:.1f}% in {year_label(k_year)}); the rest of that year's SEN support "
                          "mix is not held, so the broad areas are not compared.")
    if nat_year:
        s.headline.append(f"The national EHC plan column is the primary-need mix of EHC plans in {year_label(nat_year)} "
                          f"({ehc_basis.where}).".replace("(all schools, ", "(all schools; "))
    s.chart = Bars("What are our pupils' main needs? (% by broad area of primary need, with national)",
                   [AREAS[a] for a in AREA_ORDER],
                   {"Our SEN support": _series(p, "pct_support")[:-1],
                    f"National SEN support ({year_label(k_year)})" if k_year else "National SEN support (not held)":
                        [_nan(k_by_area.get(a)) for a in AREA_ORDER],
                    "Our EHC plans": _series(p, "pct_ehc")[:-1],
                    f"National EHC plans ({year_label(nat_year)})" if nat_year else "National EHC plans (not held)":
                        [_nan(nat_by_area.get(a)) for a in AREA_ORDER]},
                   unit="%", hidden=_hidden(p, ["pct_support", "pct_ehc"]) - int(p.mask.at[len(frame) - 1, "pct_support"])
                   - int(p.mask.at[len(frame) - 1, "pct_ehc"]),
                   ranges={"Our SEN support": _ranges(p, "pct_support", range(len(AREA_ORDER))),
                           "Our EHC plans": _ranges(p, "pct_ehc", range(len(AREA_ORDER)))})
    return s


def _send_against_rest(frame: pd.DataFrame, value: str, name: str, t: int) -> tuple[pd.DataFrame, disclosure.Protected]:
    """Per term (oldest first, the latest TREND_TERMS), pupils with SEND beside pupils with no SEN: n_send,
    n_other, <name>_send and <name>_other (from ``value``) and their gap, and the same protected."""
    w = frame.pivot_table(index=["term_id", "label"], columns="grp", values=["pupils", value], aggfunc="first")
    w.columns = [f"{a}_{b}" for a, b in w.columns]
    w = w.reset_index().sort_values("term_id").tail(TREND_TERMS).reset_index(drop=True)
    names = {"pupils_SEND": "n_send", "pupils_No SEN": "n_other", f"{value}_SEND": f"{name}_send",
             f"{value}_No SEN": f"{name}_other"}
    for c in names:
        if c not in w.columns:
            w[c] = float("nan")
    w = w.rename(columns=names)
    w["gap"] = w[f"{name}_send"] - w[f"{name}_other"]
    p = disclosure.protect(w, ["n_send", "n_other"], {f"{name}_send": "n_send", f"{name}_other": "n_other",
                                                      "gap": ["n_send", "n_other"]}, threshold=t)
    return w, p


def gaps_section(db: Database, scope: Scope, school_id: int, as_at: date, t: int) -> Section:
    s = Section("gaps", "Attendance, attainment and suspensions",
                "How do pupils with SEND do compared with their peers?",
                "How the school evaluates the effectiveness of its provision")
    params = dict(scope=scope, school_id=school_id, as_at=as_at)
    att = db.query("governors_attendance_by_term", terms=TREND_TERMS, **params)
    facts = {}
    if not att.empty:
        att["pct"] = 100 * att["attended"] / att["possible"].where(att["possible"] > 0)
        w, p = _send_against_rest(att, "pct", "att", t)
        s.tables.append(Table("attendance", "Attendance by term: pupils with SEND and pupils with no SEN", p, {
            "label": "Term", "n_send": "Pupils with SEND", "att_send": "Attendance % (SEND)",
            "n_other": "Pupils with no SEN", "att_other": "Attendance % (no SEN)", "gap": "Gap (percentage points)"}))
        gaps = [(_safe(g), lbl) for g, lbl in zip(p.values["gap"], w["label"])]
        known = [(g, lbl) for g, lbl in gaps if g is not None]
        facts["attendance_gaps"] = gaps
        if known:
            g, lbl = known[-1]
            s.headline.append(f"Attendance of pupils with SEND in {lbl}: {p.display.iloc[-1]['att_send']}%, "
                              f"against {p.display.iloc[-1]['att_other']}% for pupils with no SEN "
                              f"(a gap of {abs(g):.1f} percentage points).")
        s.chart = Bars("Are pupils with SEND attending as well as their peers? (attendance %)",
                       list(w["label"]), {"Pupils with SEND": _series(p, "att_send"),
                                          "Pupils with no SEN": _series(p, "att_other")},
                       unit="%", hidden=_hidden(p, ["att_send", "att_other"]))
    sc = db.query("governors_attainment_by_term", terms=TREND_TERMS, **params)
    if not sc.empty:
        w, p = _send_against_rest(sc, "mean_score", "score", t)
        s.tables.append(Table("attainment", "Attainment by term: mean assessment score (all subjects)", p, {
            "label": "Term", "n_send": "Pupils with SEND", "score_send": "Mean score (SEND)",
            "n_other": "Pupils with no SEN", "score_other": "Mean score (no SEN)", "gap": "Gap (score points)"}))
        facts["attainment_gaps"] = [(_safe(g), lbl) for g, lbl in zip(p.values["gap"], w["label"])]
    sus = db.query("governors_suspensions_by_year", **params)
    if not sus.empty:
        w = sus.pivot_table(index="academic_year", columns="grp", values=["pupils", "pupils_suspended"], aggfunc="first")
        w.columns = [f"{a}_{b}" for a, b in w.columns]
        w = w.reset_index().sort_values("academic_year").reset_index(drop=True)
        for c in ("pupils_SEND", "pupils_No SEN", "pupils_suspended_SEND", "pupils_suspended_No SEN"):
            if c not in w.columns:
                w[c] = 0
        w = w.rename(columns={"pupils_SEND": "n_send", "pupils_No SEN": "n_other",
                              "pupils_suspended_SEND": "sus_send", "pupils_suspended_No SEN": "sus_other"})
        w["year"] = [year_label(y) + (" (so far)" if y == academic_year_of(as_at) else "")
                     for y in w["academic_year"]]
        w["rate_send"] = 100 * w["sus_send"] / w["n_send"].where(w["n_send"] > 0)
        w["rate_other"] = 100 * w["sus_other"] / w["n_other"].where(w["n_other"] > 0)
        p = disclosure.protect(w, ["n_send", "sus_send", "n_other", "sus_other"], threshold=t,
                               shares={"rate_send": ("sus_send", "n_send"), "rate_other": ("sus_other", "n_other")})
        s.tables.append(Table("suspensions", "Pupils with at least one suspension, by academic year", p, {
            "year": "Academic year", "n_send": "Pupils with SEND", "sus_send": "Suspended (SEND)",
            "rate_send": "% suspended (SEND)", "n_other": "Pupils with no SEN", "sus_other": "Suspended (no SEN)",
            "rate_other": "% suspended (no SEN)"}))
        facts["suspension_rates"] = [(_safe(a), _safe(b), lbl) for a, b, lbl in
                                     zip(p.values["rate_send"], p.values["rate_other"], w["year"])]
    if not s.tables:
        s.empty = "No attendance, assessment or suspension data yet."
    s.facts = facts
    return s


def spend_section(db: Database, scope: Scope, school_id: int, academic_year: int, as_at: date, t: int,
                  fetched: dict | None = None) -> Section:
    """``fetched``: this school's rows of the three queries below, read already for several schools at once
    (the trust's grouped queries): {"raw": ..., "fund": ..., "total_pupils": ...}, and optionally "bounds": the
    year's (start, end), looked up once for every school."""
    s = Section("spend", "Provision and funding", "What do we spend on SEND provision, against our SEND funding?",
                "How the school's resources are matched to pupils' needs")
    start, end = (fetched or {}).get("bounds") or _year_bounds(db, academic_year)
    params = dict(scope=scope, school_id=school_id)
    if fetched is None:
        raw = db.query("governors_spend_by_area", year_start=start, year_end=end, as_at=as_at, **params)
        fund = db.query("governors_funding", academic_year=academic_year, **params)
    else:
        raw, fund = fetched["raw"], fetched["fund"]
    if raw.empty and fund.empty:
        s.empty = "No provision or funding recorded for this academic year."
        return s
    by_area = raw.set_index("area_code") if not raw.empty else pd.DataFrame(columns=["pupils", "spend"])
    # each pupil's share of a cost counts to the pupil's own primary need; NONE: none recorded
    spend_areas = AREA_ORDER + (["NONE"] if "NONE" in by_area.index else [])
    spend_names = {**AREAS, "NONE": "No primary need recorded"}
    frame = pd.DataFrame({"area_code": spend_areas, "area": [spend_names[a] for a in spend_areas],
                          "pupils": [int(by_area["pupils"].get(a, 0)) for a in spend_areas],
                          "spend": [float(by_area["spend"].get(a, 0.0)) for a in spend_areas]})
    total_pupils = int((db.scalar("governors_provision_pupils", year_start=start, year_end=end, as_at=as_at, **params)
                        if fetched is None else fetched["total_pupils"]) or 0)
    frame = pd.concat([frame, pd.DataFrame([{"area_code": "ALL", "area": "All areas", "pupils": total_pupils,
                                             "spend": float(frame["spend"].sum())}])], ignore_index=True)
    p = disclosure.protect(frame, ["pupils"], {"spend": "pupils"}, threshold=t, total_row="ALL",
                           total_row_col="area_code", additive=["spend"], money=["spend"])
    s.tables.append(Table("spend_by_area", f"Planned spend on provision in {year_label(academic_year)}, by broad area of need", p, {
        "area": "Broad area of need", "pupils": "Pupils with provision", "spend": "Planned spend"}))
    # Funding: a line paid per pupil (top-up) is hidden when it covers fewer pupils than the threshold.
    labels = {"notional_sen": "Notional SEN budget (element 2)", "top_up": "High-needs top-up (element 3)",
              "other": "Other SEND funding"}
    lines = pd.DataFrame({"line": list(labels), "label": list(labels.values())})
    lines = lines.merge(fund, on="line", how="left")
    lines["amount"] = lines["amount"].fillna(0.0)
    lines["pupils"] = lines["pupils"].fillna(0).astype(int) if "pupils" in lines.columns else 0
    total_funding = float(lines["amount"].sum())
    lines = pd.concat([lines, pd.DataFrame([{"line": "total", "label": "Total SEND funding", "amount": total_funding,
                                             "pupils": 0}])], ignore_index=True)
    fp = disclosure.protect(lines, [], {"amount": []}, threshold=t, base_cols={"amount": "pupils"},
                            total_row="total", total_row_col="line", additive=["amount"], money=["amount"])
    s.tables.append(Table("funding", f"SEND funding in {year_label(academic_year)}", fp,
                          {"label": "Funding line", "amount": "Amount"}))
    fv = fp.values["amount"]
    funding_known = _safe(fv.iloc[-1])
    spend_known = _safe(p.values["spend"].iloc[-1])
    s.facts = {"spend": spend_known, "funding": funding_known,
               "notional": _safe(fv.iloc[0]), "top_up": _safe(fv.iloc[1])}
    if spend_known is not None and funding_known:
        s.headline.append(f"Planned spend on provision this year is {_pounds(spend_known)}, "
                          f"{100 * spend_known / funding_known:.0f}% of SEND funding of {_pounds(funding_known)}.")
    elif spend_known is not None:
        s.headline.append(f"Planned spend on provision this year is {_pounds(spend_known)}. No SEND funding is recorded.")
    s.headline.append("Spend is staff time (at the school's hourly rates) plus materials, shared across each group.")
    s.chart = Bars("Where does our provision spend go? (planned spend this year by pupils' primary need, £)",
                   [spend_names[a] for a in spend_areas], {"Planned spend": _series(p, "spend")[:-1]}, unit="£",
                   hidden=int(p.mask["spend"].iloc[:-1].sum()))
    return s


def impact_section(db: Database, scope: Scope, school_id: int, academic_year: int, as_at: date, t: int) -> Section:
    s = Section("impact", "Impact of interventions", "Did our interventions make a measured difference?",
                "How the school evaluates the effectiveness of its provision")
    start, _ = _year_bounds(db, academic_year)
    raw = db.query("governors_impact", scope=scope, school_id=school_id, year_start=start, as_at=as_at)
    raw = raw[raw["pupils_finished"] > 0].reset_index(drop=True)
    if raw.empty:
        s.empty = "No intervention has finished this academic year yet."
        return s
    raw["improved_pct"] = 100 * raw["pupils_improved"] / raw["pupils_measured"].where(raw["pupils_measured"] > 0)
    # the judgement and effect size are the impact page's (sendboard/provision/impact.py, docs/methods.md):
    # effect on the measure's population spread with its 95% interval; never judged on fewer than t pupils
    measured = impact_summary(db, scope, school_id, academic_year, as_at)
    by_id = measured.set_index("intervention_id") if not measured.empty else pd.DataFrame(columns=["verdict", "effect_size"])
    raw["effect_size"] = raw["intervention_id"].map(by_id["effect_size"]).astype(float)
    raw["judgement"] = [NOT_ENOUGH if m is None or pd.isna(m) or int(m) < t else
                        {"Good value": GOOD, "Review it": REVIEW}.get(by_id["verdict"].get(iid), NOT_ENOUGH)
                        for iid, m in zip(raw["intervention_id"], raw["pupils_measured"])]
    raw["area_names"] = [", ".join(AREAS.get(a.strip(), a) for a in str(x).split("|")) for x in raw["areas"]]
    p = disclosure.protect(raw, ["pupils_finished", "pupils_measured"],
                           {"improved_pct": "pupils_measured", "mean_gain": "pupils_measured",
                            "effect_size": "pupils_measured"}, threshold=t,
                           decimals={"improved_pct": 0, "effect_size": 2})
    s.tables.append(Table("impact_by_intervention", "Interventions finished this academic year", p, {
        "intervention": "Intervention", "area_names": "Area of need", "pupils_finished": "Pupils finished",
        "pupils_measured": "Measured on entry and exit", "improved_pct": "% improved",
        "mean_gain": "Mean gain (own measure)", "effect_size": "Effect size (Hedges' g)", "judgement": "Judgement"}))
    counts = raw["judgement"].value_counts()
    summary = pd.DataFrame({"judgement": JUDGEMENTS, "interventions": [int(counts.get(j, 0)) for j in JUDGEMENTS]})
    sp = disclosure.protect(summary, [], {"interventions": []}, threshold=t, decimals={"interventions": 0})
    s.tables.insert(0, Table("impact_summary", "Interventions by judgement (counts of interventions, not pupils)", sp,
                             {"judgement": "Judgement", "interventions": "Interventions"}))
    s.facts = {j: int(counts.get(j, 0)) for j in JUDGEMENTS}
    s.headline.append(f"Of {len(raw)} interventions that finished this year: {s.facts[GOOD]} good value, "
                      f"{s.facts[REVIEW]} to review, {s.facts[NOT_ENOUGH]} without enough data to judge.")
    s.chart = Bars("Which interventions worked? (number of interventions)", JUDGEMENTS,
                   {"Interventions": [float(counts.get(j, 0)) for j in JUDGEMENTS]}, unit="")
    return s


def compliance_section(db: Database, scope: Scope, school_id: int, as_at: date, t: int) -> Section:
    s = Section("reviews", "EHC plan annual reviews", "Are EHC plan annual reviews held on time?",
                "Arrangements for consulting parents and pupils, and for reviewing progress")
    # Every review that fell due counts: held on time, held late, or overdue and not held (the same figures
    # as the EHC plans page; docs/methods.md, "EHC plans: annual review compliance").
    raw = ehc_review_compliance_by_year(db, scope, school_id, as_at)
    now = ehc_compliance_now(db, scope, school_id, as_at)  # reviews overdue now, plans short of hours
    if raw.empty:
        if now["plans"]:
            s.headline.extend(ehc_pack_lines(now, t, as_at))
            s.facts = {"years": [], **ehc_pack_facts(now, t)}
            return s
        s.empty = "No EHC plan annual reviews recorded."
        return s
    raw = raw.rename(columns={"held_late": "late"})
    raw["year"] = [year_label(y) for y in raw["academic_year"]]
    raw["pct"] = 100 * raw["held_on_time"] / raw["reviews_due"].where(raw["reviews_due"] > 0)
    p = disclosure.protect(raw, ["held_on_time", "late", "overdue", "reviews_due"], threshold=t, row_total="reviews_due",
                           row_parts=["held_on_time", "late", "overdue"], decimals={"pct": 0},
                           shares={"pct": ("held_on_time", "reviews_due")})
    s.tables.append(Table("ehc_reviews", "EHC plan annual reviews due, by the academic year they were due", p, {
        "year": "Year due", "held_on_time": "Held on time", "late": "Held late", "overdue": "Overdue, not held",
        "reviews_due": "Reviews due", "pct": "% on time"}))
    s.facts = {"years": [(lbl, _safe(v)) for lbl, v in zip(raw["year"], p.values["pct"])],
               "year_bands": [(lbl, p.bands.get((i, "pct"))) for i, lbl in enumerate(raw["year"])]}
    known = [(lbl, v) for lbl, v in s.facts["years"] if v is not None]
    if known:
        s.headline.append(f"{known[-1][1]:.0f}% of annual reviews due in {known[-1][0]} were held on or before the due date.")
    s.chart = Bars("Are annual reviews held on time? (% on or before the due date)", list(raw["year"]),
                   {"% on time": _series(p, "pct")}, unit="%", hidden=_hidden(p, ["pct"]),
                   ranges={"% on time": _ranges(p, "pct")})
    s.headline.extend(ehc_pack_lines(now, t, as_at))
    s.facts.update(ehc_pack_facts(now, t))
    return s


def training_section(db: Database, scope: Scope, school_id: int, as_at: date, t: int, need_mix: Section) -> Section:
    s = Section("training", "Staff training", "Does staff SEND training match our pupils' needs?",
                "The expertise and training of staff")
    raw = db.query("governors_training_coverage", scope=scope, school_id=school_id, as_at=as_at)
    staff = int(raw["staff"].iloc[0]) if not raw.empty else 0
    if not staff:
        s.empty = "No staff recorded."
        return s
    raw["area"] = raw["area_code"].map(AREAS)
    raw["pct_trained"] = 100 * raw["staff_trained"] / staff
    # The share of pupils with SEND in each area comes from the need-mix table, already protected.
    shares = need_mix.facts.get("pct_send", {}) if need_mix.facts else {}
    shown = need_mix.facts.get("pct_send_display", {}) if need_mix.facts else {}
    raw["pct_send"] = [shown.get(a, "") for a in raw["area_code"]]  # text, with the need-mix table's marks
    # Staff counts are not counts of pupils: not suppressed (but they go through protect for format).
    p = disclosure.protect(raw, [], {"staff_trained": [], "staff_enhanced": [], "pct_trained": []},
                           threshold=t, decimals={"staff_trained": 0, "staff_enhanced": 0, "pct_trained": 0})
    s.tables.append(Table("training", f"Staff with current SEND training, by area of need ({staff} staff in post)", p, {
        "area": "Broad area of need", "pct_send": "% of pupils with SEND (main need)",
        "staff_trained": "Staff trained", "pct_trained": "% of staff trained",
        "staff_enhanced": "At enhanced or specialist level"}))
    s.facts = {"pct_trained": dict(zip(raw["area_code"], raw["pct_trained"].astype(float))),
               "pct_send": {a: shares.get(a) for a in raw["area_code"]}, "staff": staff}
    s.chart = Bars("Does staff training match pupils' needs? (%)", list(raw["area"]),
                   {"% of pupils with SEND (main need)": [_nan(shares.get(a)) for a in raw["area_code"]],
                    "% of staff trained": [float(v) for v in raw["pct_trained"]]}, unit="%",
                   hidden=sum(1 for a in raw["area_code"] if shares.get(a) is None))
    return s


def self_evaluation_section(db: Database, scope: Scope, school_id: int, as_at: date, t: int) -> Section:
    s = Section("self_evaluation", "Self-evaluation", "How does the school rate itself on the eight key factors?",
                "The school's approach to teaching pupils with SEND, and how it is evaluated")
    raw = db.query("governors_self_evaluation", scope=scope, school_id=school_id, as_at=as_at)
    if raw.empty:
        s.empty = "The school has not recorded a key-factor self-evaluation yet."
        return s
    raw["rating_label"] = raw["rating"].map(lambda r: RATING_LABELS.get(int(r), str(r)))
    raw["rated"] = [pd.Timestamp(d).strftime("%B %Y") for d in raw["rated_on"]]
    p = disclosure.protect(raw, [], {}, threshold=t)
    s.tables.append(Table("self_evaluation", "The latest rating of each key factor", p, {
        "name": "Key factor", "rating_label": "Rating (1 to 4)", "rated": "Rated"}))
    last = pd.Timestamp(raw["rated_on"].max()).date()
    s.facts = {"ratings": dict(zip(raw["name"], raw["rating"].astype(int))), "latest": last,
               "mean": float(raw["rating"].mean())}
    s.headline.append(f"Latest ratings (most recent {last:%B %Y}): average {raw['rating'].mean():.1f} out of 4.")
    s.chart = Bars("How do we rate ourselves? (1 = not yet in place, 4 = embedded)", list(raw["name"]),
                   {"Rating": [float(v) for v in raw["rating"]]}, unit="")
    return s


# --------------------------------------------------------------------------- the pack


def build_pack(db: Database, scope: Scope, school_id: int, academic_year: int, as_at: date,
               school_name: str = "", school_phase: str | None = None) -> Pack:
    """Every section of the governors' pack, protected. The one function the page, PDF and Excel use."""
    scope.viewer.require_role(PACK_ROLES)
    if school_id not in scope.viewer.school_ids:
        from ..access import AccessDenied

        raise AccessDenied("this school is not one of yours")
    t = disclosure.get_threshold(db)
    from ..publishing.pack_section import policies_section

    # The sections are independent reads. DuckDB lets go of the GIL while a query runs, so building them
    # on a few threads (each with its own cursor) overlaps one section's queries with another's pandas
    # work: about a quarter off the pack on two cores. The impact section takes about half the pack's CPU
    # (the impact page's judgements, with their comparison query), so it starts first: started fifth, it
    # ran alone at the end while the other threads sat idle.
    with ThreadPoolExecutor(max_workers=3) as pool:
        impact = pool.submit(impact_section, db, scope, school_id, academic_year, as_at, t)
        need = pool.submit(need_mix_section, db, scope, school_id, as_at, t, school_phase)
        built = [
            pool.submit(register_section, db, scope, school_id, school_phase or "all", as_at, t),
            need,
            pool.submit(gaps_section, db, scope, school_id, as_at, t),
            pool.submit(spend_section, db, scope, school_id, academic_year, as_at, t),
            impact,
            pool.submit(compliance_section, db, scope, school_id, as_at, t),
            pool.submit(lambda: training_section(db, scope, school_id, as_at, t, need.result())),
            pool.submit(self_evaluation_section, db, scope, school_id, as_at, t),
            pool.submit(policies_section, db, scope, school_id, as_at, t),  # the publishing area's policy calendar
        ]
        sections = [future.result() for future in built]
    pack = Pack(school_name=school_name, school_id=school_id, academic_year=academic_year, as_at=as_at, threshold=t,
                sections=sections, generated_at=datetime.now().replace(microsecond=0))
    pack.questions = questions_for(pack)
    return pack


# --------------------------------------------------------------------------- on-screen charts


def chart_cells(bars: Bars) -> dict[str, list[str]]:
    """The chart's numbers as text, by series (the categories under ""), with the suppression mark where
    hidden and the range where a share's count is hidden: the chart's table and its image's alternative text."""
    out = {"": [str(c) for c in bars.categories]}
    for name, values in bars.series.items():
        cells = []
        for j, v in enumerate(values):
            band = bars.range_at(name, j)
            if (v is None or math.isnan(v)) and band is not None:
                cells.append(f"{math.floor(band[0] * 10) / 10:.1f}–{math.ceil(band[1] * 10) / 10:.1f}")
            elif v is None or math.isnan(v):
                cells.append(disclosure.SECONDARY_MARK)
            else:
                cells.append(f"£{v:,.0f}" if bars.unit == "£" else f"{v:,.1f}" if not float(v).is_integer() else f"{v:,.0f}")
        out[name] = cells
    return out


def chart_frame(bars: Bars, threshold: int) -> pd.DataFrame:
    """The chart's numbers as a table (its text alternative), with the suppression mark where hidden."""
    return pd.DataFrame(chart_cells(bars), dtype=object)
