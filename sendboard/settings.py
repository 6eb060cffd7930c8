"""School-wide settings stored in the database, with their defaults."""
from __future__ import annotations

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


def get_int(db: Database, key: str) -> int:
    return int(get_settings(db)[key])
