"""Headline figures for the home page."""
from __future__ import annotations

from datetime import date

from .db import Database
from .scope import Scope


def headline(db: Database, scope: Scope, school_id: int, as_at: date) -> dict:
    """Roll, SEN support and EHC plans as at a date, with shares of roll (for the schools a viewer sees)."""
    row = db.query_rows("home_counts", scope=scope, school_id=school_id, as_at=as_at)[0]
    on_roll, support, ehc = (int(v or 0) for v in row)

    def pct(n):
        return 100.0 * n / on_roll if on_roll else 0.0

    return {"on_roll": on_roll, "sen_support": support, "ehc_plans": ehc,
            "sen_support_pct": pct(support), "ehc_pct": pct(ehc)}


def is_demo_database(db: Database) -> bool:
    """Built by `sendboard demo` (or the app's first run): made-up pupils, accounts with a published password."""
    return bool(db.scalar("setup_is_demo"))


def policy_alerts(db: Database, scope: Scope, school_id: int, as_at: date) -> dict:
    """Policies overdue for the board's approval or due this term (the publishing area's policy calendar)."""
    from .publishing.policies import alerts

    return alerts(db, scope, school_id, as_at)
