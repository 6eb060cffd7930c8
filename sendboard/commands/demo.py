"""``sendboard demo``: build a demo school (or trust) database."""
from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from ..db import database_path
from ..domain import DEMO_PASSWORD


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pupils", type=int, default=None,
                        help="pupils in all (default 1200 for one school; a trust's schools at typical sizes)")
    parser.add_argument("--schools", type=int, default=1, help="schools; more than one makes a trust")
    parser.add_argument("--seed", type=int, default=42, help="the same seed gives the same data")
    parser.add_argument("--phase", choices=("primary", "secondary"), default="secondary",
                        help="phase of a single school (a trust of several mixes primary and secondary)")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="the demo's 'today' (YYYY-MM-DD)")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: SENDBOARD_DB or data/sendboard.duckdb)")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")


def run(args: argparse.Namespace) -> int:
    from ..demo import build_demo

    path = args.db or database_path()
    if args.schools < 1 or (args.pupils is not None and args.pupils < 50 * args.schools):
        print(f"sendboard: a demo needs at least 50 pupils a school (asked for {args.pupils} pupils in "
              f"{args.schools} school{'s' if args.schools != 1 else ''}); try --pupils {50 * max(args.schools, 1)} or more.",
              file=sys.stderr)
        return 1
    if path.exists() and not args.force:
        print(f"sendboard: {path} already exists. Use --force to replace it, or --db to choose another file.")
        return 1
    started = time.perf_counter()
    summary = build_demo(path, pupils=args.pupils, schools=args.schools, seed=args.seed, phase=args.phase,
                         as_of=args.as_of, overwrite=args.force)
    seconds = time.perf_counter() - started
    print(f"Built {path} in {seconds:.1f} s: " + ", ".join(f"{k} {v}" for k, v in summary.items() if k != "seconds"))
    print(f"Demo accounts: head, senco, teacher, governor, admin (and teacher2 onwards); password: {DEMO_PASSWORD}")
    print("This is a demonstration with made-up pupils and a published password: never put a school's own data in it. "
          "For a school, start with: sendboard init")
    return 0
