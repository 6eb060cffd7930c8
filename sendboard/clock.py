"""Today's date, in one place, so tests and the demo can pin it (SENDBOARD_TODAY=YYYY-MM-DD)."""
from __future__ import annotations

import os
from datetime import date, datetime


def today() -> date:
    pinned = os.environ.get("SENDBOARD_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()


def now() -> datetime:
    return datetime.now()
