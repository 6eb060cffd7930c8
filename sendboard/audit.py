"""The audit trail: who signed in, who saw which pupil or class, who changed what.

Views are recorded outside any write transaction, so that looking at a page does not bump the data
version (and empty every cache). Changes are recorded with the same Writer as the change, so the audit
row and the change commit together or not at all.
"""
from __future__ import annotations

import json
from typing import Any

from .access import Viewer
from .db import Database, Writer, sql_for


def _row(actor: Viewer | str | None, action: str, *, object_type=None, object_id=None, pupil_id=None,
         group_id=None, detail: Any = None, old_value: Any = None, new_value: Any = None) -> dict:
    if isinstance(actor, Viewer):
        username, role = actor.username, actor.role
    else:
        username, role = actor, None

    def text(value):
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, default=str, sort_keys=True)

    return dict(username=username, role=role, action=action, object_type=object_type,
                object_id=None if object_id is None else str(object_id),
                pupil_id=None if pupil_id is None else int(pupil_id),
                group_id=None if group_id is None else int(group_id),
                detail=text(detail), old_value=text(old_value), new_value=text(new_value))


def record(db: Database, actor: Viewer | str | None, action: str, **fields) -> None:
    """Append one audit row now, in its own tiny transaction (autocommit)."""
    db.cursor().execute(sql_for("insert_audit"), _row(actor, action, **fields))


def record_change(writer: Writer, actor: Viewer | str | None, action: str, **fields) -> None:
    """Append one audit row inside the caller's write transaction."""
    writer.run("insert_audit", **_row(actor, action, **fields))
