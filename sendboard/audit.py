"""The audit trail: who signed in, who saw which pupil or class, who changed what.

Views are recorded outside any write transaction, so that looking at a page does not bump the data
version (and empty every cache). Changes are recorded with the same Writer as the change, so the audit
row and the change commit together or not at all.

The log is tamper-evident. Each entry has a link (``audit_links``) holding ``entry_hash`` = SHA-256 of :func:`canonical` (its id,
time, every field, the sorted ids of the pupils it showed, and ``prev_hash``, the hash of the entry
before it). Editing, deleting, inserting or reordering any entry breaks the chain from there on, and
:func:`verify` names the first broken link. Appends are serialised by the one-row ``audit_chain``
table: every append updates it, so two appends at once conflict and one is retried.

"Who saw this pupil" is answered by ``audit_pupils_seen``: one row per pupil an entry showed (a view
of a list, a download, a passport), written with the entry and covered by its hash.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .access import Viewer
from .db import Database, Writer

GENESIS_HASH = "0" * 64
_INT32 = 2**31 - 1
_APPEND_RETRIES = 20


def _as_id(value) -> int | None:
    """A pupil or group id as stored, or None if the value is not one (a crafted ?pupil_id=...)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if -_INT32 <= number <= _INT32 else None


def _text(value):
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, default=str, sort_keys=True)


def _row(actor: Viewer | str | None, action: str, *, object_type=None, object_id=None, pupil_id=None,
         group_id=None, detail: Any = None, old_value: Any = None, new_value: Any = None) -> dict:
    if isinstance(actor, Viewer):
        username, role = actor.username, actor.role
    else:
        username, role = (None if actor is None else str(actor)[:200]), None
    # A malformed id is kept as given (cut short) in the detail, never allowed to make the insert fail:
    # a probe with a crafted id must still be recorded.
    malformed = {}
    for name, value in (("pupil_id", pupil_id), ("group_id", group_id)):
        if value is not None and _as_id(value) is None:
            malformed[f"{name}_given"] = str(value)[:200]
    if malformed:
        detail = {"detail": detail, **malformed} if detail is not None else malformed
    return dict(username=username, role=role, action=action, object_type=object_type,
                object_id=None if object_id is None else str(object_id)[:500],
                pupil_id=_as_id(pupil_id), group_id=_as_id(group_id),
                detail=_text(detail), old_value=_text(old_value), new_value=_text(new_value))


def _pupils_seen(row: dict, detail: Any, pupils: Iterable | None) -> list[int]:
    """Every pupil id the entry is about: its pupil_id, an explicit list, and a list under detail["pupils"]."""
    found = set()
    if row["pupil_id"] is not None:
        found.add(row["pupil_id"])
    candidates = list(pupils or [])
    if isinstance(detail, dict) and isinstance(detail.get("pupils"), (list, tuple)):
        candidates += list(detail["pupils"])
    for value in candidates:
        number = _as_id(value)
        if number is not None:
            found.add(number)
    return sorted(found)


def pupil_ids(*frames) -> list[int]:
    """The distinct pupil ids in the frames that have a pupil_id column: what a list view or download showed."""
    found = set()
    for frame in frames:
        if frame is not None and "pupil_id" in getattr(frame, "columns", ()):
            found.update(int(v) for v in frame["pupil_id"].dropna().unique())
    return sorted(found)


_FIELDS = ("username", "role", "action", "object_type", "object_id", "pupil_id", "group_id", "detail",
           "old_value", "new_value")


def canonical(audit_id: int, logged_at, row: dict, pupils_seen: list[int], prev_hash: str) -> str:
    """The exact text an entry's hash covers: JSON of its id, time (ISO, microseconds), fields in a fixed
    order, sorted pupil ids and the previous entry's hash."""
    stamp = logged_at.isoformat(sep=" ", timespec="microseconds") if logged_at is not None else None
    return json.dumps([int(audit_id), stamp, *[row.get(f) for f in _FIELDS], list(pupils_seen), prev_hash],
                      ensure_ascii=False, separators=(",", ":"))


def entry_hash(audit_id: int, logged_at, row: dict, pupils_seen: list[int], prev_hash: str) -> str:
    return hashlib.sha256(canonical(audit_id, logged_at, row, pupils_seen, prev_hash).encode("utf-8")).hexdigest()


