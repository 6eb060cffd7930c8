"""``sendboard import FILE... [--kind K] [--db PATH] [--dry-run] [--user NAME] [--school URN | --all-schools] [--sheet NAME]``

All the files are validated together and committed in one transaction: all or nothing. On any problem,
every problem is printed (file, row or XML element, field, value found, what was expected) and the
command exits 1 having written nothing. The database must not be held open by the running app.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from pathlib import Path

from .kinds import KINDS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="CSV files and/or Common Transfer Files (.xml)")
    parser.add_argument("--kind", choices=sorted(KINDS) + ["ctf"], help="the kind of data (default: recognised from the columns)")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: SENDBOARD_DB or data/sendboard.duckdb)")
    parser.add_argument("--dry-run", action="store_true", help="validate and show what would change; write nothing")
    parser.add_argument("--user", default=None, help="who is importing, for the history and audit log (default: your login)")
    parser.add_argument("--school", default=None, help="the school's URN (default: the first school in the database)")
    parser.add_argument("--all-schools", action="store_true",
                        help="a trust-level import: each row names its school in a 'School URN' column")
    parser.add_argument("--sheet", default=None, help="for Excel workbooks: the sheet to read (default: the first)")


def run(args: argparse.Namespace) -> int:
    from ..app_db import open_database
    from . import SourceFile, check_size, commit, load, preview
    from .problems import FileRejected

    db = open_database(args.db) if args.db else open_database()
    school_id = None
    if args.school:
        school_id = db.scalar("import_school_by_urn", urn=args.school)
        if school_id is None:
            print(f"sendboard: no school with URN {args.school} in {db.path}.", file=sys.stderr)
            return 1
    sources = []
    early = []
    for path in args.files:
        if not path.is_file():
            print(f"sendboard: {path} is not a file.", file=sys.stderr)
            return 1
        try:
            check_size(db, path.name, os.path.getsize(path))
        except FileRejected as exc:
            early.extend(exc.problems)
            continue
        sources.append(SourceFile(path.name, path.read_bytes(), args.sheet))
    started = time.perf_counter()
    if args.all_schools and school_id is not None:
        print("sendboard: choose --school URN or --all-schools, not both.", file=sys.stderr)
        return 1
    school_ids = [int(r[0]) for r in db.query_rows("import_schools")] if args.all_schools else None
    batch = load(db, sources, kind=args.kind, school_id=school_id, school_ids=school_ids)
    if batch.school_id is not None:
        urn, name = next(((u, n) for i, u, n in db.query_rows("import_schools") if int(i) == batch.school_id), ("?", "?"))
        print(f"Importing for {name} (URN {urn}).")
    problems = early + batch.problems
    if problems:
        print(f"sendboard: nothing was imported: {len(problems)} problem(s) found.", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    for note in batch.notices():
        print(f"note: {note}")
    for f in batch.files:
        print(f"{f.name}: {f.kind}, {f.rows:,} {'pupils' if f.kind == 'ctf' else 'rows'}" + (f", {f.encoding}" if f.encoding else ""))
    user = args.user or os.environ.get("SENDBOARD_USER") or getpass.getuser()
    if args.dry_run:
        outcome = preview(db, batch)
        print(outcome.summary().to_string(index=False))
        print(f"Dry run: {outcome.sentence()}. Nothing was written.")
        return 0
    print("All rows are valid; writing in one transaction…", flush=True)
    outcome = commit(db, batch, f"cli:{user}")
    print(outcome.summary().to_string(index=False))
    print(f"Imported (import {outcome.import_id}) in {time.perf_counter() - started:.1f} s: {outcome.added:,} rows added, "
          f"{outcome.changed:,} changed, {outcome.unchanged:,} already up to date. Undo it on the Data import page.")
    return 0
