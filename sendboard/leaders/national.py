"""Choosing the national figure to set beside a school's own: same phase first, the same academic year
if held, otherwise the nearest earlier year (or, failing that, the earliest later one), and always
saying which year and which schools it covers. Nothing is estimated: no figure, no comparison."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..db import Database
from . import year_label

PHASE_WORDS = {"primary": "state-funded primary schools", "secondary": "state-funded secondary schools",
               "all": "all schools in England (including special schools)"}


@dataclass(frozen=True)
class NationalFigure:
    measure: str
    value: float
    academic_year: int
    phase: str
    source: str
    wanted_year: int

    @property
    def exact_year(self) -> bool:
        return self.academic_year == self.wanted_year

    @property
    def short(self) -> str:
        """e.g. 'National 2022/23 (secondary)'."""
        words = {"primary": "primary", "secondary": "secondary", "all": "all schools"}.get(self.phase, self.phase)
        return f"National {year_label(self.academic_year)} ({words})"

    @property
    def note(self) -> str:
        """e.g. 'National, 2024/25, state-funded secondary schools (latest held; 2025/26 not published)'."""
        text = f"National {year_label(self.academic_year)}, {PHASE_WORDS.get(self.phase, self.phase)}"
        if self.academic_year < self.wanted_year:
            text += f": the latest held, as there is no {year_label(self.wanted_year)} figure"
        elif self.academic_year > self.wanted_year:
            text += f": the earliest held, as there is no {year_label(self.wanted_year)} figure"
        return text


def national_frame(db: Database, phase: str | None) -> pd.DataFrame:
    """Every national figure for the school's phase and for all schools."""
    return db.query("leaders_national", phase=phase or "all")


def pick(national: pd.DataFrame, measure: str, phase: str | None, academic_year: int,
         *, allow_all_schools: bool = True) -> NationalFigure | None:
    """The national figure for a measure: the school's phase if held at all, else all schools."""
    rows = national[national["measure"] == measure]
    if rows.empty:
        return None
    phases = [phase] if phase in ("primary", "secondary") else []
    if allow_all_schools or not phases:
        phases.append("all")
    for ph in phases:
        cand = rows[rows["phase"] == ph]
        if cand.empty:
            continue
        years = cand["academic_year"].astype(int)
        earlier = cand[years <= academic_year]
        chosen = earlier.loc[earlier["academic_year"].idxmax()] if not earlier.empty else cand.loc[years.idxmin()]
        return NationalFigure(measure, float(chosen["value"]), int(chosen["academic_year"]), ph,
                              str(chosen["source"]), int(academic_year))
    return None


def family_year(national: pd.DataFrame, prefix: str, suffix: str, academic_year: int) -> int | None:
    """The one year to use for a family of measures such as need_pct:*:E (the latest held up to the year
    wanted, else the earliest held), so a mix is never stitched together from different years."""
    rows = national[national["measure"].str.startswith(prefix) & national["measure"].str.endswith(suffix)]
    if rows.empty:
        return None
    years = rows["academic_year"].astype(int)
    earlier = years[years <= academic_year]
    return int(earlier.max()) if not earlier.empty else int(years.min())
