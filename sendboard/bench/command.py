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
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from ..domain import DEMO_PASSWORD
from .pages import _memory, time_aggregations, time_pages, time_trust_views
from .scales import BENCH_AS_OF, DEFAULT_DIR, SCALES, TARGET_MS, dataset

DEFAULT_OUT = Path("bench-results/bench.json")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scales", default="school,trust,la", help="comma-separated: school, trust, la")
    parser.add_argument("--repeat", type=int, default=7, help="reruns per page (default 7)")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DIR, help="where bench databases are kept")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pages", default="", help="only these page keys (comma-separated)")
    parser.add_argument("--rebuild", action="store_true", help="build the databases afresh")
    parser.add_argument("--skip-imports", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--concurrency", action="store_true",
                        help="also run the 20-browser class-profile and 10-session review benchmarks (school scale)")
    parser.add_argument("--browser", action="store_true",
                        help="time every page as a person feels it: the real app, Chromium, click to page drawn "
                             "(instead of the server-side page timings)")
    parser.add_argument("--runs", type=int, default=5,
                        help="with --browser or --meeting: cold starts of the app to take medians over (default 5)")
    parser.add_argument("--browser-cache", choices=("fresh", "warm"), default="fresh",
                        help="with --browser: a fresh browser profile each run (a first visit from a new machine), "
                             "or one kept between runs after an unmeasured visit (a person's own browser)")
    parser.add_argument("--think", type=float, default=0.0, metavar="SECONDS",
                        help="with --browser: seconds a person reads each page before the next click (untimed; "
                             "default 0: the click comes as soon as the page is drawn)")
    parser.add_argument("--app-root", type=Path, metavar="DIR",
                        help="with --browser or --meeting: start the copy of sendboard in DIR (e.g. `git archive` of "
                             "an earlier commit) with this copy's driver, for a before-and-after comparison")
    parser.add_argument("--roles", default="", help="with --browser: only these roles (comma-separated)")
    parser.add_argument("--browser-db", type=Path, help="with --browser: this database instead of the scale's")
    parser.add_argument("--today", default=BENCH_AS_OF.isoformat(),
                        help="with --browser or --meeting: the app's today (the bench databases are built as of it)")
    parser.add_argument("--password", default=DEMO_PASSWORD,
                        help="with --browser or --meeting: the accounts' password (the demo databases' by default)")
    parser.add_argument("--no-floor", action="store_true", help="with --browser: skip the empty-page floor")
    parser.add_argument("--no-term-change", action="store_true", help="with --browser: skip the term changes")
    parser.add_argument("--meeting", type=int, default=0, metavar="TEACHERS",
                        help="a staff meeting at the server: this many teachers open their class profiles at once")
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
    print(f"  {'page':<22}{'role':<10}{'first':>9}{'median':>9}{'p95':>9}{'CPU':>9}  ok")
    for r in rows:
        ok = "yes" if r["rerun_median_ms"] < target and not r["errors"] else "NO"
        print(f"  {r['page']:<22}{r['role']:<10}{r['first_ms']:>9.0f}{r['rerun_median_ms']:>9.0f}{r['rerun_p95_ms']:>9.0f}"
              f"{r.get('rerun_cpu_median_ms', float('nan')):>9.0f}  {ok}"
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
        from ..importers.bench import bench_imports

        result = {"imports": bench_imports(args.data_dir / "imports")}
    args.worker_out.write_text(json.dumps(result, default=str))
    return 0


def markdown(reports: list[dict]) -> str:
    """Markdown tables of one or more bench reports (as written to --out), for docs/performance.md."""
    lines: list[str] = []
    for report in reports:
        if report.get("browser"):
            from .browser import markdown as browser_markdown

            lines.append(browser_markdown(report["browser"]))
        if report.get("meeting"):
            lines += ["| staff meeting | figure |", "|---|---|"]
            lines += [f"| {k} | {v} |" for k, v in report["meeting"].items() if k != "runs"]
            lines.append("")
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
                lines += ["", "| the trust lead's figures, computed afresh | median ms | max ms | CPU median ms |",
                          "|---|---:|---:|---:|"]
                lines += [f"| {r['view'].strip()} | {r['median_ms']:.0f} | {r['max_ms']:.0f} | "
                          f"{r.get('cpu_median_ms', float('nan')):.0f} |" for r in entry["trust_views"]]
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
    if args.browser or args.meeting:
        return _run_in_browser(args, report)
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
                    print(f"    {r['view']:<48}{r['median_ms']:>9.0f} ms  (max {r['max_ms']:.0f}, "
                          f"CPU {r.get('cpu_median_ms', float('nan')):.0f})")
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
            from ..importers import bench as _import_bench  # noqa: F401
        except ImportError:
            report["imports"] = "the import benchmark is not available in this copy"
        else:
            imp = _child("imports", args)
            report["imports"] = imp.get("imports", imp)
            print("\nimports (seconds, one run each):", json.dumps(report["imports"], indent=2))
    if args.concurrency:
        from .concurrency import run_concurrency

        path, _ = dataset("school", args.data_dir, False)
        report["concurrency"] = run_concurrency(path)
        print("\nconcurrency:", json.dumps(report["concurrency"], indent=2))
    _write(args.out, report)
    print(f"\nwritten to {args.out}")
    return 0


def _run_in_browser(args: argparse.Namespace, report: dict) -> int:
    """``--browser`` and ``--meeting``: the real app through scripts/run.sh, measured from outside."""
    if args.out == DEFAULT_OUT:
        args.out = DEFAULT_OUT.with_name("browser.json" if args.browser else "meeting.json")
    if args.browser:
        from .browser import run_browser_bench

        report["browser"] = run_browser_bench(args, lambda partial: _write(args.out, {**report, "browser": partial}))
        _write(args.out, report)
    if args.meeting:
        from .meeting import run_meetings

        # absolute: a copy in --app-root starts in its own folder
        path = (args.browser_db or dataset("school", args.data_dir, args.rebuild)[0]).resolve()
        report["meeting"] = run_meetings(path, args.meeting, args.runs, args.today, args.password,
                                         root=args.app_root.resolve() if args.app_root else None)
        _write(args.out, report)
    print(f"\nwritten to {args.out}")
    return 0


def _write(out: Path, report: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
