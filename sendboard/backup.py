"""Backups that can be trusted and restores that cannot lose data.

A backup is two files: ``NAME.duckdb`` and ``NAME.duckdb.manifest.json``. The manifest records the
schema version, the SHA-256 of the backup file, and each table's row count and checksum (the sum of
DuckDB's hash of every row). A backup is taken:

- by the running app (the administrator's Data page) or by any process that can open the database:
  ``COPY FROM DATABASE`` inside one read transaction, so the copy is one consistent moment even while
  people keep working; the copy's checksums must equal the database's in that same transaction;
- by ``sendboard backup`` while the app holds the file (DuckDB lets only one process open it): the
  database file and its write-ahead log are copied while neither is being checkpointed (their times and
  sizes are compared before and after, and the copy is retried if a checkpoint ran), then the copy is
  opened on its own, which replays the log, and its manifest is taken from it.

``restore`` verifies everything against the manifest (file hash, schema version, every table's count and
checksum) before it touches anything; refuses a damaged or unknown file with a message and changes
nothing; keeps the audit entries written after the backup (they are carried into the restored database
with their ids and re-linked into the hash chain, never dropped); and moves the live file aside (kept
until the next successful backup) rather than overwriting it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from . import audit
from .app_db import open_database
from .db import Database, DatabaseError, latest_schema_version, sql_for
from .sqltext import compose, ident, literal

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_FORMAT = "sendboard-backup-1"
ASIDE_MARK = ".before-restore-"
_ALIAS_LOCK = threading.Lock()
HOT_COPY_ATTEMPTS = 5


class BackupError(DatabaseError):
    """A backup that cannot be made or trusted; the message says what is wrong and that nothing changed."""


def manifest_path(backup_file: Path) -> Path:
    return Path(str(backup_file) + MANIFEST_SUFFIX)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private(path: Path) -> None:
    """Backups hold every pupil's records: readable by the owner only."""
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass


def _table_sums(cur) -> dict[str, dict]:
    tables = [r[0] for r in cur.execute(sql_for("backup_table_names")).fetchall()]
    out = {}
    for table in tables:  # names come from the catalogue, quoted; never from input
        rows, checksum = cur.execute(compose("SELECT count(*), coalesce(sum(hash(x)), 0) FROM {t} x",
                                             t=ident(table))).fetchone()
        out[table] = {"rows": int(rows), "checksum": str(checksum)}
    return out


def _schema_version(cur) -> int:
    return int(cur.execute(sql_for("backup_schema_version")).fetchone()[0] or 0)


def _write_manifest(backup_file: Path, tables: dict, schema_version: int, taken_by: str, method: str) -> dict:
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "taken_by": taken_by,
        "method": method,
        "schema_version": schema_version,
        "file": backup_file.name,
        "bytes": backup_file.stat().st_size,
        "sha256": file_sha256(backup_file),
        "tables": tables,
    }
    path = manifest_path(backup_file)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    _private(tmp)
    os.replace(tmp, path)
    return manifest


@dataclass
class BackupResult:
    file: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())

    def message(self) -> str:
        return (f"Backed up {len(self.manifest['tables'])} tables ({self.rows:,} rows) to {self.file}; "
                f"the copy was checked against the database and its manifest written to {manifest_path(self.file).name}.")


def _part(target: Path) -> Path:
    return target.with_name(target.name + ".part")


def _check_target(db_path: Path, target: Path) -> Path:
    target = Path(target)
    if target.resolve() == Path(db_path).resolve():
        raise BackupError("The backup must be a different file from the database. Nothing was changed.")
    if target.suffix == ".wal" or target.name.endswith(MANIFEST_SUFFIX):
        raise BackupError(f"{target.name} is not a name for a backup: give a name ending in .duckdb. Nothing was changed.")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def backup(db: Database, actor, target: Path) -> BackupResult:
    """A consistent backup of an open database (the app's own, or one a command opened), while people work."""
    target = _check_target(db.path, target)
    tmp = _part(target)
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    with _ALIAS_LOCK:
        alias = f"sendboard_backup_{os.getpid()}_{threading.get_ident()}"
        cur = db.cursor()
        catalog = cur.execute("SELECT current_database()").fetchone()[0]
        cur.execute(compose("ATTACH {path} AS {alias}", path=literal(str(tmp)), alias=ident(alias)))
        try:
            cur.execute("BEGIN TRANSACTION")
            try:
                source = _table_sums(cur)
                version = _schema_version(cur)
                cur.execute(compose("COPY FROM DATABASE {catalog} TO {alias}", catalog=ident(catalog), alias=ident(alias)))
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        finally:
            cur.execute(compose("DETACH {alias}", alias=ident(alias)))
    copy = _sums_of_file(tmp)
    if copy != source:
        tmp.unlink(missing_ok=True)
        raise BackupError("The backup copy did not match the database. Nothing was kept; try again.")
    _private(tmp)
    os.replace(tmp, target)
    manifest = _write_manifest(target, copy, version, _actor_name(actor), "copy from the open database")
    audit.record(db, actor, "backup", object_type="database", object_id=target.name,
                 detail={"tables": len(copy), "rows": sum(t["rows"] for t in copy.values()), "sha256": manifest["sha256"]})
    remove_aside_copies(db.path)
    return BackupResult(target, manifest)


