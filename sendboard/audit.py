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
import threading
import weakref
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


def append_entries(w: Writer, entries: list[tuple[dict, list[int]]]) -> list[int]:
    """Append several entries, in the order given, inside the writer's open transaction: the same links,
    hashes and pupil rows as :func:`append_entry` once for each, in five statements for the whole batch
    (the chain's head and the new ids, the entries, their links, their pupils, the chain's advance)."""
    if not entries:
        return []
    start = w.run("audit_batch_start", n=len(entries))
    prev_hash = start[0][0]
    ids = sorted(int(r[1]) for r in start)  # the chain runs in id order, as verify() walks it
    logged_at = start[0][2]
    prev_hashes, digests = [], []
    for audit_id, (row, seen) in zip(ids, entries):
        digest = entry_hash(audit_id, logged_at, row, seen, prev_hash)
        prev_hashes.append(prev_hash)
        digests.append(digest)
        prev_hash = digest
    rows = [row for row, _ in entries]
    w.run("audit_batch_insert", audit_ids=ids, logged_ats=[logged_at] * len(ids),
          **{f"{field}s": [r[field] for r in rows] for field in _FIELDS})
    w.run("audit_batch_links_insert", audit_ids=ids, prev_hashes=prev_hashes, entry_hashes=digests)
    seen_ids = [audit_id for audit_id, (_, seen) in zip(ids, entries) for _ in seen]
    if seen_ids:
        w.run("audit_batch_pupils_seen_insert", audit_ids=seen_ids,
              pupil_ids=[p for _, seen in entries for p in seen])
    w.run("audit_chain_advance", audit_id=ids[-1], entry_hash=prev_hash)
    return ids


class _Pending:
    """One entry waiting to be appended by whichever thread next holds the write lock."""

    __slots__ = ("row", "seen", "audit_id", "error", "done")

    def __init__(self, row: dict, seen: list[int]):
        self.row, self.seen = row, seen
        self.audit_id: int | None = None
        self.error: BaseException | None = None
        self.done = False


class _Queue:
    def __init__(self):
        self.lock = threading.Lock()
        self.items: list[_Pending] = []


_QUEUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_QUEUES_LOCK = threading.Lock()


def _queue_for(db: Database) -> _Queue:
    with _QUEUES_LOCK:
        queue = _QUEUES.get(db)
        if queue is None:
            queue = _QUEUES[db] = _Queue()
        return queue


def _write_batch(db: Database, batch: list[_Pending]) -> None:
    """Append a batch in one short transaction; if it fails, each entry on its own, so that one entry's
    failure is its own and not its neighbours'. Every entry of the batch is marked done either way."""
    def work(w: Writer) -> list[int]:
        if len(batch) == 1:  # alone: the one-entry statements, cheaper to bind than the batch's lists
            return [append_entry(w, batch[0].row, batch[0].seen)]
        return append_entries(w, [(e.row, e.seen) for e in batch])

    try:
        try:
            ids = db.write_unversioned(work, retries=_APPEND_RETRIES - 1)
            for entry, audit_id in zip(batch, ids):
                entry.audit_id = audit_id
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error = exc
                return
            for entry in batch:
                try:
                    entry.audit_id = db.write_unversioned(
                        lambda w, e=entry: append_entry(w, e.row, e.seen), retries=_APPEND_RETRIES - 1)
                except Exception as one:
                    entry.error = one
    finally:
        for entry in batch:
            if entry.audit_id is None and entry.error is None:  # interrupted: its owner must not carry on
                entry.error = RuntimeError("the audit entry was not written")
            entry.done = True


def record(db: Database, actor: Viewer | str | None, action: str, *, pupils: Iterable | None = None, **fields) -> int:
    """Append one audit entry now, in its own short transaction, and return its id once it is committed.
    ``pupils``: the ids of every pupil the view or download showed. Takes the process's write lock, so it
    never races a write in this process; a conflict with another connection is retried.

    Entries recorded while another is being written wait in a queue, and the next thread to hold the lock
    appends every waiting entry in one transaction (five statements for the batch, chained in order): in a
    staff meeting thirty class-profile views are written in a few transactions instead of thirty, each
    holding the lock for less time. Every caller still returns only after its own entry is committed, so
    a view is on record before the page shows anything further."""
    row = _row(actor, action, **fields)
    seen = _pupils_seen(row, fields.get("detail"), pupils)
    writer = db.open_writer()
    if writer is not None:  # called inside this thread's open write: the entry commits (or not) with it
        return append_entry(writer, row, seen)
    entry = _Pending(row, seen)
    queue = _queue_for(db)
    with queue.lock:
        queue.items.append(entry)
    with db.write_lock():
        if not entry.done:  # nobody has taken it yet: this thread writes it and everything waiting with it
            with queue.lock:
                batch, queue.items = queue.items, []
            _write_batch(db, batch)
    if entry.error is not None:
        raise entry.error
    return int(entry.audit_id)


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
