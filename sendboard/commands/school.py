"""``sendboard school``: add a school to a trust's database, one at a time or from a file in the columns of
the DfE's Get Information about Schools download; list the schools held."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .init import add_school_fields
from .user import _db_after_action


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="database file (default: SENDBOARD_DB)")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="add one school")
    add_school_fields(add)
    add.add_argument("--trust", default=None, help="the trust the school belongs to")
    imp = sub.add_parser("import", help="add every school in a Get Information about Schools CSV file (all or none)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--trust", default=None, help="the trust for every school in the file (default: its 'Trusts (name)' column)")
    sub.add_parser("list", help="list the schools")
    _db_after_action(sub)


def run(args: argparse.Namespace) -> int:
    from ..app_db import open_database
    from ..importers.readers import SourceFile
    from ..schools import NewSchool, SetupError, add_schools, import_gias_schools

    db = open_database(args.db)
    try:
        if args.action == "add":
            school = NewSchool(urn=args.urn.strip(), name=args.name, phase=args.phase, la_code=args.la.strip(),
                               la_name=args.la_name, trust=args.trust)
            add_schools(db, "cli", [school])
            print(f"Added {school.name} (URN {school.urn}).")
        elif args.action == "import":
            if not args.file.is_file():
                print(f"sendboard: {args.file} is not a file.", file=sys.stderr)
                return 1
            ids = import_gias_schools(db, "cli", SourceFile(args.file.name, args.file.read_bytes()), trust=args.trust)
            print(f"Added {len(ids)} school{'s' if len(ids) != 1 else ''} from {args.file.name}.")
        else:
            frame = db.query("all_schools").fillna("")
            print(frame.to_string(index=False) if not frame.empty else "No schools yet.")
    except SetupError as exc:
        print(f"sendboard: {exc}", file=sys.stderr)
        return 1
    return 0