def backup_file_in_use(db_path: Path, actor, target: Path) -> BackupResult:
    """A backup of a database another process (the running app) holds open: copy the file and its
    write-ahead log between checkpoints, then open the copy on its own and take its manifest from it."""
    db_path = Path(db_path)
    target = _check_target(db_path, target)
    tmp = _part(target)
    wal, tmp_wal = Path(str(db_path) + ".wal"), Path(str(tmp) + ".wal")
    for attempt in range(HOT_COPY_ATTEMPTS):
        tmp.unlink(missing_ok=True)
        tmp_wal.unlink(missing_ok=True)
        before = _stamp(db_path)
        shutil.copyfile(db_path, tmp)
        if wal.exists():
            shutil.copyfile(wal, tmp_wal)
        if _stamp(db_path) == before:  # the main file is written only by a checkpoint: none ran meanwhile
            break
        time.sleep(0.2 * (attempt + 1))
    else:
        tmp.unlink(missing_ok=True)
        tmp_wal.unlink(missing_ok=True)
        raise BackupError("The database kept changing while it was copied. Nothing was kept; try again, or take "
                          "the backup from the Data page of the running app.")
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("FORCE CHECKPOINT")  # fold the copied log into the copy: one self-contained file
            tables, version = _table_sums(con), _schema_version(con)
        finally:
            con.close()
    except duckdb.Error as exc:
        tmp.unlink(missing_ok=True)
        tmp_wal.unlink(missing_ok=True)
        raise BackupError(f"The copy of {db_path} would not open ({str(exc).splitlines()[0]}). Nothing was kept; try again.") from None
    tmp_wal.unlink(missing_ok=True)
    _private(tmp)
    os.replace(tmp, target)
    manifest = _write_manifest(target, tables, version, _actor_name(actor), "copy of the file in use")
    remove_aside_copies(db_path)
    return BackupResult(target, manifest)


def _stamp(path: Path):
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