def append_entry(w: Writer, row: dict, pupils_seen: list[int], *, audit_id: int | None = None,
                 logged_at=None) -> int:
    """Append one entry inside the writer's open transaction: link it to the chain's last hash, write the
    pupils it showed, and advance the chain (the update that makes concurrent appends conflict).
    ``audit_id``/``logged_at`` are given only by a restore carrying later entries over with their ids."""
    prev_hash, = w.run("audit_chain_head")[0]
    if audit_id is None:
        audit_id, logged_at = w.run("audit_next_id")[0]
    digest = entry_hash(audit_id, logged_at, row, pupils_seen, prev_hash)
    w.run("insert_audit", **row, audit_id=audit_id, logged_at=logged_at)
    w.run("audit_link_insert", audit_id=audit_id, prev_hash=prev_hash, entry_hash=digest)
    if pupils_seen:
        w.run("audit_pupil_seen_insert", audit_id=audit_id, pupil_ids=pupils_seen)
    w.run("audit_chain_advance", audit_id=audit_id, entry_hash=digest)
    return int(audit_id)


def record(db: Database, actor: Viewer | str | None, action: str, *, pupils: Iterable | None = None, **fields) -> int:
    """Append one audit entry now, in its own short transaction. ``pupils``: the ids of every pupil the
    view or download showed. Takes the process's write lock, so it never races a write in this process;
    a conflict with another connection is retried."""
    row = _row(actor, action, **fields)
    seen = _pupils_seen(row, fields.get("detail"), pupils)
    writer = db.open_writer()
    if writer is not None:  # called inside this thread's open write: the entry commits (or not) with it
        return append_entry(writer, row, seen)
    return db.write_unversioned(lambda w: append_entry(w, row, seen), retries=_APPEND_RETRIES - 1)


def record_change(writer: Writer, actor: Viewer | str | None, action: str, *, pupils: Iterable | None = None,
                  **fields) -> int:
    """Append one audit entry inside the caller's write transaction."""
    row = _row(actor, action, **fields)
    return append_entry(writer, row, _pupils_seen(row, fields.get("detail"), pupils))


# --------------------------------------------------------------------------- verification


@dataclass
class ChainReport:
    entries: int            # entries in the log
    chained: int            # entries covered by the chain
    unchained: int          # entries written before the chain began (before migration 020)
    broken_at: int | None   # audit_id of the first entry whose link does not hold, if any
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def message(self) -> str:
        if self.ok:
            text = f"The audit log's chain holds: {self.chained:,} entries checked, none changed, removed or reordered."
            if self.unchained:
                text += f" {self.unchained:,} earlier entries predate the chain and cannot be checked."
            return text
        return (f"The audit log has been altered: the chain breaks at entry {self.broken_at} ({self.reason}). "
                "Entries from there on cannot be trusted; keep this database as evidence and restore the last "
                "good backup into a new file to compare.")


def verify(db: Database) -> ChainReport:
    """Recompute every link of the chain, in id order, and report the first that does not hold."""
    chained_after, last_id, last_hash, total, unchained = db.query_rows("audit_chain_state")[0]
    total, unchained = int(total), int(unchained)
    seen: dict[int, list[int]] = {}
    for audit_id, pupil in db.query_rows("audit_pupils_seen_all", after=chained_after):
        seen.setdefault(int(audit_id), []).append(int(pupil))
    expected_prev = GENESIS_HASH
    checked = 0
    prev_id = None
    for batch in db.stream_rows("audit_chained_entries", batch=5000, after=chained_after):
        for record_ in batch:
            audit_id, logged_at = record_[0], record_[1]
            row = dict(zip(_FIELDS, record_[2:2 + len(_FIELDS)]))
            prev_hash, stored = record_[-2], record_[-1]
            if stored is None:
                return ChainReport(total, checked, unchained, int(audit_id), "it has no link: it was added outside sendboard")
            if prev_hash != expected_prev:
                why = ("an entry before it was removed or changed" if prev_id is not None
                       else "the first chained entry does not start the chain")
                return ChainReport(total, checked, unchained, int(audit_id), why)
            if stored != entry_hash(audit_id, logged_at, row, seen.get(int(audit_id), []), prev_hash):
                return ChainReport(total, checked, unchained, int(audit_id), "its contents were changed")
            expected_prev, prev_id = stored, int(audit_id)
            checked += 1
    if (prev_id or chained_after) != last_id or expected_prev != last_hash:
        return ChainReport(total, checked, unchained, int(last_id),
                           "the last entries were removed (the chain's end no longer matches)")
    stray = db.scalar("audit_stray_pupils_seen")
    if stray is not None:
        return ChainReport(total, checked, unchained, int(stray), "a pupil-seen row belongs to no entry")
    stray = db.scalar("audit_stray_links")
    if stray is not None:
        return ChainReport(total, checked, unchained, int(stray), "a link belongs to an entry that was removed")
    return ChainReport(total, checked, unchained, None, None)
