"""A school's calendar in the database: its academic years and terms (dates from sendboard.domain).

Used by ``sendboard init`` and ``school add`` (the years around today) and by every import into a
database made that way (the years now due), so it sits below both the set-up commands and the importers.
"""
from __future__ import annotations

from datetime import date

from . import clock
from .domain import academic_year_bounds, academic_year_of, academic_year_terms, year_label

YEARS_BEFORE = 3                            # academic years of history a new school can import into


def ensure_calendar(w, today: date) -> list[int]:
    """Inside a write: add every academic year from three before today's to the next one that is not
    held yet (so history can be imported and next September's groups set up). Returns the years added."""
    held = {int(r[0]) for r in w.run("setup_academic_years_held")}
    current = academic_year_of(today)
    added = []
    for year in range(current - YEARS_BEFORE, current + 2):
        if year in held:
            continue
        start, end = academic_year_bounds(year)
        w.run("setup_insert_academic_year", academic_year=year, label=year_label(year), start_date=start, end_date=end)
        for term in academic_year_terms(year):
            w.run("setup_insert_term", **term)
        added.append(year)
    return added


def extend_calendar(w) -> list[int]:
    """Inside a write: on a database made by `sendboard init`, add the academic years now due (a school
    keeps importing year after year). Other databases (the demo, test fixtures) keep the calendar they
    were built with."""
    if not w.run("setup_made_by_init")[0][0]:
        return []
    return ensure_calendar(w, clock.today())
