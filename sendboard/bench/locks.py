"""Does the audit log's write lock hold a staff meeting up? Thirty threads stand for thirty class-profile
runs: each does some Python work, appends one audit entry (as ``ui.audit_view`` does) and does some more.
The same is run without the entries; if the lock lengthened the burst, the first would take longer.

    python -m sendboard.bench.locks data/bench/school.duckdb [--sessions 30] [--work 0.16]

The entries are written to a copy of the database (a temporary file), never to the one named.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _busy(seconds: float) -> None:
    """Python work holding Python's lock, as a page run's own code does."""
    started = time.thread_time()
    while time.thread_time() - started < seconds:
        sum(range(1000))


def burst(db, viewer, sessions: int, work: float, with_audit: bool) -> dict:
    from .. import audit

    waits: list[float] = []

    def session() -> None:
        _busy(work / 2)
        if with_audit:
            started = time.perf_counter()
            audit.record(db, viewer, "view", object_type="class_profile", object_id=0, detail={"bench": "locks"})
            waits.append(time.perf_counter() - started)
        _busy(work / 2)

    started = time.perf_counter()
    threads = [threading.Thread(target=session) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {"with_audit": with_audit, "seconds": round(time.perf_counter() - started, 2)}
    if waits:
        out.update(entry_median_s=round(statistics.median(waits), 3), entry_max_s=round(max(waits), 3))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--work", type=float, default=0.16, help="CPU seconds of Python work per session")
    args = parser.parse_args()
    from ..app_db import open_database
    from ..auth import viewer_for

    folder = Path(tempfile.mkdtemp(prefix="sendboard-locks-"))
    try:
        copy = folder / "copy.duckdb"
        shutil.copyfile(args.db, copy)
        db = open_database(copy)
        viewer = viewer_for(db, db.scalar("security_user_id_by_username", username="teacher"))
        print({"load_average_at_start": [round(x, 2) for x in os.getloadavg()]})
        for with_audit in (True, False, False, True):  # alternated: the load moves between runs
            print(burst(db, viewer, args.sessions, args.work, with_audit))
        db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
