"""``sendboard bench``: the figures behind "speed is a feature".

For each scale (a school, a trust, a local authority) it builds or reuses a demo database with three
years of termly history, then times every page through Streamlit's AppTest: the first render, and
reruns after a filter change (a different term each time, so every rerun misses the cache), as median
and 95th percentile. It times the imports (where the import module offers a benchmark) and runs the
main aggregations both through sendboard and as plain pandas code over the same data, printing the
ratio. Results print as a table and are written as JSON.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

SCALES = {
    "school": {"pupils": 1200, "schools": 1},
    "trust": {"pupils": 15000, "schools": 20},
    "la": {"pupils": 250000, "schools": 120},
}
TARGET_MS = {"school": 300, "trust": 1000, "la": 2000}
LA_PAGES = ("overview", "identification")  # the pages the local-authority target names
BENCH_AS_OF = date(2026, 11, 23)
DEFAULT_DIR = Path("data/bench")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scales", default="school,trust,la", help="comma-separated: school, trust, la")
    parser.add_argument("--repeat", type=int, default=7, help="reruns per page (default 7)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DIR, help="where bench databases are kept")
    parser.add_argument("--out", type=Path, default=Path("bench-results/bench.json"))
    parser.add_argument("--pages", default="", help="only these page keys (comma-separated)")
    parser.add_argument("--rebuild", action="store_true", help="build the databases afresh")
    parser.add_argument("--skip-imports", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--concurrency", action="store_true",
                        help="also run the 20-browser class-profile and 10-session review benchmarks (school scale)")


# --------------------------------------------------------------------------- datasets


def dataset(scale: str, data_dir: Path, rebuild: bool = False) -> tuple[Path, float | None]:
    """The bench database for a scale, built in a child process (so this process's memory is the app's)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{scale}.duckdb"
    if path.exists() and not rebuild:
        return path, None
    spec = SCALES[scale]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sendboard", "demo", "--db", str(path), "--force",
                    "--pupils", str(spec["pupils"]), "--schools", str(spec["schools"]),
                    "--as-of", BENCH_AS_OF.isoformat(), "--phase", "secondary"], check=True)
    return path, time.perf_counter() - started


# --------------------------------------------------------------------------- page timings


def _role_for(page) -> str:
    for role in ("head", "senco", "teacher", "governor", "trust", "admin"):
        if role in page.roles:
            return role
    raise ValueError(page.key)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def time_pages(db_path: Path, repeat: int, only: set[str] | None = None, scale: str = "school") -> list[dict]:
    from streamlit.testing.v1 import AppTest

    from .access import PAGES
    from .auth import viewer_for
    from .db import close_all, open_database

    os.environ["SENDBOARD_DB"] = str(db_path)
    os.environ["SENDBOARD_TODAY"] = BENCH_AS_OF.isoformat()
    root = Path(__file__).resolve().parent.parent
    db = open_database(db_path)
    terms = [r[0] for r in db.cursor().execute(
        "SELECT term_id FROM terms WHERE start_date <= $d ORDER BY term_id DESC", {"d": BENCH_AS_OF}).fetchall()]
    results = []
    for page in PAGES:
        if not (root / page.path).exists() or (only and page.key not in only):
            continue
        if scale == "la" and not only and page.key not in LA_PAGES + ("home",):
            continue
        role = "trust" if (scale != "school" and "trust" in page.roles) else _role_for(page)
        user = db.cursor().execute("SELECT user_id FROM users WHERE username = $u", {"u": role}).fetchone()
        if user is None:
            continue
        at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=600)
        at.session_state["viewer"] = viewer_for(db, user[0])
        at.session_state["term_id"] = terms[0]
        at.run()
        at.switch_page(page.path)
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        error = [str(e.value) for e in at.exception]
        reruns = []
        for i in range(repeat):
            at.session_state["term_id"] = terms[(i + 1) % len(terms)]
            started = time.perf_counter()
            at.run()
            reruns.append(time.perf_counter() - started)
            error += [str(e.value) for e in at.exception]
        results.append({
            "page": page.key, "role": role, "first_ms": round(first * 1000, 1),
            "rerun_median_ms": round(statistics.median(reruns) * 1000, 1),
            "rerun_p95_ms": round(_percentile(reruns, 0.95) * 1000, 1),
            "errors": sorted(set(error))[:3],
        })
        gc.collect()
    close_all()
    return results


