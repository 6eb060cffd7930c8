"""The statutory and strategic area: EHC plan deadlines, Preparing for Adulthood, staff expertise and
the key-factor self-evaluation.

- ``deadlines``: pure date arithmetic (every statutory rule, documented there);
- ``ehc``: plans, needs-assessment requests, phase transfers, review compliance;
- ``pfa``: Preparing for Adulthood outcomes from Year 9;
- ``expertise``: staff SEND training against the school's need mix, and how concentrated it is;
- ``self_evaluation``: the eight key factors, dated ratings and the data that bears on each.

Functions other areas may call (aggregates only, no pupil rows): ``ehc.review_compliance_by_year``,
``expertise.training_coverage``, ``self_evaluation.latest_self_evaluation``; set-up:
``self_evaluation.load_key_factors`` and ``self_evaluation.seed_demo_self_evaluations``.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from ..domain import year_label as academic_year_label  # noqa: F401  (the statutory modules take it from here)


class StatutoryError(ValueError):
    """Bad input to a change in this area; the message is safe to show and says what to fix."""


def pupil_name(first, last) -> str:
    return f"{first} {last}".strip()


def as_date(value) -> date | None:
    """A date from a DuckDB/pandas value; None for NULL, NaN or NaT."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()
