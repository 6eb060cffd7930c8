"""School-wide settings stored in the database, with their defaults."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from .db import Database

DEFAULTS = {
    "disclosure_threshold": "5",           # smallest count of pupils a governor may see
    "idle_timeout_minutes": "30",          # an idle session signs out after this
    "lockout_failures": "5",               # failed sign-ins before the account locks
    "lockout_minutes": "15",               # how long it stays locked
    "slowdown_after": "3",                 # failures before each further attempt is slowed
    "teacher_editable_passport_fields": "strengths|interests|what_helps|what_does_not_help",
    "max_upload_mb": "250",
    "session_max_hours": "12",             # a session ends this long after sign-in, however active
    "sso_allowed_domain": "",              # single sign-on only from this Google Workspace domain (hd)
    "sso_allowed_tenant": "",              # single sign-on only from this Microsoft Entra tenant (tid)
}


def get_settings(db: Database) -> dict[str, str]:
    values = dict(DEFAULTS)
    values.update(dict(db.query_rows("settings_all")))
    return values


@dataclass(frozen=True)
class IntRange:
    """The whole numbers a setting may take (both ends included)."""

    low: int
    high: int

    def __contains__(self, value: int) -> bool:
        return self.low <= value <= self.high


# Each whole-number setting's range is defined once, beside the rule that uses it (the rule knows why its
# bounds are what they are); this says where. The admin page and get_int both read the range from there.
RANGE_HOMES = {
    "disclosure_threshold": ("sendboard.disclosure", "THRESHOLD_RANGE"),
    "idle_timeout_minutes": ("sendboard.signin", "IDLE_MINUTES_RANGE"),
    "session_max_hours": ("sendboard.signin", "SESSION_HOURS_RANGE"),
    "lockout_failures": ("sendboard.signin", "LONGEST_WAIT_FROM_RANGE"),
    "lockout_minutes": ("sendboard.signin", "LONGEST_WAIT_MINUTES_RANGE"),
    "slowdown_after": ("sendboard.signin", "WAITS_FROM_RANGE"),
}


def int_range(key: str) -> IntRange:
    module, name = RANGE_HOMES[key]
    return getattr(importlib.import_module(module), name)


def get_int(db: Database, key: str) -> int:
    """A whole-number setting; a stored value that is not a number in its range (written by hand into the
    database, or allowed by an older version) gives the default, so a rule never runs outside its bounds."""
    try:
        value = int(get_settings(db)[key])
    except (TypeError, ValueError):
        return int(DEFAULTS[key])
    if key in RANGE_HOMES and value not in int_range(key):
        return int(DEFAULTS[key])
    return value
