"""Where a page's server time goes: one page run under cProfile, through Streamlit's AppTest.

    python -m sendboard.bench.profile data/bench/school.duckdb class_profile teacher5 [--warm teacher4]
        [--term-change] [--top 30] [--sort cumulative|tottime]

The process is warmed first (imports, and the same page run for ``--warm``'s user, so caches shared by
everyone are filled); then the page is run for the named user under cProfile, cold for that user, as the
first visit a person makes. ``--term-change`` profiles a term change on the page instead.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import time
from pathlib import Path

from .scales import BENCH_AS_OF


def profile_page(db_path: Path, page_key: str, username: str, warm: str | None, term_change: bool,
                 top: int, sort: str) -> str:
    os.environ["SENDBOARD_DB"] = str(db_path)
    os.environ["SENDBOARD_TODAY"] = BENCH_AS_OF.isoformat()
    from streamlit.testing.v1 import AppTest

    from ..access import PAGES_BY_KEY
    from ..app_db import open_database
    from ..auth import viewer_for

    root = Path(__file__).resolve().parent.parent.parent
    db = open_database(db_path)

    def app_for(user: str) -> AppTest:
        uid = db.scalar("security_user_id_by_username", username=user)
        at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=300)
        at.session_state["viewer"] = viewer_for(db, uid)
        at.run()
        return at

    path = PAGES_BY_KEY[page_key].path
    if warm:
        at = app_for(warm)
        at.switch_page(path)
        at.run()
    at = app_for(username)
    at.switch_page(path)
    if term_change:
        at.run()
        terms = [r[0] for r in db.query_rows("security_term_ids_from", on=BENCH_AS_OF)]
        at.session_state["term_id"] = terms[1]
    # cProfile sees only the thread it is enabled on, and the script runs on the script runner's own thread:
    # enable it there, around the run (AppTest reruns only the page, not the frame around it)
    from streamlit.runtime.scriptrunner import script_runner

    profiler = cProfile.Profile()
    original = script_runner.ScriptRunner._run_script

    def profiled(self, *a, **k):
        profiler.enable()
        try:
            return original(self, *a, **k)
        finally:
            profiler.disable()

    script_runner.ScriptRunner._run_script = profiled
    started = time.perf_counter()
    try:
        at.run()
    finally:
        script_runner.ScriptRunner._run_script = original
    seconds = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
    errors = [str(e.value) for e in at.exception]
    return f"{page_key} for {username}: {seconds * 1000:.0f} ms{' ERRORS ' + str(errors) if errors else ''}\n" \
           + out.getvalue()


def run_cpu(db_path: Path, page_key: str, usernames: list[str], root: Path | None = None) -> list[float]:
    """The thread CPU seconds of the page's run for each user in turn (a first visit each), without a
    profiler (whose own cost grows with every Python call). The first two users warm the process."""
    os.environ["SENDBOARD_DB"] = str(db_path)
    os.environ["SENDBOARD_TODAY"] = BENCH_AS_OF.isoformat()
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    from ..access import PAGES_BY_KEY
    from ..app_db import open_database
    from ..auth import viewer_for

    root = root or Path(__file__).resolve().parent.parent.parent
    db = open_database(db_path)
    spent: list[float] = []
    original = script_runner.ScriptRunner._run_script

    def timed(self, *a, **k):
        started = time.thread_time()
        try:
            return original(self, *a, **k)
        finally:
            spent.append(time.thread_time() - started)

    script_runner.ScriptRunner._run_script = timed
    out = []
    try:
        for user in usernames:
            at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=300)
            at.session_state["viewer"] = viewer_for(db, db.scalar("security_user_id_by_username", username=user))
            at.run()
            at.switch_page(PAGES_BY_KEY[page_key].path)
            at.run()
            if at.exception:
                raise RuntimeError(f"{page_key} for {user}: {[e.value for e in at.exception]}")
            out.append(spent[-1])
    finally:
        script_runner.ScriptRunner._run_script = original
    return out[2:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("page")
    parser.add_argument("user")
    parser.add_argument("--warm", help="run the page for this user first (fills the caches everyone shares)")
    parser.add_argument("--term-change", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--cpu", type=int, metavar="N",
                        help="instead of profiling: the page's run CPU for N more users named like USER with a "
                             "number (USER2, USER3, ...), after two warm-up visits; prints the median")
    args = parser.parse_args()
    if args.cpu:
        stem = args.user.rstrip("0123456789")
        users = [args.user, f"{stem}2"] + [f"{stem}{i}" for i in range(3, 3 + args.cpu)]
        seconds = run_cpu(args.db, args.page, users)
        print(f"{args.page}: thread CPU per run, median of {len(seconds)}: {statistics.median(seconds) * 1000:.1f} ms "
              f"(min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f}); load average {os.getloadavg()[0]:.1f}")
        return
    print(profile_page(args.db, args.page, args.user, args.warm, args.term_change, args.top, args.sort))


if __name__ == "__main__":
    main()
