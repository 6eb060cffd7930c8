"""The glossary: SEND terms and abbreviations in plain English (sendboard/data/glossary.csv), and a plain-text search."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .package_data import shipped

GLOSSARY_CSV = shipped("glossary.csv")
CATEGORIES = ("The basics", "Support", "Statutory", "Provision", "Funding", "Needs", "Data", "Statistics", "sendboard")


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    frame = pd.read_csv(GLOSSARY_CSV, dtype=str, keep_default_na=False)
    return frame[["term", "short", "category", "meaning"]]


def terms() -> pd.DataFrame:
    """Every term, ordered by category (as CATEGORIES), then as written in the file (general before specific)."""
    frame = _load().copy()
    order = {c: i for i, c in enumerate(CATEGORIES)}
    frame["_order"] = frame["category"].map(lambda c: order.get(c, len(order)))
    return frame.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def search(query: str = "", category: str | None = None) -> pd.DataFrame:
    """Terms whose name, abbreviation or meaning contain every word of the query (plain text, any case).
    An abbreviation that matches exactly comes first."""
    frame = terms()
    if category:
        frame = frame[frame["category"] == category]
    words = [w for w in (query or "").lower().split() if w]
    if not words:
        return frame.reset_index(drop=True)
    haystack = (frame["term"] + " " + frame["short"] + " " + frame["meaning"]).str.lower()
    mask = pd.Series(True, index=frame.index)
    for word in words:
        mask &= haystack.str.contains(word, regex=False)
    found = frame[mask].copy()
    q = " ".join(words)
    exact = found["short"].str.lower().str.split(r"\s*/\s*", regex=True).map(lambda parts: q in parts) \
        | (found["term"].str.lower() == q)
    found["_rank"] = (~exact).astype(int)
    return found.sort_values("_rank", kind="stable").drop(columns="_rank").reset_index(drop=True)
