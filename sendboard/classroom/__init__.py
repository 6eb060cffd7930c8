"""The classroom area: class SEND profiles, pupil passports, strategies, reviews and take-away PDFs.

Every reader takes the Viewer; scoping is decided in SQL (sendboard/sql/classroom.sql), so a teacher
asking for a class or pupil they do not teach simply gets nothing back.
"""
from __future__ import annotations

from ..reference import AREAS as AREA_NAMES
from ..reference import need_area_codes

# Plain-English need names (the classroom's wording), each with its broad area from the shipped code list.
_NEED_WORDING = {
    "SLCN": "Speech, language and communication needs",
    "ASD": "Autism",
    "SPLD": "Specific learning difficulty (e.g. dyslexia)",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "HI": "Hearing impairment",
    "VI": "Visual impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "OTH": "Other difficulty or disability",
    "NSA": "SEN support, type of need not yet assessed",
}
NEED_NAMES = {code: (words, need_area_codes().get(code, "OTH")) for code, words in _NEED_WORDING.items()}

RATING_LABELS = {"not_yet": "Not yet", "emerging": "Emerging", "achieved": "Achieved", "exceeded": "Exceeded"}


class ClassroomError(ValueError):
    """Bad input to a classroom change; the message is safe to show and says what to fix."""


def need_name(code: str, description=None) -> str:
    """The plain-English name of a census need code (the shipped wording wins over reference data's
    title case, which reads like a label rather than a sentence)."""
    if code in NEED_NAMES:
        return NEED_NAMES[code][0]
    return str(description) if description else str(code)


def need_area_code(code: str, area_code=None) -> str:
    if area_code and str(area_code) in AREA_NAMES:
        return str(area_code)
    return need_area_codes().get(code, "OTH")


from ..text import md_escape  # noqa: E402, F401  (re-exported for the classroom pages)
