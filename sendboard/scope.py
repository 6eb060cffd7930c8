"""The one question every pupil-level check asks: may this viewer see this pupil today?

Row-level scope is SQL (the ``visible_pupils`` / ``visible_groups`` / ``visible_schools`` macros, last
defined in migrations/024_security.sql). This module is the one Python door to it for a single pupil, so a
page or module that must refuse a pupil never writes its own check: it calls :func:`may_see_pupil`, and
:func:`refuse_pupil` when the answer is no (tests/test_security_scope.py fails on a second definition).
"""
from __future__ import annotations

from datetime import date

from . import audit
from .access import Viewer
from .db import Database


def may_see_pupil(db: Database, viewer: Viewer, pupil_id, today: date, *, school_id: int | None = None) -> bool:
    """True if the pupil is one the viewer may see today (and, when given, on the roll of that school).
    A governor or administrator never sees a pupil; an id that is not a whole number is never visible."""
    if not isinstance(viewer, Viewer) or not viewer.sees_pupils:
        return False
    try:
        pid = int(pupil_id)
    except (TypeError, ValueError):
        return False
    if isinstance(pupil_id, bool) or not -2**31 < pid < 2**31:
        return False
    return bool(db.scalar("scope_pupil_visible", viewer_id=viewer.user_id, today=today, pupil_id=pid,
                          school_id=None if school_id is None else int(school_id)))


def refuse_pupil(db: Database, viewer: Viewer, pupil_id, what: str) -> None:
    """Record an attempt to reach a pupil the viewer may not see ('access_refused', with what was asked for)."""
    try:
        pid = int(pupil_id)
    except (TypeError, ValueError):
        pid = None
    audit.record(db, viewer, "access_refused", object_type=what, object_id=pupil_id, pupil_id=pid)
