"""How the governors' pack judges an intervention that finished this year: the rule the impact section
counts by and the questions read back. Its own module so that figures and questions both import it and
neither imports the other's rules."""
from __future__ import annotations

import pandas as pd

GOOD, REVIEW, NOT_ENOUGH = "Good value", "Review", "Not enough data"
JUDGEMENTS = [GOOD, REVIEW, NOT_ENOUGH]


def judge(measured, improved_pct, mean_gain, threshold: int) -> str:
    """Good value: at least ``threshold`` pupils measured, a positive mean gain and two in three or more
    improved. Review: measured, but not that. Not enough data: fewer than ``threshold`` measured."""
    if measured is None or pd.isna(measured) or int(measured) < threshold:
        return NOT_ENOUGH
    if mean_gain is not None and not pd.isna(mean_gain) and mean_gain > 0 and improved_pct >= 200 / 3:
        return GOOD
    return REVIEW
