"""Data out: table export, subject access export for one pupil, backup and restore of the whole database,
and erasure of one pupil's records. Every one of these is audited; the erasure's audit entry holds only
the pupil_id number and counts, never the erased data.

    sendboard export --table pupils --format csv|xlsx [--out FILE]
    sendboard export --pupil UPN [--out FILE.xlsx|FILE.zip]
    sendboard backup FILE        sendboard restore FILE [--yes]   (see sendboard/backup.py)
    sendboard erase UPN --yes
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from . import audit, exports
from .access import AccessDenied, Viewer
from .app_db import open_database
from .db import Database, database_path
from .record_kinds import SUBJECT_ACCESS_ROLES
from .scope import Scope, may_see_pupil, refuse_pupil
from .sqltext import compose, ident

# Tables that hold no pupil and are never exported by --table to protect secrets.
NEVER_EXPORT = {"users"}
# Rows about a pupil reached through another table: (table, column, parent table, parent key).
CHILD_TABLES = (
    ("plan_targets", "plan_id", "support_plans", "plan_id"),
    ("plan_reviews", "plan_id", "support_plans", "plan_id"),
    ("ehc_reviews", "ehcp_id", "ehc_plans", "ehcp_id"),
    ("allocation_sessions", "allocation_id", "allocations", "allocation_id"),  # when a pupil is out of class
)
SKIP_PUPIL_TABLES = {"audit_log", "audit_pupils_seen", "import_changes"}


def _tables(db: Database) -> list[str]:
    return [r[0] for r in db.query_rows("lowlevel_tables")]


def pupil_tables(db: Database) -> list[str]:
    """Every table with a pupil_id column (found from the schema, so a new area's table is included)."""
    return [r[0] for r in db.query_rows("lowlevel_pupil_id_tables") if r[0] not in SKIP_PUPIL_TABLES]


def checksums(db: Database) -> dict[str, tuple]:
    """(row count, sum of row hashes) for every table: equal checksums mean equal contents."""
    return {t: tuple(db.composed_rows(compose("SELECT count(*), sum(hash(x)) FROM {t} x", t=ident(t)))[0])
            for t in _tables(db)}


def table_frame(db: Database, table: str) -> pd.DataFrame:
    if table not in _tables(db) or table in NEVER_EXPORT:
        raise ValueError(f"no table {table!r} may be exported; choose one of: "
                         + ", ".join(t for t in _tables(db) if t not in NEVER_EXPORT))
    return db.composed_frame(compose("SELECT * FROM {t}", t=ident(table)))


def _child_rows(verb: str, table: str, col: str, parent: str, key: str):
    """`SELECT *` or `DELETE` of a child table's rows whose parent row belongs to the pupil ($p)."""
    pieces = {"t": ident(table), "c": ident(col), "parent": ident(parent), "k": ident(key)}
    if verb == "DELETE":
        return compose("DELETE FROM {t} WHERE {c} IN (SELECT {k} FROM {parent} WHERE pupil_id = $p)", **pieces)
    return compose("SELECT * FROM {t} WHERE {c} IN (SELECT {k} FROM {parent} WHERE pupil_id = $p)", **pieces)


def pupil_frames(db: Database, pupil_id: int) -> dict[str, pd.DataFrame]:
    """Everything held about one pupil, a frame per table (including what the audit log says about them)."""
    out = {}
    for table in pupil_tables(db):
        out[table] = db.composed_frame(compose("SELECT * FROM {t} WHERE pupil_id = $p", t=ident(table)), p=pupil_id)
    # every audited view, download or change that showed the pupil, including lists of many pupils
    out["audit_log"] = db.query("integrity_audit_entries_for_pupil", pupil_id=pupil_id)
    for table, col, parent, key in CHILD_TABLES:
        if table in _tables(db):
            out[table] = db.composed_frame(_child_rows("SELECT *", table, col, parent, key), p=pupil_id)
    if "pfa_outcomes" in _tables(db):
        out["pfa_outcomes"] = db.query("lowlevel_pfa_outcomes_of_pupil", p=pupil_id)
    return dict(sorted(out.items()))


def subject_access_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    return exports.excel_bytes(frames)


def subject_access_zip(frames: dict[str, pd.DataFrame]) -> bytes:
    return exports.zip_of_csvs(frames)


def find_pupil(db: Database, upn: str):
    rows = db.query_rows("data_pupil_by_upn", upn=upn.strip())
    return rows[0] if rows else None


def subject_access(db: Database, actor: Scope | str, upn: str, fmt: str = "xlsx") -> tuple[bytes, int]:
    """Everything held about one pupil. A person signed in (their Scope) gets it only if their role makes
    subject access exports (record_kinds.SUBJECT_ACCESS_ROLES) and only for a pupil they may see (the same
    rule as every page); the command line (a name) is the server's owner, who holds the whole file. A
    Viewer on its own is refused: a person always comes with the scope of their run."""
    if isinstance(actor, Viewer):
        raise TypeError("subject_access takes the person's Scope (ctx.scope), not a bare Viewer")
    pupil = find_pupil(db, upn)
    if isinstance(actor, Scope) and actor.viewer.role not in SUBJECT_ACCESS_ROLES:
        refuse_pupil(db, actor.viewer, pupil[0] if pupil else None, "subject_access_export")
        raise AccessDenied("a subject access export is made by the SENCO (or on the server: sendboard export)")
    if pupil is None:
        raise ValueError(f"no pupil with UPN {upn!r} is held")
    if isinstance(actor, Scope) and not may_see_pupil(db, actor, int(pupil[0])):
        raise AccessDenied(f"no pupil with UPN {upn!r} is held at your school")
    frames = pupil_frames(db, int(pupil[0]))
    data = subject_access_xlsx(frames) if fmt == "xlsx" else subject_access_zip(frames)
    audit.record(db, actor.viewer if isinstance(actor, Scope) else actor, "subject_access_export", object_type="pupil", object_id=int(pupil[0]), pupil_id=int(pupil[0]),
                 detail={"format": fmt, "rows": {k: len(v) for k, v in frames.items()}})
    return data, int(pupil[0])


def erase_pupil(db: Database, actor, pupil_id: int) -> dict[str, int]:
    """Delete every row about the pupil in one transaction; keep an audit entry of the pupil_id and counts."""
    tables = pupil_tables(db)

    def work(w):
        counts = {}
        for table, col, parent, key in CHILD_TABLES:
            counts[table] = int(w.statement(_child_rows("DELETE", table, col, parent, key), p=pupil_id)[0][0])
        counts["pfa_outcomes"] = len(w.run("lowlevel_erase_orphan_pfa_outcomes"))
        for table in tables:
            counts[table] = int(w.statement(compose("DELETE FROM {t} WHERE pupil_id = $p", t=ident(table)), p=pupil_id)[0][0])
        counts["import_changes"] = len(w.run("lowlevel_erase_import_changes", p=pupil_id))
        counts = {k: v for k, v in counts.items() if v}
        audit.record_change(w, actor, "pupil_erased", object_type="pupil", object_id=pupil_id, pupil_id=pupil_id,
                            detail={"rows_deleted": counts})
        return counts

    return db.write(work, retries=0)


# --------------------------------------------------------------------------- backup and restore


def backup(db: Database, actor, target: Path):
    """A checked backup with its manifest (sendboard/backup.py)."""
    from .backup import backup as take_backup

    return take_backup(db, actor, target)


def restore(backup_file: Path, target: Path, actor):
    """Verify a backup against its manifest, then replace the database with it (sendboard/backup.py)."""
    from .backup import restore as restore_backup

    return restore_backup(backup_file, target, actor)


# --------------------------------------------------------------------------- command line


def _actor(args) -> str:
    import getpass

    return "cli:" + (getattr(args, "user", None) or os.environ.get("SENDBOARD_USER") or getpass.getuser())


def _db_arg(parser):
    parser.add_argument("--db", type=Path, default=None, help="database file (default: SENDBOARD_DB or data/sendboard.duckdb)")
    parser.add_argument("--user", default=None, help="who is doing this, for the audit log")


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--table", help="a table to export")
    which.add_argument("--pupil", metavar="UPN", help="everything held about one pupil (subject access)")
    parser.add_argument("--format", choices=("csv", "xlsx", "zip"), default=None, help="csv or xlsx for a table; xlsx or zip for a pupil")
    parser.add_argument("--out", type=Path, default=None, help="output file (default: named after the table or UPN)")
    _db_arg(parser)


def run_export(args) -> int:
    db = open_database(args.db) if args.db else open_database()
    actor = _actor(args)
    if args.pupil:
        fmt = args.format or "xlsx"
        if fmt == "csv":
            fmt = "zip"
        try:
            data, pupil_id = subject_access(db, actor, args.pupil, fmt)
        except ValueError as exc:
            print(f"sendboard: {exc}", file=sys.stderr)
            return 1
        out = args.out or Path(f"subject_access_{args.pupil.upper()}.{fmt}")
        out.write_bytes(data)
        print(f"Wrote everything held about pupil {pupil_id} to {out}.")
        return 0
    fmt = args.format or "csv"
    try:
        frame = table_frame(db, args.table)
    except ValueError as exc:
        print(f"sendboard: {exc}", file=sys.stderr)
        return 1
    out = args.out or Path(f"{args.table}.{fmt}")
    if fmt == "xlsx":
        out.write_bytes(subject_access_xlsx({args.table: frame}))
    else:
        out.write_bytes(exports.csv_bytes(frame))
    pupils = audit.pupil_ids(frame)  # what the file held: its columns, row count and each pupil in it
    audit.record(db, actor, "export", object_type="table", object_id=args.table, pupils=pupils,
                 detail={"format": fmt, "rows": len(frame), "columns": [str(c) for c in frame.columns],
                         "pupil_count": len(pupils)})
    print(f"Wrote {len(frame):,} rows of {args.table} to {out}.")
    return 0


def add_backup_arguments(parser):
    parser.add_argument("file", type=Path, help="the backup file to write")
    _db_arg(parser)


def run_backup(args) -> int:
    from .backup import backup_any

    result = backup_any(args.db or database_path(), _actor(args), args.file)
    print(result.message())
    return 0


def add_restore_arguments(parser):
    parser.add_argument("file", type=Path, help="a backup made by `sendboard backup`")
    parser.add_argument("--yes", action="store_true", help="confirm: the database is replaced by the backup")
    parser.add_argument("--without-manifest", action="store_true",
                        help="an older backup with no manifest: check that it opens and reads, then restore it")
    _db_arg(parser)


def run_restore(args) -> int:
    target = args.db or database_path()
    if not args.yes:
        print(f"sendboard: this replaces {target} with {args.file}. Run again with --yes to do it.", file=sys.stderr)
        return 1
    from .backup import restore as restore_backup

    result = restore_backup(args.file, target, _actor(args), without_manifest=args.without_manifest)
    print(result.message(args.file))
    return 0


def add_erase_arguments(parser):
    parser.add_argument("upn", help="the UPN of the pupil whose records are erased")
    parser.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    _db_arg(parser)


def run_erase(args) -> int:
    db = open_database(args.db) if args.db else open_database()
    pupil = find_pupil(db, args.upn)
    if pupil is None:
        print(f"sendboard: no pupil with UPN {args.upn!r} is held.", file=sys.stderr)
        return 1
    if not args.yes:
        print(f"sendboard: this erases every record of pupil {pupil[0]} and cannot be undone. Run again with --yes.",
              file=sys.stderr)
        return 1
    counts = erase_pupil(db, _actor(args), int(pupil[0]))
    print(f"Erased pupil {pupil[0]}: " + ", ".join(f"{t} {n}" for t, n in counts.items()) + ". The audit log keeps the pupil number and counts only.")
    return 0
