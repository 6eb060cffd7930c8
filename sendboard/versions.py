"""No lost edits: every editable record (a passport, a support plan, a target, an allocation, a catalogue
entry) carries a version in ``edit_versions``. A form remembers the version it was opened at; the save
names it, and :func:`check_and_bump` (inside the save's own ``db.write``) refuses it if someone saved in
between, raising :class:`StaleEdit` with who changed it, when, and their values, so the page can show the
other person's change beside the text the person typed (which stays in the form). Saving again after
reading it is a deliberate overwrite: the form then holds the newer version.

Two saves at the same moment both update the same ``edit_versions`` row: DuckDB lets one commit and
reports a write conflict for the other, whose retry then finds the newer version and is refused.

Pages keep the version they opened with :func:`held` (in the session) and forget it after a successful
save with :func:`forget`; ``ui.stale_edit`` shows the refusal.
"""
from __future__ import annotations

import time
from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

import duckdb

from .db import ConflictError, Database, Writer

KINDS = {"passport": "passport", "support_plan": "plan", "plan_target": "target", "allocation": "allocation",
         "intervention": "catalogue entry", "plan_review": "review", "ehc_review": "review"}
SESSION_KEY = "_edit_versions"
ENSURE_ATTEMPTS = 50


class StaleEdit(ConflictError):
    """Someone else saved this record after the person opened it. The message is safe to show."""

    def __init__(self, kind: str, record_id, current: int, expected: int, changed_by: str | None,
                 changed_at: datetime | None, theirs: dict[str, Any] | None = None):
        self.kind, self.record_id, self.current, self.expected = kind, str(record_id), current, expected
        self.changed_by, self.changed_at, self.theirs = changed_by, changed_at, dict(theirs or {})
        who = changed_by or "someone else"
        when = f" at {changed_at:%H:%M on %d %B %Y}" if changed_at else ""
        super().__init__(f"Not saved: {who} changed this {KINDS.get(kind, kind)}{when}, after you opened it. "
                         "Your text is still in the form. Their version is shown below: compare the two, then save "
                         "again to replace theirs with yours.")


def current(db_or_writer, kind: str, record_id) -> tuple[int, str | None, datetime | None]:
    """(version, who saved it last, when); a record never saved through a versioned form is version 0."""
    run = db_or_writer.run if isinstance(db_or_writer, Writer) else db_or_writer.query_rows
    rows = run("integrity_version_get", kind=kind, record_id=str(record_id))
    if not rows:
        return 0, None, None
    version, by, at = rows[0]
    return int(version), by, at


def check_and_bump(writer: Writer, viewer, kind: str, record_id, expected: int | None,
                   theirs: dict[str, Any] | None = None) -> int:
    """Inside the save's transaction: refuse a save made from an older version, else move the record on
    one version. ``expected`` None means the caller has no form version (the command line, an import):
    the version still moves on, so open forms learn of the change. Returns the new version."""
    rows = writer.run("integrity_version_get", kind=kind, record_id=str(record_id))
    version, by, at = (int(rows[0][0]), rows[0][1], rows[0][2]) if rows else (0, None, None)
    if expected is not None and int(expected) != version:
        raise StaleEdit(kind, record_id, version, int(expected), by, at, theirs)
    # an UPDATE of the existing row (made by ensure): two saves at once conflict on it and one is retried
    writer.run("integrity_version_bump" if rows else "integrity_version_first", kind=kind, record_id=str(record_id),
               version=version + 1, changed_by=getattr(viewer, "username", None) or str(viewer))
    return version + 1


def ensure(db: Database, kind: str, record_id) -> None:
    """Make the record's version row exist (at 0) before a save's transaction, outside it. Two first saves
    at once then both update one existing row, which DuckDB reports as a write conflict (retried, then
    refused as stale) rather than as a duplicate key that would end the save with an error."""
    params = {"kind": kind, "record_id": str(record_id)}
    # Someone else's first save may be inserting the row at this moment: our insert then conflicts, and
    # the row is not yet visible. Wait until it is committed, or the transaction that follows would not
    # see it and would try to insert it again (a duplicate key at commit, not a clean refusal).
    for attempt in range(ENSURE_ATTEMPTS):
        try:
            db.run_unversioned("integrity_version_ensure", **params)
        except (duckdb.ConstraintException, duckdb.TransactionException):
            pass
        if db.query_rows("integrity_version_get", **params):
            return
        time.sleep(0.01 * (attempt + 1))


def held(db: Database, session: MutableMapping, kind: str, record_id) -> int:
    """The version this person's form was opened at: read once, then kept until :func:`forget`."""
    versions = session.setdefault(SESSION_KEY, {})
    key = f"{kind}:{record_id}"
    if key not in versions:
        versions[key] = current(db, kind, record_id)[0]
    return versions[key]


def forget(session: MutableMapping, kind: str, record_id) -> None:
    """After a successful save (or to load the newest version), the next form starts from what is stored."""
    session.setdefault(SESSION_KEY, {}).pop(f"{kind}:{record_id}", None)


def accept_theirs_seen(session: MutableMapping, exc: StaleEdit) -> None:
    """The person has been shown the other change: their next save may replace it."""
    session.setdefault(SESSION_KEY, {})[f"{exc.kind}:{exc.record_id}"] = exc.current
