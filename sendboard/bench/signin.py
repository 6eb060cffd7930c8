"""The first page after sign-in alone: one role signs in on a freshly started app, ``--runs`` times.

    python -m sendboard.bench.signin [--role head] [--runs 5] [--root DIR] [--db data/bench/school.duckdb]

Each run starts the app afresh (a cold start) and signs the role in through the form in a fresh browser
profile, exactly as ``sendboard bench --browser`` does (the same function: the form page's own fetches
are let finish before typing, and the time runs from the click on *Sign in* to home drawn), without
visiting the other pages. ``--root`` starts another copy of sendboard (an earlier commit unpacked there)
with this copy's bench, for a before-and-after comparison.
"""
from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

from .browser import _sign_in
from .server import CHROMIUM, CHROMIUM_ARGS, PASSWORD, ROOT, TODAY, running_app


def signed_in_once(db_path: Path, role: str, root: Path = ROOT, today: str = TODAY, password: str = PASSWORD) -> dict:
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()[0]
    with running_app(db_path, today, root=root) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            _context, _page, _meter, signed = _sign_in(browser, url, role, password)
        finally:
            browser.close()
    return {**signed, "load_average": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "bench" / "school.duckdb")
    parser.add_argument("--role", default="head")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args()
    runs = []
    for number in range(args.runs):
        r = signed_in_once(args.db.resolve(), args.role, args.root.resolve())
        runs.append(r)
        print(f"run {number + 1}: {args.role} signed in in {r['ms']:.0f} ms; app CPU {r['cpu_app_s']} s, browser CPU "
              f"{r['cpu_browser_s']} s; load average {r['load_average']}", flush=True)
    print(f"median of {len(runs)}: {statistics.median(r['ms'] for r in runs):.0f} ms; app CPU "
          f"{statistics.median(r['cpu_app_s'] for r in runs)} s, browser CPU {statistics.median(r['cpu_browser_s'] for r in runs)} s")


if __name__ == "__main__":
    main()
