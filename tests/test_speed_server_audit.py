"""Audit entries recorded at the same moment (a staff meeting's class-profile views) are queued and appended
together, in one transaction per batch: none is lost, each caller gets its own committed id, and the hash
chain holds exactly as when they were appended one by one."""
import threading
import time

import pytest

from sendboard import audit


def _wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def _record_at_once(db, viewer, count: int, action=lambda i: "view") -> tuple[dict[int, int], dict[int, BaseException]]:
    """``count`` threads record a view each while this thread holds the write lock; once every entry is
    queued the lock is released, so the first thread to take it writes them all together."""
    ids: dict[int, int] = {}
    errors: dict[int, BaseException] = {}

    def one(i: int) -> None:
        try:
            ids[i] = audit.record(db, viewer, action(i), object_type="class_profile", object_id=100 + i,
                                  group_id=100 + i, detail={"pupils": [i + 1, i + 2]})
        except BaseException as exc:  # the test looks at it
            errors[i] = exc

    queue = audit._queue_for(db)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    with db.write_lock():
        for t in threads:
            t.start()
        _wait_for(lambda: len(queue.items) == count, f"{count} entries queued")
    for t in threads:
        t.join(timeout=120)
    return ids, errors


def _entries(db, ids):
    return db.cursor().execute(
        "SELECT a.audit_id, a.logged_at, a.object_id, l.prev_hash, l.entry_hash FROM audit_log a "
        "JOIN audit_links l USING (audit_id) WHERE a.audit_id IN (SELECT unnest($ids::BIGINT[])) ORDER BY a.audit_id",
        {"ids": sorted(ids)}).fetchall()


def test_entries_queued_together_are_written_in_one_transaction_and_chained(fixture_db, viewers):
    before = audit.verify(fixture_db).entries
    ids, errors = _record_at_once(fixture_db, viewers["teacher"], 12)
    assert not errors
    assert len(ids) == 12 and len(set(ids.values())) == 12  # each caller its own id, none shared or lost
    rows = _entries(fixture_db, ids.values())
    assert len(rows) == 12
    assert len({r[1] for r in rows}) == 1  # one transaction's time: written as one batch
    for earlier, later in zip(rows, rows[1:]):
        assert later[3] == earlier[4]  # each links to the one before it, in id order
    for i, audit_id in ids.items():  # each caller's id is the entry it asked for, with its pupils
        assert next(r for r in rows if r[0] == audit_id)[2] == str(100 + i)
        seen = fixture_db.cursor().execute("SELECT list(pupil_id ORDER BY pupil_id) FROM audit_pupils_seen "
                                           "WHERE audit_id = $a", {"a": audit_id}).fetchone()[0]
        assert seen == [i + 1, i + 2]
    report = audit.verify(fixture_db)
    assert report.ok and report.entries == before + 12 and report.chained == report.entries


def test_a_batch_and_single_entries_make_one_chain_with_what_came_before_and_after(fixture_db, viewers):
    first = audit.record(fixture_db, viewers["head"], "view", object_type="overview", detail={"pupils": [1]})
    ids, errors = _record_at_once(fixture_db, viewers["teacher"], 5)
    last = audit.record(fixture_db, viewers["head"], "view", object_type="overview", pupil_id=2)
    assert not errors
    rows = _entries(fixture_db, [first, *ids.values(), last])
    assert [r[0] for r in rows] == sorted([first, *ids.values(), last])
    for earlier, later in zip(rows, rows[1:]):
        assert later[3] == earlier[4]
    assert audit.verify(fixture_db).ok


def test_an_entry_that_cannot_be_written_fails_alone_and_its_neighbours_are_kept(fixture_db, viewers, monkeypatch):
    real_batch, real_one = audit.append_entries, audit.append_entry

    def batch_refusing_the_bad_one(w, entries):
        if any(row["action"] == "bad" for row, _ in entries):
            raise RuntimeError("this entry cannot be written")
        return real_batch(w, entries)

    def one_refusing_the_bad_one(w, row, seen, **kwargs):
        if row["action"] == "bad":
            raise RuntimeError("this entry cannot be written")
        return real_one(w, row, seen, **kwargs)

    monkeypatch.setattr(audit, "append_entries", batch_refusing_the_bad_one)
    monkeypatch.setattr(audit, "append_entry", one_refusing_the_bad_one)
    ids, errors = _record_at_once(fixture_db, viewers["teacher"], 6, action=lambda i: "bad" if i == 3 else "view")
    assert set(errors) == {3} and "cannot be written" in str(errors[3])
    assert sorted(ids) == [0, 1, 2, 4, 5]
    assert len(_entries(fixture_db, ids.values())) == 5
    assert audit.verify(fixture_db).ok


@pytest.mark.parametrize("sessions", [24])
def test_views_recorded_from_many_threads_at_once_are_all_chained(fixture_db, viewers, sessions):
    """No orchestration: threads record as they come, as page runs do; every entry is written and chained."""
    before = audit.verify(fixture_db).entries
    ids: list[int] = []
    start = threading.Barrier(sessions)

    def one(i: int) -> None:
        start.wait()
        ids.append(audit.record(fixture_db, viewers["teacher"], "view", object_type="class_profile",
                                group_id=i + 1, detail={"pupils": [i + 1]}))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(set(ids)) == sessions
    report = audit.verify(fixture_db)
    assert report.ok and report.entries == before + sessions
