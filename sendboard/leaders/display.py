"""Plain-English column names and rounding for the leaders' tables (the same frame is shown and
downloaded), and the audit of pupil lists opened on these pages."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import audit

LABELS = {
    "what": "Figure", "note": "Which national figure", "kind": "Kind", "on_roll": "Pupils on roll", "sen_support": "SEN support (pupils)",
    "sen_support_pct": "SEN support (% of roll)", "ehc_plan": "EHC plans (pupils)", "ehc_plan_pct": "EHC plans (% of roll)",
    "source": "Source", "label": "Term", "census_date": "Census date", "year_group": "Year",
    "pupils": "Pupils", "pct": "% of the group", "national_pct": "National %", "national_note": "National figure",
    "area": "Broad area", "dimension": "Compared by", "value": "Group", "on_register": "On the register",
    "rate": "% on the register", "rest_pupils": "Rest of cohort (pupils)", "rest_on_register": "Rest on the register",
    "rest_rate": "Rest: % on the register", "relative_likelihood": "Times as likely as the rest",
    "ci_low": "95% CI from", "ci_high": "95% CI to", "finding": "Finding", "measure": "Measure",
    "school_pct": "This school %", "national_year": "National year", "subject": "Subject", "sen_group": "Group",
    "mean_score": "Mean score", "pct_expected": "% at or above expected", "mean_change_term": "Change since last term",
    "mean_change_year": "Change since autumn", "with_change_term": "Pupils with last term's score",
    "with_change_year": "Pupils with an autumn score", "send": "Pupils with SEND", "no_sen": "Pupils with no SEN",
    "gap": "Gap (SEND minus no SEN)", "attendance_pct": "Attendance %", "persistent_absence_pct": "Persistently absent %",
    "persistent_absent": "Persistently absent (pupils)", "with_attendance": "Pupils with attendance recorded",
    "suspensions": "Suspensions", "suspensions_per_100": "Suspensions per 100 pupils",
    "pupils_suspended": "Pupils suspended", "pct_suspended": "% of pupils suspended", "band": "Time since last review",
}
DECIMALS = {"relative_likelihood": 2, "ci_low": 2, "ci_high": 2}


def md_escape(text) -> str:
    """Text from the database made safe to put inside st.markdown (no markdown or HTML effects)."""
    out = str(text)
    for ch in "\\`*_{}[]()#+-.!|<>~$:":
        out = out.replace(ch, "\\" + ch)
    return out


def show(frame: pd.DataFrame, columns: list[str], *, decimals: int = 1) -> pd.DataFrame:
    """Pick the columns that exist, round, and rename to plain English."""
    out = frame[[c for c in columns if c in frame.columns]].copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(DECIMALS.get(col, decimals))
    return out.rename(columns=LABELS)


def audit_list(ctx, detail: dict) -> None:
    """Record that this person opened a list of pupils on a leaders' page, once per list per session
    (ui.audit_view records one view per page and object, and a list has no single pupil)."""
    key = (ctx.page_key, repr(sorted(detail.items())))
    seen = st.session_state.setdefault("_leaders_lists_seen", set())
    if key in seen:
        return
    seen.add(key)
    audit.record(ctx.db, ctx.viewer, "view", object_type=ctx.page_key, detail=detail)


@st.cache_data(max_entries=500, show_spinner=False)
def _memo_call(module: str, name: str, args: tuple, kwargs: dict):
    import importlib

    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def memo(fn, *args, **kwargs):
    """A pure function of frames (no database) through st.cache_data, keyed on its arguments' content, so a
    rerun that changes nothing else does not redo the work."""
    return _memo_call(fn.__module__, fn.__name__, args, kwargs)


@st.cache_resource(max_entries=300, show_spinner=False)
def _figure_call(module: str, name: str, args: tuple, kwargs: dict):
    import importlib

    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def figure(fn, *args, **kwargs):
    """A chart function's Figure, built once per distinct data. Building a plotly Figure validates every
    property and costs tens of milliseconds; st.cache_resource hands back the same object without pickling.
    The key is the data itself, so a figure is only ever returned to someone who passed the same rows."""
    return _figure_call(fn.__module__, fn.__name__, args, kwargs)
