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


NATIONAL_COLUMNS = ["academic_year", "phase", "measure", "value", "source"]


def national_frame(db: Database, phase: str | None) -> pd.DataFrame:
    """Every national figure for the school's phase and for all schools."""
    return pd.DataFrame(db.query_rows("leaders_national", phase=phase or "all"), columns=NATIONAL_COLUMNS)


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


def _family(national: pd.DataFrame, prefix: str, suffix: str) -> list[tuple[str, int, float]]:
    """(measure, academic year, value) of every figure in a family such as need_pct:*:E, in frame order."""
    return [(m, int(y), v) for m, y, v in zip(national["measure"].tolist(), national["academic_year"].tolist(),
                                              national["value"].tolist())
            if m.startswith(prefix) and m.endswith(suffix)]


def _year_of(years: list[int], academic_year: int) -> int | None:
    earlier = [y for y in years if y <= academic_year]
    return max(earlier) if earlier else (min(years) if years else None)


def family_year(national: pd.DataFrame, prefix: str, suffix: str, academic_year: int) -> int | None:
    """The one year to use for a family of measures such as need_pct:*:E (the latest held up to the year
    wanted, else the earliest held), so a mix is never stitched together from different years."""
    return _year_of([y for _, y, _ in _family(national, prefix, suffix)], academic_year)


def need_family(national: pd.DataFrame, suffix: str, academic_year: int) -> tuple[int | None, dict[str, float]]:
    """The year :func:`family_year` picks for the need mix need_pct:<code><suffix>, and each need code's
    national share that year (where a phase and all schools both have one, the later row, the phase's)."""
    rows = _family(national, "need_pct:", suffix)
    year = _year_of([y for _, y, _ in rows], academic_year)
    return year, {m.split(":")[1]: v for m, y, v in rows if y == year}


MIX_PHASE_WORDS = {"primary": "primary schools", "secondary": "secondary schools", "special": "special schools",
                    "all": "all schools"}
# A year's need mix counts as complete when it holds at least this many need codes (the census has 13 for
# SEN support, 12 for EHC plans): a year with only the most common need is a single figure, not a mix.
FULL_MIX_CODES = 10


@dataclass(frozen=True)
class NeedBasis:
    """The national need mix set beside a group of the school's pupils: its year and phase, and each need
    code's share that year. ``wanted_phase``/``wanted_year`` are the school's, so the words can say where the
    figure falls back (all schools for want of the phase; an earlier year for want of this one)."""
    suffix: str
    year: int | None
    phase: str | None
    values: dict
    wanted_phase: str | None
    wanted_year: int
    complete: bool

    @property
    def where(self) -> str:
        """e.g. 'all schools, no secondary split held' or 'secondary schools'."""
        if self.phase is None:
            return ""
        text = MIX_PHASE_WORDS.get(self.phase, self.phase)
        if self.phase == "all" and self.wanted_phase in ("primary", "secondary", "special"):
            text += f", no {self.wanted_phase} split held"
        return text

    @property
    def note(self) -> str:
        """What the national column is, in words, e.g. 'national 2023/24 · all schools, no secondary split held'."""
        if self.year is None:
            return "not published"
        text = f"national {year_label(self.year)} · {self.where}"
        if not self.complete:
            text += " · part of the mix only"
        return text


def need_basis(national: pd.DataFrame, suffix: str, academic_year: int, phase: str | None) -> NeedBasis:
    """The national need mix need_pct:<code><suffix> to set beside the school: the school's phase where a mix
    is held for it, else all schools; within that, the latest complete mix up to the year wanted, else the
    latest partial one up to it, else the earliest held after it. One year only, never stitched together."""
    by_phase: dict[str, list[tuple[str, int, float]]] = {}
    for m, y, v, p in zip(national["measure"].tolist(), national["academic_year"].tolist(), national["value"].tolist(),
                          national["phase"].tolist()):
        if m.startswith("need_pct:") and m.endswith(suffix):
            by_phase.setdefault(p, []).append((m.split(":")[1], int(y), float(v)))
    order = ([phase] if phase in ("primary", "secondary", "special") else []) + ["all"]
    for ph in order:
        held = by_phase.get(ph)
        if not held:
            continue
        counts: dict[int, int] = {}
        for _, y, _ in held:
            counts[y] = counts.get(y, 0) + 1
        full = [y for y, n in counts.items() if n >= FULL_MIX_CODES]
        year = (max([y for y in full if y <= academic_year], default=None)
                or max([y for y in counts if y <= academic_year], default=None)
                or min(full, default=None) or min(counts))
        values = {code: v for code, y, v in held if y == year}
        return NeedBasis(suffix, year, ph, values, phase, academic_year, counts[year] >= FULL_MIX_CODES)
    return NeedBasis(suffix, None, None, {}, phase, academic_year, False)


@dataclass(frozen=True)
class Basis:
    """What a school's register is set against nationally, each figure with its own year.

    ``total`` is the latest share of pupils with any SEN held for the phase (at or before the year
    wanted); ``support`` and ``ehc`` are the latest SEN support and EHC plan shares. The DfE publishes
    the phase total for more recent years than the split, so where the total is newer the comparison is
    made on totals for that year, and the split is given from its own (older) year, named."""
    total: NationalFigure | None
    support: NationalFigure | None
    ehc: NationalFigure | None

    @property
    def split_year(self) -> int | None:
        years = [f.academic_year for f in (self.support, self.ehc) if f is not None]
        return min(years) if years else None

    @property
    def compare_totals(self) -> bool:
        """True when the total is newer than the split: compare the school's SEN total, not its parts."""
        return self.total is not None and (self.split_year is None or self.total.academic_year > self.split_year)

    def sentence(self) -> str:
        """One plain sentence naming every national figure used and its year, e.g. 'Nationally (state-funded
        secondary schools): 17.6% of pupils had SEN in 2025/26; the latest split, 2022/23: SEN support
        12.4%, EHC plans 2.4%.'"""
        figs = [f for f in (self.total, self.support, self.ehc) if f is not None]
        if not figs:
            return "No national figure is held for this phase."
        phases = {f.phase for f in figs}
        where = PHASE_WORDS.get(figs[0].phase, figs[0].phase) if len(phases) == 1 else "phase where published"
        parts = []
        if self.total is not None:
            parts.append(f"{self.total.value:.1f}% of pupils had SEN in {year_label(self.total.academic_year)}")
        split = [f"{label} {f.value:.1f}%" for label, f in (("SEN support", self.support), ("EHC plans", self.ehc))
                 if f is not None]
        if split:
            same = self.support is not None and self.ehc is not None and \
                self.support.academic_year == self.ehc.academic_year
            if same:
                lead = "the latest split" if self.compare_totals else "split"
                parts.append(f"{lead}, {year_label(self.support.academic_year)}: " + ", ".join(split))
            else:
                parts += [f"{label} {f.value:.1f}% ({year_label(f.academic_year)})"
                          for label, f in (("SEN support", self.support), ("EHC plans", self.ehc)) if f is not None]
        return f"Nationally ({where}): " + "; ".join(parts) + "."


def basis(national: pd.DataFrame, phase: str | None, academic_year: int) -> Basis:
    """The national figures to set beside a school in a year: see :class:`Basis`. The total and the split
    each come from the school's phase where held (all schools only when the phase has none)."""
    return Basis(total=pick(national, "any_sen_pct", phase, academic_year, allow_all_schools=phase not in ("primary", "secondary")),
                 support=pick(national, "sen_support_pct", phase, academic_year),
                 ehc=pick(national, "ehc_plan_pct", phase, academic_year))
