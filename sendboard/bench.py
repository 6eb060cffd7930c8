"""``sendboard bench``: the figures behind "speed is a feature".

For each scale (a school, a trust, a local authority) it builds or reuses a demo database with three
years of termly history, then times every page through Streamlit's AppTest: the first render, and
reruns after a filter change (a different term each time, so every rerun misses the cache), as median
and 95th percentile. It times the imports (where the import module offers a benchmark) and runs the
main aggregations both through sendboard and as plain pandas code over the same data, printing the
ratio. Results print as a table and are written as JSON.

Each measurement runs in its own child process with a time limit (``--timeout``), so one scale's
memory cannot inflate another's figure and a slow page cannot hold the bench for ever. The page worker
reports its own peak resident memory (VmHWM) after rendering: that is the app's memory for that
scale (the dataset is built in yet another process, so building does not count).
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
    parser.add_argument("--markdown", type=Path, nargs="+", metavar="JSON",
                        help="print the tables of earlier results (JSON files written by this command) as markdown")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed for each child process")
    parser.add_argument("--all-pages-at-la", action="store_true",
                        help="time every page at la scale too (default: home, overview, identification)")
    # internal: run one measurement in this (child) process and write its JSON to --worker-out
    parser.add_argument("--worker", choices=("pages", "aggregations", "imports"), help=argparse.SUPPRESS)
    parser.add_argument("--worker-db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-scale", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)


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

    from .access import PAGES
    from .auth import viewer_for
    from .db import close_all, open_database

    os.environ["SENDBOARD_DB"] = str(db_path)
    os.environ["SENDBOARD_TODAY"] = BENCH_AS_OF.isoformat()
    root = Path(__file__).resolve().parent.parent
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
        first, reruns, error = float("nan"), [], []
        try:
            at.run()
            at.switch_page(page.path)
            started = time.perf_counter()
            at.run()
            first = time.perf_counter() - started
            error = [str(e.value) for e in at.exception]
            for i in range(repeat):
                at.session_state["term_id"] = terms[(i + 1) % len(terms)]
                started = time.perf_counter()
                at.run()
                reruns.append(time.perf_counter() - started)
                error += [str(e.value) for e in at.exception]
        except Exception as exc:  # a page that fails (or times out) is reported, and the bench goes on
            error.append(f"{type(exc).__name__}: {exc}")
        if not reruns:
            reruns = [float("nan")]
        results.append({
            "page": page.key, "role": role, "first_ms": round(first * 1000, 1),
            "rerun_median_ms": round(statistics.median(reruns) * 1000, 1),
            "rerun_p95_ms": round(_percentile(reruns, 0.95) * 1000, 1),
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
    from . import trust_compare, trust_pack
    from .auth import viewer_for
    from .db import close_all, open_database

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
    results = []
    for name, job in jobs.items():
        times = []
        for i in range(max(1, repeat if "pack" not in name else min(repeat, 3))):
            started = time.perf_counter()
            job(dates[i % len(dates)])
            times.append(time.perf_counter() - started)
        results.append({"view": name, "median_ms": round(statistics.median(times) * 1000, 1),
                        "max_ms": round(max(times) * 1000, 1)})
    close_all()
    return results


# --------------------------------------------------------------------------- aggregations against pandas


def time_aggregations(db_path: Path, repeat: int) -> list[dict]:
    from .baseline import AGGREGATIONS, load_frames
    from .db import close_all, open_database

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


# --------------------------------------------------------------------------- the command


def _machine() -> dict:
    import duckdb
    import pandas
    import streamlit

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "duckdb": duckdb.__version__, "streamlit": streamlit.__version__, "pandas": pandas.__version__,
            "load_average_at_start": [round(x, 1) for x in os.getloadavg()]}


def _print_pages(scale: str, rows: list[dict]) -> None:
    target = TARGET_MS[scale]
    print(f"\n{scale}: page server time (ms), target rerun median < {target}")
    print(f"  {'page':<22}{'role':<10}{'first':>9}{'median':>9}{'p95':>9}  ok")
    for r in rows:
        ok = "yes" if r["rerun_median_ms"] < target and not r["errors"] else "NO"
        print(f"  {r['page']:<22}{r['role']:<10}{r['first_ms']:>9.0f}{r['rerun_median_ms']:>9.0f}{r['rerun_p95_ms']:>9.0f}  {ok}"
              + (f"  errors: {r['errors']}" if r["errors"] else ""))


def _child(kind: str, args: argparse.Namespace, *, db: Path | None = None, scale: str | None = None) -> dict:
    """Run one measurement in a child process (bounded by --timeout) and return its JSON."""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out = args.out.parent / f".worker-{kind}-{scale or 'all'}-{os.getpid()}.json"
    cmd = [sys.executable, "-m", "sendboard", "bench", "--worker", kind, "--worker-out", str(out),
           "--repeat", str(args.repeat), "--pages", args.pages, "--data-dir", str(args.data_dir)]
    if db is not None:
        cmd += ["--worker-db", str(db), "--worker-scale", scale]
    if args.all_pages_at_la:
        cmd.append("--all-pages-at-la")
    env = dict(os.environ, SENDBOARD_TODAY=BENCH_AS_OF.isoformat(), PYTHONWARNINGS="ignore")
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, timeout=args.timeout, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout} s"}
    if proc.returncode != 0 or not out.exists():
        tail = "\n".join(line for line in proc.stdout.splitlines() if "ScriptRunContext" not in line)[-2000:]
        return {"error": f"worker exited {proc.returncode}", "output": tail}
    result = json.loads(out.read_text())
    out.unlink()
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def _worker(args: argparse.Namespace) -> int:
    """The child side of :func:`_child`."""
    os.environ["SENDBOARD_TODAY"] = BENCH_AS_OF.isoformat()
    if args.worker == "pages":
        only = {p for p in args.pages.split(",") if p} or None
        started = time.perf_counter()
        pages = time_pages(args.worker_db, args.repeat, only, args.worker_scale, args.all_pages_at_la)
        result = {"pages": pages, "memory": _memory(), "seconds": round(time.perf_counter() - started, 1)}
        if args.worker_scale == "trust" and (only is None or "trust" in only):
            result["trust_views"] = time_trust_views(args.worker_db, args.repeat)
    elif args.worker == "aggregations":
        result = {"aggregations": time_aggregations(args.worker_db, max(3, args.repeat // 2))}
    else:
        from .importers.bench import bench_imports

        result = {"imports": bench_imports(args.data_dir / "imports")}
    args.worker_out.write_text(json.dumps(result, default=str))
    return 0


def markdown(reports: list[dict]) -> str:
    """Markdown tables of one or more bench reports (as written to --out), for docs/performance.md."""
    lines: list[str] = []
    for report in reports:
        for scale, entry in report.get("scales", {}).items():
            target = TARGET_MS[scale]
            lines += [f"**{scale}** ({entry['pupils']:,} pupils, {entry['schools']} school(s), database "
                      f"{entry.get('database_mb', '?')} MB; repeat {report.get('repeat')}; load average at start "
                      f"{report['machine'].get('load_average_at_start')})", "",
                      f"| page | role | first render ms | rerun median ms | rerun p95 ms | median < {target} ms |",
                      "|---|---|---:|---:|---:|---|"]
            for r in entry.get("pages", []):
                ok = "yes" if r["rerun_median_ms"] < target and not r["errors"] else "**no**"
                lines.append(f"| {r['page']} | {r['role']} | {r['first_ms']:.0f} | {r['rerun_median_ms']:.0f} | "
                             f"{r['rerun_p95_ms']:.0f} | {ok}{' (errors)' if r['errors'] else ''} |")
            if entry.get("memory"):
                lines += ["", f"Peak memory of the process that rendered these pages: "
                              f"{entry['memory']['peak_rss_mb']} MB (VmHWM)."]
            if entry.get("trust_views"):
                lines += ["", "| the trust lead's figures, computed afresh | median ms | max ms |", "|---|---:|---:|"]
                lines += [f"| {r['view']} | {r['median_ms']:.0f} | {r['max_ms']:.0f} |" for r in entry["trust_views"]]
            if entry.get("aggregations"):
                lines += ["", "| aggregation | sendboard ms | pandas ms | speed-up | same numbers |",
                          "|---|---:|---:|---:|---|"]
                for r in entry["aggregations"]:
                    lines.append(f"| {r['aggregation']} | {r['sendboard_ms']:.0f} | {r['pandas_ms']:.0f} | "
                                 f"{r['speedup']}x | {'yes' if r['same_result'] else '**no**'} |")
                first = entry["aggregations"][0]
                lines.append(f"\npandas side: loading the frames took {first['pandas_load_s']} s "
                             f"({first.get('pandas_frames_mb', '?')} MB in memory), not counted above.")
            lines.append("")
        if isinstance(report.get("imports"), dict):
            lines += ["| import | seconds |", "|---|---:|"]
            lines += [f"| {k} | {v} |" for k, v in report["imports"].items() if k.endswith(("_s", "_mb"))]
            lines.append("")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.worker:
        return _worker(args)
    if args.markdown:
        print(markdown([json.loads(p.read_text()) for p in args.markdown]))
        return 0
    report = {"machine": _machine(), "as_of": BENCH_AS_OF.isoformat(), "repeat": args.repeat, "scales": {}}
    for scale in [s for s in args.scales.split(",") if s]:
        path, build_seconds = dataset(scale, args.data_dir, args.rebuild)
        entry = {"pupils": SCALES[scale]["pupils"], "schools": SCALES[scale]["schools"], "database": str(path),
                 "database_mb": round(path.stat().st_size / 2**20),
                 "build_seconds": None if build_seconds is None else round(build_seconds, 1)}
        worker = _child("pages", args, db=path, scale=scale)
        if "error" in worker:
            print(f"\n{scale}: page timing failed: {worker['error']}\n{worker.get('output', '')}")
            entry["pages_error"] = worker
        else:
            entry["pages"] = worker["pages"]
            entry["memory"] = worker["memory"]
            _print_pages(scale, entry["pages"])
            print(f"  memory of the process that rendered these pages: peak {worker['memory']['peak_rss_mb']} MB, "
                  f"now {worker['memory']['rss_mb']} MB (target at la scale: peak < 1536 MB)")
            if worker.get("trust_views"):
                entry["trust_views"] = worker["trust_views"]
                print("  the trust lead's figures computed afresh, median ms (pack target: < 5000)")
                for r in worker["trust_views"]:
                    print(f"    {r['view']:<48}{r['median_ms']:>9.0f} ms  (max {r['max_ms']:.0f})")
        if not args.skip_baseline:
            agg = _child("aggregations", args, db=path, scale=scale)
            if "error" in agg:
                print(f"  aggregations failed: {agg['error']}\n{agg.get('output', '')}")
                entry["aggregations_error"] = agg
            else:
                entry["aggregations"] = agg["aggregations"]
                print("  aggregations: sendboard vs plain pandas, median ms (target at trust and la: >= 5x)")
                for r in entry["aggregations"]:
                    print(f"    {r['aggregation']:<24}{r['sendboard_ms']:>9.1f} ms {r['pandas_ms']:>9.1f} ms  x{r['speedup']}"
                          + ("" if r["same_result"] else "  DIFFERENT RESULTS"))
        report["scales"][scale] = entry
        _write(args.out, report)
    if not args.skip_imports:
        try:
            from .importers import bench as _import_bench  # noqa: F401
        except ImportError:
            report["imports"] = "the import benchmark is not available in this copy"
        else:
            imp = _child("imports", args)
            report["imports"] = imp.get("imports", imp)
            print("\nimports (seconds, one run each):", json.dumps(report["imports"], indent=2))
    if args.concurrency:
        from .bench_browser import run_concurrency

        path, _ = dataset("school", args.data_dir, False)
        report["concurrency"] = run_concurrency(path)
        print("\nconcurrency:", json.dumps(report["concurrency"], indent=2))
    _write(args.out, report)
    print(f"\nwritten to {args.out}")
    return 0


def _write(out: Path, report: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