def _sums_of_file(path: Path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return _table_sums(con)
    finally:
        con.close()


def _actor_name(actor) -> str:
    return getattr(actor, "username", None) or str(actor)


# --------------------------------------------------------------------------- verification and restore


def verify_backup(backup_file: Path) -> dict:
    """Check a backup against its manifest without changing anything; returns the manifest. Raises
    BackupError naming the first thing that does not hold."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file {backup_file}. Nothing was changed.")
    mpath = manifest_path(backup_file)
    if not mpath.is_file():
        raise BackupError(f"{backup_file.name} has no manifest ({mpath.name} is missing), so it cannot be checked "
                          "against one. Nothing was changed. If it is an older backup made before manifests, restore "
                          "it with --without-manifest: it is then checked as far as possible (it opens, is a "
                          "sendboard database, and every table reads to the end).")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        if manifest.get("format") != MANIFEST_FORMAT or not isinstance(manifest.get("tables"), dict):
            raise ValueError("unknown format")
    except (ValueError, OSError):
        raise BackupError(f"The manifest {mpath.name} is damaged or not a sendboard manifest. Nothing was changed.") from None
    size = backup_file.stat().st_size
    if size != manifest.get("bytes"):
        raise BackupError(f"{backup_file.name} is {size:,} bytes but its manifest says {manifest.get('bytes'):,}: "
                          "the file is truncated or damaged. Nothing was changed; use another backup.")
    digest = file_sha256(backup_file)
    if digest != manifest.get("sha256"):
        raise BackupError(f"{backup_file.name} does not match its manifest (SHA-256 {digest[:12]}…, expected "
                          f"{str(manifest.get('sha256'))[:12]}…): the file is damaged or was changed. Nothing was "
                          "changed; use another backup.")
    latest = latest_schema_version()
    if int(manifest.get("schema_version", 0)) > latest:
        raise BackupError(f"{backup_file.name} was made by a newer sendboard (schema version "
                          f"{manifest['schema_version']}; this copy knows up to {latest}). Upgrade sendboard first. "
                          "Nothing was changed.")
    try:
        tables = _sums_of_file(backup_file)
    except duckdb.Error as exc:
        raise BackupError(f"{backup_file.name} will not open as a database ({str(exc).splitlines()[0]}). "
                          "Nothing was changed.") from None
    for table, expected in manifest["tables"].items():
        got = tables.get(table)
        if got != expected:
            what = "is missing" if got is None else f"has {got['rows']:,} rows (checksum {got['checksum']})"
            raise BackupError(f"In {backup_file.name}, table {table} {what}; the manifest says {expected['rows']:,} "
                              f"rows (checksum {expected['checksum']}). Nothing was changed; use another backup.")
    extra = sorted(set(tables) - set(manifest["tables"]))
    if extra:
        raise BackupError(f"{backup_file.name} holds tables its manifest does not list ({', '.join(extra)}). "
                          "Nothing was changed.")
    return manifest


@dataclass
class RestoreResult:
    target: Path
    aside: Path | None
    carried_audit_entries: int
    live_chain_ok: bool | None

    def message(self, backup_file: Path) -> str:
        text = f"Restored {self.target} from {backup_file}; the backup matched its manifest."
        if self.aside:
            text += f" The database as it was is kept at {self.aside} until the next successful backup."
        if self.carried_audit_entries:
            text += (f" {self.carried_audit_entries:,} audit entries written after the backup were kept and "
                     "re-linked into the chain.")
        if self.live_chain_ok is False:
            text += " Warning: the replaced database's audit chain was already broken; its file is kept as evidence."
        return text


def check_unlisted_backup(backup_file: Path) -> dict:
    """For a copy made before backups had manifests (an older sendboard, or a file copied by hand): it must
    be a DuckDB file that opens, holds a sendboard schema no newer than this copy knows, and whose every
    table reads to the end. Returns a manifest-like record of what was checked (no file hash to compare)."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file {backup_file}. Nothing was changed.")
    try:
        con = duckdb.connect(str(backup_file), read_only=True)
        try:
            if not con.execute(sql_for("backup_is_sendboard")).fetchone()[0]:
                raise BackupError(f"{backup_file.name} is a DuckDB file but not a sendboard database. Nothing was changed.")
            tables, version = _table_sums(con), _schema_version(con)
        finally:
            con.close()
    except duckdb.Error as exc:
        raise BackupError(f"{backup_file.name} will not open or read to the end as a database "
                          f"({str(exc).splitlines()[0]}). Nothing was changed.") from None
    if version > latest_schema_version():
        raise BackupError(f"{backup_file.name} was made by a newer sendboard (schema version {version}). Nothing was changed.")
    return {"format": "unlisted", "schema_version": version, "sha256": file_sha256(backup_file), "tables": tables,
            "created_at": None}


