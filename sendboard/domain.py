"""The rules every area shares, written once: the English school year, the broad areas of need, and the
demo's fixed facts. Python reads them from here; SQL reads the same rules from macros (migrations
003 and 026) and from the shipped ``ref_need_codes`` table, and a test checks the two agree.

Imports nothing of sendboard, so any module may use it.
"""
from __future__ import annotations

from datetime import date, timedelta

# --------------------------------------------------------------------------- the school year

# An English academic year runs from 1 September to 31 August and is named by the calendar year it
# starts in: 2025 is 2025/26. (SQL: academic_year_of(d) in 003_common_macros.sql.)
ACADEMIC_YEAR_START_MONTH = 9


def academic_year_of(day: date) -> int:
    """The academic year a date falls in (31 Aug 2026 -> 2025, 1 Sep 2026 -> 2026)."""
    return day.year if day.month >= ACADEMIC_YEAR_START_MONTH else day.year - 1


def year_label(year: int) -> str:
    """How an academic year is written: 2025 -> '2025/26'. (SQL: year_label(y) in 026_house.sql.)"""
    return f"{int(year)}/{str(int(year) + 1)[-2:]}"


def academic_year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of an academic year: 1 September to the next 31 August."""
    return date(int(year), ACADEMIC_YEAR_START_MONTH, 1), date(int(year) + 1, ACADEMIC_YEAR_START_MONTH, 1) - timedelta(days=1)


def nth_thursday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7 * (n - 1))


def academic_year_terms(academic_year: int) -> list[dict]:
    """The three terms of an academic year (2025 = 2025/26). Census days are the DfE school census days:
    the first Thursday of October, the third Thursday of January and the third Thursday of May."""
    a = int(academic_year)
    start, end = academic_year_bounds(a)
    return [
        dict(term_id=a * 10 + 1, academic_year=a, term="autumn", term_number=1, label=f"Autumn {a}",
             start_date=start, end_date=date(a, 12, 31), census_date=nth_thursday(a, 10, 1)),
        dict(term_id=a * 10 + 2, academic_year=a, term="spring", term_number=2, label=f"Spring {a + 1}",
             start_date=date(a + 1, 1, 1), end_date=date(a + 1, 4, 14), census_date=nth_thursday(a + 1, 1, 3)),
        dict(term_id=a * 10 + 3, academic_year=a, term="summer", term_number=3, label=f"Summer {a + 1}",
             start_date=date(a + 1, 4, 15), end_date=end, census_date=nth_thursday(a + 1, 5, 3)),
    ]


# --------------------------------------------------------------------------- areas of need

# The four broad areas of need of the SEND Code of Practice (2015, 6.28), and Other for the census codes
# that fit none (OTH, NSA), in the order every page lists them. Which census need code falls in which area
# is the shipped code list (sendboard/data/reference/need_codes.csv, loaded as ref_need_codes): read
# need_area_codes() or join ref_need_codes, never a copy.
AREAS = {
    "CI": "Communication and interaction",
    "CL": "Cognition and learning",
    "SEMH": "Social, emotional and mental health",
    "SP": "Sensory and/or physical",
    "OTH": "Other",
}
AREA_CODES = tuple(AREAS)


def area_code_of_broad_area(broad: str) -> str:
    """The area code for the code list's wording of a broad area ('Cognition and Learning' -> 'CL')."""
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


# --------------------------------------------------------------------------- the demo

# The demo's published password (refused on any school's own data: sendboard.passwords) and the date the
# demo, the benchmark and the tests pin "today" to (the autumn term of 2026/27).
DEMO_PASSWORD = "sendboard-demo"
DEMO_TODAY = date(2026, 11, 23)