# --------------------------------------------------------------------------- aggregations against pandas


def time_aggregations(db_path: Path, repeat: int) -> list[dict]:
    from .baseline import AGGREGATIONS, load_frames

    from .db import close_all, open_database

    db = open_database(db_path)
    frames = load_frames(db)
    results = []
    for name, ours, theirs in AGGREGATIONS:
        ours_times, theirs_times = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            ours(db)
            ours_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            theirs(frames)
            theirs_times.append(time.perf_counter() - started)
        o, t = statistics.median(ours_times), statistics.median(theirs_times)
        results.append({"aggregation": name, "sendboard_ms": round(o * 1000, 1), "pandas_ms": round(t * 1000, 1),
                        "speedup": round(t / o, 1) if o else None})
    close_all()
    return results


# --------------------------------------------------------------------------- the command


def _machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}


def _print_pages(scale: str, rows: list[dict]) -> None:
    target = TARGET_MS[scale]
    print(f"\n{scale}: page server time (ms), target rerun median < {target}")
    print(f"  {'page':<22}{'role':<10}{'first':>9}{'median':>9}{'p95':>9}  ok")
    for r in rows:
        ok = "yes" if r["rerun_median_ms"] < target and not r["errors"] else "NO"
        print(f"  {r['page']:<22}{r['role']:<10}{r['first_ms']:>9.0f}{r['rerun_median_ms']:>9.0f}{r['rerun_p95_ms']:>9.0f}  {ok}"
              + (f"  errors: {r['errors']}" if r["errors"] else ""))


def run(args: argparse.Namespace) -> int:
    report = {"machine": _machine(), "as_of": BENCH_AS_OF.isoformat(), "scales": {}}
    only = {p for p in args.pages.split(",") if p} or None
    for scale in [s for s in args.scales.split(",") if s]:
        path, build_seconds = dataset(scale, args.data_dir, args.rebuild)
        entry = {"pupils": SCALES[scale]["pupils"], "schools": SCALES[scale]["schools"], "database": str(path),
                 "build_seconds": None if build_seconds is None else round(build_seconds, 1)}
        entry["pages"] = time_pages(path, args.repeat, only, scale)
        _print_pages(scale, entry["pages"])
        entry["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
        print(f"  peak memory of this process so far: {entry['peak_rss_mb']:.0f} MB (target at la scale < 1536)")
        if not args.skip_baseline and scale in ("trust", "la", "school"):
            entry["aggregations"] = time_aggregations(path, max(3, args.repeat // 2))
            print(f"  aggregations: sendboard vs plain pandas (target at trust and la: at least 5x)")
            for r in entry["aggregations"]:
                print(f"    {r['aggregation']:<28}{r['sendboard_ms']:>9.1f} ms {r['pandas_ms']:>9.1f} ms  x{r['speedup']}")
        report["scales"][scale] = entry
    if not args.skip_imports:
        try:
            from .importers.bench import bench_imports
        except ImportError:
            report["imports"] = "the import benchmark is not available in this copy"
        else:
            report["imports"] = bench_imports(args.data_dir / "imports")
            print("\nimports:", json.dumps(report["imports"], indent=2))
    if args.concurrency:
        from .bench_browser import run_concurrency

        path, _ = dataset("school", args.data_dir, False)
        report["concurrency"] = run_concurrency(path)
        print("\nconcurrency:", json.dumps(report["concurrency"], indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwritten to {args.out}")
    return 0
