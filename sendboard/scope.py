"""Who is asking, and on which day: the :class:`Scope` every pupil-level read is bound to, and the one
question every pupil-level check asks: may this viewer see this pupil today?

A ``Scope`` (the signed-in :class:`~sendboard.access.Viewer` and the real date of the run) is made once
per page run by ``ui.page_context`` (``ctx.scope``), or by the command line and tests where they act for a
person. The data layer binds it: a named statement whose SQL names ``$viewer_id`` or ``$today`` takes
them from the scope it is given, refuses to run without one, and refuses either passed by hand, so no
caller can widen a query by passing another person's id or another day.

Row-level scope is SQL (the ``visible_pupils`` / ``visible_groups`` / ``visible_schools`` macros, last
defined in migrations/024_security.sql). This module is the one Python door to it for a single pupil, so a
page or module that must refuse a pupil never writes its own check: it calls :func:`may_see_pupil`, and
:func:`refuse_pupil` when the answer is no (tests/test_security_scope.py fails on a second definition).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from . import audit
from .access import Viewer
from .db import BoundScope, Database


@dataclass(frozen=True)
class Scope(BoundScope):
    """The viewer a query answers to and the date of the run ("today" of the scope macros). Frozen and
    hashable: it is part of every cached call's key, so two people never share a cached answer."""

    viewer: Viewer
    today: date

    def __post_init__(self):
        if not isinstance(self.viewer, Viewer):
            raise TypeError(f"a Scope needs the signed-in Viewer, not {type(self.viewer).__name__}")
        if not isinstance(self.today, date) or isinstance(self.today, datetime):
            raise TypeError(f"a Scope's today must be a date, not {self.today!r}")


def may_see_pupil(db: Database, scope: Scope, pupil_id, *, school_id: int | None = None) -> bool:
    """True if the pupil is one the scope's viewer may see on its day (and, when given, on the roll of that school).
    A governor or administrator never sees a pupil; an id that is not a whole number is never visible."""
    if not isinstance(scope, Scope) or not scope.viewer.sees_pupils:
        return False
    try:
        pid = int(pupil_id)
    except (TypeError, ValueError):
        return False
    if isinstance(pupil_id, bool) or not -2**31 < pid < 2**31:
        return False
    return bool(db.scalar("scope_pupil_visible", scope=scope, pupil_id=pid,
                          school_id=None if school_id is None else int(school_id)))


def refuse_pupil(db: Database, viewer: Viewer, pupil_id, what: str) -> None:
    """Record an attempt to reach a pupil the viewer may not see ('access_refused', with what was asked for)."""
    try:
        pid = int(pupil_id)
    except (TypeError, ValueError):
        pid = None
    audit.record(db, viewer, "access_refused", object_type=what, object_id=pupil_id, pupil_id=pid)
