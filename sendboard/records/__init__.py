"""Records a school keeps beyond the MIS: concerns raised by staff and the SENCO's decisions, SEND funding
by financial year, and the involvement of external specialists. Staff training is kept by
``sendboard.statutory.expertise``; this area adds its import kind.

Every function takes the Viewer; SQL restricts rows by role (visible_pupils, visible_schools,
can_see_costs); every change is audited inside its db.write.
"""
from __future__ import annotations

from datetime import date

import pandas as pd


class RecordsError(ValueError):
    """Bad input to a form in this area. ``field`` names the form field at fault (the page shows the
    message beside it); the message is safe to show and says what to fix."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def as_date(value) -> date | None:
    if value is None or value is pd.NaT or (not isinstance(value, date) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def clean_text(value, *, field: str, label: str, limit: int, required: bool = False) -> str | None:
    text = (value or "").strip()
    if required and not text:
        raise RecordsError(f"Write something in '{label}'.", field)
    if len(text) > limit:
        raise RecordsError(f"'{label}' is {len(text):,} characters long; keep it to {limit:,}.", field)
    return text or None
