"""Leaders area (issue #4): the whole-school SEND picture for the head, the SENCO and the trust.

Pure functions over the database: every figure on the Overview, Identification, Outcomes and
Graduated approach pages comes from here, so it can be tested without a running app.
"""
from __future__ import annotations

from ..domain import year_label  # noqa: F401  (the leaders' modules take it from here)

GROUPS = ("EHC plan", "SEN support", "No SEN")
ON_REGISTER = ("EHC plan", "SEN support")


def pct(part, whole) -> float | None:
    """part as a percentage of whole, or None when whole is 0."""
    return 100.0 * float(part) / float(whole) if whole else None