def restore(backup_file: Path, target: Path, actor, *, without_manifest: bool = False) -> RestoreResult:
    """Replace the database with a verified backup, keeping later audit entries and the live file.
    ``without_manifest``: for an older backup with no manifest, check it as far as possible instead."""
    backup_file, target = Path(backup_file), Path(target)
    if without_manifest and not manifest_path(backup_file).is_file():
        manifest = check_unlisted_backup(backup_file)
    else:
        manifest = verify_backup(backup_file)
    if target.exists():
        try:  # refuse while the app (or anyone) holds the file
            duckdb.connect(str(target), read_only=True).close()
        except (duckdb.IOException, duckdb.ConnectionException):
            raise BackupError(f"{target} is open in another sendboard process (the running app holds it). "
                              "Stop the app first. Nothing was changed.") from None
    work = target.with_name(target.name + ".restoring")
    for leftover in (work, Path(str(work) + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(backup_file, work)
    _private(work)
    carried, chain_ok = 0, None
    try:
        restored = Database(work)
        try:
            restored.migrate()
            if target.exists():
                carried, chain_ok = _carry_later_audit(target, restored)
            restored.checkpoint()
        finally:
            restored.con.close()
    except BaseException:
        work.unlink(missing_ok=True)
        Path(str(work) + ".wal").unlink(missing_ok=True)
        raise
    aside = None
    if target.exists():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = target.with_name(f"{target.name}{ASIDE_MARK}{stamp}")
        os.replace(target, aside)
        wal = Path(str(target) + ".wal")
        if wal.exists():
            os.replace(wal, Path(str(aside) + ".wal"))
    os.replace(work, target)
    db = open_database(target)
    audit.record(db, actor, "restore", object_type="database", object_id=backup_file.name,
                 detail={"sha256": manifest["sha256"], "backup_created_at": manifest.get("created_at"),
                         "audit_entries_kept": carried, "replaced_file_kept_as": aside.name if aside else None,
                         "replaced_chain_ok": chain_ok, "checked_against_manifest": manifest["format"] != "unlisted"})
    return RestoreResult(target, aside, carried, chain_ok)


def _carry_later_audit(live_path: Path, restored: Database) -> tuple[int, bool]:
    """Copy the live database's audit entries that the backup does not hold into the restored one, with
    their ids, times and contents, each re-linked onto the restored chain. Returns (count, live chain ok)."""
    live = Database(live_path, read_only=True)
    try:
        chain_ok = audit.verify(live).ok if _has_chain(live) else None
        last_in_backup = int(restored.scalar("backup_audit_max_id") or 0)
        later = live.query_rows("backup_audit_entries_after", after=last_in_backup)
        seen_rows = live.query_rows("audit_pupils_seen_all", after=last_in_backup) if _has_chain(live) else []
    finally:
        live.con.close()
    seen: dict[int, list[int]] = {}
    for audit_id, pupil in seen_rows:
        seen.setdefault(int(audit_id), []).append(int(pupil))
    if not later:
        return 0, chain_ok
    def carry(w):
        for entry in later:
            audit_id, logged_at, *fields = entry
            row = dict(zip(audit._FIELDS, fields))
            audit.append_entry(w, row, seen.get(int(audit_id), []), audit_id=int(audit_id), logged_at=logged_at)
        # the restored sequence must move past the carried ids, so new entries never reuse one
        w.run("backup_audit_seq_past", n=int(later[-1][0]) - last_in_backup)

    restored.write_unversioned(carry, retries=0)  # the restored file is not open to anyone else yet
    return len(later), chain_ok


def _has_chain(db: Database) -> bool:
    return bool(db.scalar("backup_has_chain"))


def remove_aside_copies(db_path: Path) -> list[Path]:
    """After a successful backup, the files a restore moved aside are no longer needed."""
    db_path = Path(db_path)
    removed = []
    for path in db_path.parent.glob(db_path.name + ASIDE_MARK + "*"):
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def backup_any(db_path: Path, actor, target: Path) -> BackupResult:
    """The command line's backup: through the database if this process can open it, else a copy of the
    file in use (the app is running)."""
    if not Path(db_path).is_file():
        raise BackupError(f"There is no database at {db_path} to back up. Give it with --db or SENDBOARD_DB.")
    try:
        db = open_database(db_path)
    except DatabaseError as exc:
        if "open in another" not in str(exc):
            raise
        return backup_file_in_use(db_path, actor, target)
    return backup(db, actor, target)


# --------------------------------------------------------------------------- the administrator's page

BACKUP_DIR_ENV = "SENDBOARD_BACKUP_DIR"
BACKUP_ROLES = frozenset({"admin"})


def backup_folder(db_path: Path) -> Path:
    """Where the administrator's page writes backups: SENDBOARD_BACKUP_DIR, else 'backups' beside the database."""
    return Path(os.environ.get(BACKUP_DIR_ENV) or Path(db_path).parent / "backups")


def backup_now(db: Database, viewer) -> BackupResult:
    """A backup from the administrator's page, named by the time it was taken, while people keep working."""
    if getattr(viewer, "role", None) not in BACKUP_ROLES:
        audit.record(db, viewer, "access_refused", object_type="backup")
        raise PermissionError("Only an administrator can take a backup.")
    folder = backup_folder(db.path)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(folder, 0o700)
    except OSError:
        pass
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    return backup(db, viewer, folder / f"sendboard-{stamp}.duckdb")


def recent_backups(db_path: Path, limit: int = 10) -> list[dict]:
    """The newest backups in the page's folder, each with whether it still matches its manifest's size."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)[:limit]:
        mpath = manifest_path(path)
        manifest = {}
        if mpath.is_file():
            try:
                manifest = json.loads(mpath.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                manifest = {}
        out.append({"File": path.name, "Taken": datetime.fromtimestamp(path.stat().st_mtime),
                    "Size (MB)": round(path.stat().st_size / 1e6, 1),
                    "Rows": sum(t.get("rows", 0) for t in manifest.get("tables", {}).values()) if manifest else None,
                    "Manifest": "yes" if manifest else "missing"})
    return out
