"""Page and aggregation timings for ``sendboard bench`` (server time, through Streamlit's AppTest), each
run in a child process by :mod:`sendboard.bench.command`."""
from __future__ import annotations

import gc
import os
import resource
import statistics
import time
from pathlib import Path

from .scales import BENCH_AS_OF, LA_PAGES

# --------------------------------------------------------------------------- page timings


def _role_for(page) -> str:
    for role in ("head", "senco", "teacher", "governor", "trust", "admin"):
        if role in page.roles:
            return role
    raise ValueError(page.key)


def _memory() -> dict:
    """This process's resident memory now and at its peak (VmHWM), in MB (Linux; else getrusage)."""
    out = {"rss_mb": None, "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss_mb"] = round(int(line.split()[1]) / 1024)
            elif line.startswith("VmHWM:"):
                out["peak_rss_mb"] = round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def time_pages(db_path: Path, repeat: int, only: set[str] | None = None, scale: str = "school",
               all_at_la: bool = False) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    from ..access import PAGES
    from ..app_db import open_database
    from ..auth import viewer_for
    from ..db import close_all

    os.environ["SENDBOARD_DB"] = str(db_path)
    os.environ["SENDBOARD_TODAY"] = BENCH_AS_OF.isoformat()
    root = Path(__file__).resolve().parent.parent.parent
    db = open_database(db_path)
    terms = [r[0] for r in db.query_rows("security_term_ids_from", on=BENCH_AS_OF)]
    results = []
    for page in PAGES:
        if not (root / page.path).exists() or (only and page.key not in only):
            continue
        if scale == "la" and not only and not all_at_la and page.key not in LA_PAGES + ("home",):
            continue
        role = "trust" if (scale != "school" and "trust" in page.roles) else _role_for(page)
        user = db.query_rows("security_user_id_by_username", username=role)[:1]
        if not user:
            continue
        at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=600)
        at.session_state["viewer"] = viewer_for(db, user[0][0])
        at.session_state["term_id"] = terms[0]
        first, reruns, rerun_cpu, error = float("nan"), [], [], []
        try:
            at.run()
            at.switch_page(page.path)
            started = time.perf_counter()
            at.run()
            first = time.perf_counter() - started
            error = [str(e.value) for e in at.exception]
            for i in range(repeat):
                at.session_state["term_id"] = terms[(i + 1) % len(terms)]
                started, started_cpu = time.perf_counter(), time.process_time()
                at.run()
                reruns.append(time.perf_counter() - started)
                rerun_cpu.append(time.process_time() - started_cpu)  # every thread: on a shared machine, the work itself
                error += [str(e.value) for e in at.exception]
        except Exception as exc:  # a page that fails (or times out) is reported, and the bench goes on
            error.append(f"{type(exc).__name__}: {exc}")
        if not reruns:
            reruns = [float("nan")]
        results.append({
            "page": page.key, "role": role, "first_ms": round(first * 1000, 1),
            "rerun_median_ms": round(statistics.median(reruns) * 1000, 1),
            "rerun_p95_ms": round(_percentile(reruns, 0.95) * 1000, 1),
            "rerun_cpu_median_ms": round(statistics.median(rerun_cpu) * 1000, 1) if rerun_cpu else float("nan"),
            "errors": sorted(set(error))[:3],
            "rss_mb": _memory()["rss_mb"],
        })
        del at
        gc.collect()
    close_all()
    return results


# --------------------------------------------------------------------------- the trust lead's views


def time_trust_views(db_path: Path, repeat: int) -> list[dict]:
    """The trust lead's figures computed afresh (no cache), each at a different term's date in turn: the
    trust home, each theme of the side-by-side table (the page shows one at a time), and the trust board
    pack (figures, PDF and workbook)."""
    from .. import trust_compare, trust_pack
    from ..app_db import open_database
    from ..auth import viewer_for
    from ..db import close_all

    db = open_database(db_path)
    trust_uid = db.scalar("security_first_trust_user_id")
    if trust_uid is None:
        return []
    viewer = viewer_for(db, trust_uid)
    dates = [r[0] for r in db.query_rows("security_term_dates_from", on=BENCH_AS_OF)]
    jobs = {"trust home": lambda d: trust_compare.trust_home(db, viewer, d)}
    for theme in trust_compare.THEMES:
        jobs[f"side by side: {theme}"] = lambda d, theme=theme: trust_compare.side_by_side(db, viewer, d, d, theme)
    jobs["trust board pack (PDF and Excel)"] = lambda d: trust_pack.pack_files(db, viewer, d, d)
    built = {}  # the pack's figures, then its two files from them: where its time goes
    jobs["  the pack's figures"] = lambda d: built.__setitem__("pack", trust_pack.build_trust_pack(db, viewer, d, d))
    jobs["  the pack's PDF"] = lambda d: trust_pack.pdf_bytes(built["pack"])
    jobs["  the pack's workbook"] = lambda d: trust_pack.excel_bytes(built["pack"])
    results = []
    for name, job in jobs.items():
        times, cpu = [], []
        for i in range(max(1, repeat)):
            started, started_cpu = time.perf_counter(), time.process_time()
            job(dates[i % len(dates)])
            times.append(time.perf_counter() - started)
            # CPU time of this process (every thread, DuckDB's too): on a shared machine the wall time
            # also counts the time spent waiting for a core
            cpu.append(time.process_time() - started_cpu)
        results.append({"view": name, "median_ms": round(statistics.median(times) * 1000, 1),
                        "max_ms": round(max(times) * 1000, 1), "cpu_median_ms": round(statistics.median(cpu) * 1000, 1)})
    close_all()
    return results


# --------------------------------------------------------------------------- aggregations against pandas


def time_aggregations(db_path: Path, repeat: int) -> list[dict]:
    from ..app_db import open_database
    from ..baseline import AGGREGATIONS, load_frames
    from ..db import close_all

    db = open_database(db_path)
    started = time.perf_counter()
    frames = load_frames(db)
    load_seconds = time.perf_counter() - started
    frames_mb = round(sum(f.memory_usage(deep=True).sum() for f in frames.values()
                          if hasattr(f, "memory_usage")) / 2**20)
    results = []
    import pandas as pd

    for name, ours, theirs in AGGREGATIONS:
        try:  # both sides must give the same numbers, or the comparison means nothing
            pd.testing.assert_frame_equal(ours(db), theirs(frames), check_dtype=False, rtol=1e-9)
            same = True
        except AssertionError:
            same = False
        ours_times, theirs_times = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            ours(db)
            ours_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            theirs(frames)
            theirs_times.append(time.perf_counter() - started)
        o, t = statistics.median(ours_times), statistics.median(theirs_times)
        results.append({"aggregation": name, "pandas_load_s": round(load_seconds, 1), "pandas_frames_mb": frames_mb,
                        "sendboard_ms": round(o * 1000, 1), "pandas_ms": round(t * 1000, 1),
                        "speedup": round(t / o, 2) if o else None, "same_result": same})
    close_all()
    return results
