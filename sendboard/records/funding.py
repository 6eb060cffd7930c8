"""SEND funding by financial year (1 April to 31 March), as schools are funded, with the academic-year
view (1 September to 31 August) the provision map and governors' pack set spend against.

Lines: the notional SEN budget (the part of the school's budget the local authority identifies for SEN
support, element 2), top-up funding for a pupil with an EHC plan (element 3, paid by the local authority
per pupil), and other SEND grants. Only the head, SENCO and administrator see or change money.

Academic-year view (migration 016, ``funding_by_academic_year``): a financial year shares 7 months
(September to March) with the academic year that starts inside it and 5 months (April to August) with
the one before, so its amount is split 7/12 and 5/12. Lines recorded with only an academic year are
taken whole.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import audit
from ..access import AccessDenied
from ..db import Database
from ..domain import year_label
from ..scope import Scope
from . import RecordsError, clean_text

LINES = {"notional_sen": "Notional SEN budget", "top_up": "Top-up (per pupil with an EHC plan)",
         "other": "Other SEND grant"}
EDIT_ROLES = frozenset({"head", "senco", "admin"})
MAX_AMOUNT = 50_000_000


def financial_year_of(d: date) -> int:
    """The financial year a date falls in, by its starting year (2025 = 1 April 2025 to 31 March 2026)."""
    return d.year if d.month >= 4 else d.year - 1


def financial_year_label(year: int) -> str:
    return f"{int(year)}-{str(int(year) + 1)[2:]}"


def academic_year_shares(financial_year: int) -> dict[int, float]:
    """How a financial year's money falls into academic years: {academic year: share}."""
    return {financial_year - 1: 5 / 12, financial_year: 7 / 12}


def add_line(db: Database, scope: Scope, school_id: int, *, financial_year: int, line: str, amount,
             pupil_id: int | None, note: str) -> int:
    if not scope.viewer.sees_costs or scope.viewer.role not in EDIT_ROLES:
        raise AccessDenied("only the head, SENCO and administrator record funding")
    if line not in LINES:
        raise RecordsError("Choose a funding line: notional SEN budget, top-up or other grant.", "line")
    try:
        year = int(financial_year)
    except (TypeError, ValueError):
        raise RecordsError("Choose a financial year.", "financial_year") from None
    if not 2000 <= year <= scope.today.year + 1:
        raise RecordsError(f"Choose a financial year from 2000-01 to {financial_year_label(scope.today.year + 1)}.", "financial_year")
    try:
        value = float(str(amount).replace(",", "").replace("£", "").strip())
    except (TypeError, ValueError):
        raise RecordsError(f"Give the amount in pounds as a number (not {str(amount)!r}).", "amount") from None
    if not 0 < value <= MAX_AMOUNT:
        raise RecordsError(f"Give an amount above £0 and up to £{MAX_AMOUNT:,}.", "amount")
    if line == "top_up" and pupil_id is None:
        raise RecordsError("A top-up is paid for one pupil: choose the pupil.", "pupil")
    if line != "top_up":
        pupil_id = None
    note = clean_text(note, field="note", label="Description", limit=200, required=(line == "other"))
    new = {"school_id": int(school_id), "financial_year": year, "line": line,
           "pupil_id": None if pupil_id is None else int(pupil_id), "amount": round(value, 2), "note": note}

    def work(w):
        rows = w.run("records_funding_insert", scope=scope, **new)
        if not rows:
            return None
        funding_id = int(rows[0][0])
        audit.record_change(w, scope.viewer, "funding_changed", object_type="funding", object_id=funding_id,
                            pupil_id=new["pupil_id"], new_value=new)
        return funding_id

    funding_id = db.write(work)
    if funding_id is None:
        raise AccessDenied("that school or pupil is not one you can record funding for")
    return funding_id


def remove_line(db: Database, scope: Scope, school_id: int, funding_id: int) -> None:
    if not scope.viewer.sees_costs or scope.viewer.role not in EDIT_ROLES:
        raise AccessDenied("only the head, SENCO and administrator change funding")
    rows = db.query("records_funding_row", scope=scope, school_id=int(school_id), funding_id=int(funding_id))
    if rows.empty:
        raise RecordsError("That funding line is not held for this school.")
    old = {k: (None if pd.isna(v) else v) for k, v in rows.iloc[0].to_dict().items()}
    old = {k: (v.item() if hasattr(v, "item") else v) for k, v in old.items()}

    def work(w):
        w.run("records_funding_delete", funding_id=int(funding_id))
        audit.record_change(w, scope.viewer, "funding_changed", object_type="funding", object_id=int(funding_id),
                            pupil_id=old.get("pupil_id"), old_value=old)

    db.write(work)


def lines(db: Database, scope: Scope, school_id: int) -> pd.DataFrame:
    """Every funding line the viewer may see (empty for anyone who may not see money)."""
    frame = db.query("records_funding_lines", scope=scope, school_id=int(school_id))
    frame["line_name"] = frame["line"].map(LINES)
    frame["year"] = [financial_year_label(f) if pd.notna(f) else f"academic year {year_label(a)}"
                     for f, a in zip(frame["financial_year"], frame["academic_year"])]
    return frame


def by_academic_year(db: Database, scope: Scope, school_id: int, academic_year: int) -> pd.DataFrame:
    """Funding in one academic year by line, financial-year lines apportioned by months."""
    return db.query("records_funding_by_academic_year", scope=scope, school_id=int(school_id),
                    academic_year=int(academic_year))


def ehc_pupils(db: Database, scope: Scope, school_id: int, as_at: date) -> pd.DataFrame:
    return db.query("records_pupils_with_ehc_plan", scope=scope, school_id=int(school_id), as_at=as_at)
