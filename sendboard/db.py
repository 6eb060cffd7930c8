"""The only module that talks to DuckDB.

One connection per database file per process (the app is the file's one writer); each thread gets its
own cursor, because a DuckDB connection refuses concurrent use from several threads. Reads are named
queries from ``sendboard/sql/*.sql`` with ``$parameters`` only. Writes go through :func:`Database.transaction`,
which retries a write-write conflict a few times, bumps the data version and refuses to touch the
audit log except by INSERT.
"""
from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .sqltext import SQL, compose, ident, idents

PACKAGE_DIR = Path(__file__).resolve().parent
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
SQL_DIR = PACKAGE_DIR / "sql"
PROJECT_DIR = PACKAGE_DIR.parent
DEFAULT_DB = PROJECT_DIR / "data" / "sendboard.duckdb"

CONFLICT_RETRIES = 4

# Files private by default: the database, its write-ahead log, backups, exports and subject access files
# hold special category data about children, so everything this process creates is readable and
# writable by its owner only (permissions 600, folders 700). Every entry point imports this module.
PRIVATE_UMASK = 0o077
os.umask(PRIVATE_UMASK)


class DatabaseError(RuntimeError):
    """A problem with the database file that a person can fix; the message says what to do."""


class ConflictError(DatabaseError):
    """Someone else changed the same record at the same moment, and retrying did not help."""


def database_path() -> Path:
    return Path(os.environ.get("SENDBOARD_DB") or DEFAULT_DB)


# --------------------------------------------------------------------------- named queries

_NAME_LINE = re.compile(r"^--\s*name:\s*(\w+)\s*$", re.MULTILINE)
_PARAM = re.compile(r"\$(\w+)")
# The audit tables may only be appended to. Statements are normalised first (comments, quotes and
# brackets around names removed, whitespace collapsed), so a quoted or schema-qualified table name, a
# TRUNCATE with or without TABLE, or a comment between DELETE and FROM are all caught.
_AUDIT_TABLES = r"(?:\w+\.)*(?:audit_log|audit_links|audit_pupils_seen|audit_chain)\b"
_AUDIT_TAMPER = re.compile(
    r"\b(?:update(?:\s+only)?|delete\s+from|delete|truncate(?:\s+table)?|drop\s+(?:table|view|sequence)(?:\s+if\s+exists)?"
    r"|alter\s+(?:table|sequence)(?:\s+if\s+exists)?|insert\s+or\s+replace\s+into|insert\s+or\s+ignore\s+into|"
    r"create\s+or\s+replace\s+table|copy)\s+" + _AUDIT_TABLES, re.I)
_AUDIT_UPSERT = re.compile(r"\binsert\s+into\s+" + _AUDIT_TABLES + r".*\bon\s+conflict\b", re.I | re.S)
_SQL_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
# The chain's one row is advanced only by the audit module's own named statement.
_AUDIT_OWN_STATEMENTS = {"audit_chain_advance"}


@lru_cache(maxsize=1)
def named_queries() -> dict[str, str]:
    """Every ``-- name: x`` block in sendboard/sql/*.sql, by name. Duplicate names are a bug."""
    queries: dict[str, str] = {}
    for path in sorted(SQL_DIR.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        marks = list(_NAME_LINE.finditer(text))
        for i, mark in enumerate(marks):
            end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
            name = mark.group(1)
            if name in queries:
                raise ValueError(f"query {name!r} is defined twice (second time in {path.name})")
            queries[name] = text[mark.end():end].strip().rstrip(";")
    return queries


def sql_for(name: str) -> str:
    try:
        return named_queries()[name]
    except KeyError:
        raise KeyError(f"no query named {name!r} in sendboard/sql") from None


# The parameters a statement takes from the Scope it is run under, never from its caller.
SCOPE_PARAMETERS = ("viewer_id", "today")


class ScopeError(PermissionError):
    """A named statement called without its scope, or with the viewer or date passed by hand."""


class BoundScope:
    """What the data layer binds to a scoped statement: ``.viewer`` (its ``user_id``) and ``.today``. The one
    kind is :class:`sendboard.scope.Scope`; this base lives here so the data layer needs no import of it."""

    __slots__ = ()


def _scope_params(name: str, sql: str, scope, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's parameters plus the scope's viewer and date, for a statement that names them. A caller
    may not pass ``viewer_id`` or ``today`` itself (that is how a query would be widened to someone else's
    rows or another day), and a scoped statement run without a scope is refused rather than left open."""
    handed = [p for p in SCOPE_PARAMETERS if p in params]
    if handed:
        raise ScopeError(f"query {name!r}: {' and '.join(handed)} {'come' if len(handed) > 1 else 'comes'} from the "
                         f"scope; pass scope=, not {', '.join(p + '=' for p in handed)}")
    wanted = [p for p in SCOPE_PARAMETERS if p in _parameters_of(sql)]
    if not wanted:
        return params
    if not isinstance(scope, BoundScope):
        raise ScopeError(f"query {name!r} is scoped to a viewer and a date: call it with scope= (the page's "
                         f"ctx.scope), not {'without one' if scope is None else type(scope).__name__}")
    return {**params, "viewer_id": scope.viewer.user_id, "today": scope.today}


@lru_cache(maxsize=2048)
def _parameters_of(sql: str) -> frozenset[str]:
    """The $parameters a statement's code names (a comment mentioning one, such as the note above the next
    statement in its file, is not code)."""
    return frozenset(_PARAM.findall(_SQL_COMMENT.sub(" ", sql)))


def _bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """Only the parameters the statement names (DuckDB rejects extras), and all of them present."""
    wanted = set(_parameters_of(sql))
    missing = wanted - params.keys()
    if missing:
        raise KeyError(f"missing query parameters: {', '.join(sorted(missing))}")
    return {k: params[k] for k in wanted}


# --------------------------------------------------------------------------- the database


@dataclass
class SchemaStatus:
    current: int
    latest: int


def migration_files() -> list[tuple[int, str, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        number = int(path.name.split("_", 1)[0])
        found.append((number, path.stem, path))
    numbers = [n for n, _, _ in found]
    if len(numbers) != len(set(numbers)):
        raise ValueError("two migrations share a number")
    return found


def latest_schema_version() -> int:
    return max(n for n, _, _ in migration_files())


class Database:
    """One DuckDB file, opened once per process."""

    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        # One write at a time in this process (and DuckDB lets only one process open the file): every
        # write appends to the audit log's hash chain, so concurrent writes would all conflict on its
        # last link; waiting a moment here is better than failing after retries.
        self._write_lock = threading.RLock()
        # The data version, remembered between writes: every cached call asks for it (several times a
        # page run), and this process is the file's only writer, bumping it only in transaction() below.
        self._version_lock = threading.Lock()
        self._version: int | None = None
        self._version_generation = 0
        self.con = _connect(self.path, read_only=read_only)

    # -- cursors -------------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's own cursor on the one connection."""
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                cur = self.con.cursor()
            self._local.cursor = cur
        return cur

    def close(self) -> None:
        try:
            self.con.close()
        finally:
            _OPEN.pop(str(self.path.resolve()), None)

    # -- schema ------------------------------------------------------------------------------------
    def schema_status(self) -> SchemaStatus:
        cur = self.cursor()
        has_table = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()[0]
        current = 0
        if has_table:
            current = cur.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        return SchemaStatus(current=int(current), latest=latest_schema_version())

    def migrate(self) -> list[str]:
        """Apply every migration not yet recorded, each in its own transaction. Returns those applied."""
        status = self.schema_status()
        if status.current > status.latest:
            raise DatabaseError(
                f"{self.path} was made by a newer sendboard (schema version {status.current}; this copy "
                f"knows up to {status.latest}). Upgrade sendboard, or point SENDBOARD_DB at another file. "
                "Nothing was changed."
            )
        cur = self.cursor()
        applied = []
        for number, name, path in migration_files():
            if number <= status.current:
                continue
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version "
                    "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
                )
                cur.execute(path.read_text(encoding="utf-8"))
                cur.execute(
                    "INSERT INTO schema_version VALUES ($v, $n, current_timestamp)", {"v": number, "n": name}
                )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            applied.append(name)
        return applied

    # -- reads ---------------------------------------------------------------------------------------
    def query(self, name: str, *, scope=None, **params: Any) -> pd.DataFrame:
        """Run a named read query and return a DataFrame. ``scope`` (a :class:`sendboard.scope.Scope`)
        gives ``$viewer_id`` and ``$today`` to a statement that names them."""
        sql = sql_for(name)
        return self.cursor().execute(sql, _bind(sql, _scope_params(name, sql, scope, params))).df()

    def query_rows(self, name: str, *, scope=None, **params: Any) -> list[tuple]:
        sql = sql_for(name)
        return self.cursor().execute(sql, _bind(sql, _scope_params(name, sql, scope, params))).fetchall()

    def scalar(self, name: str, *, scope=None, **params: Any) -> Any:
        rows = self.query_rows(name, scope=scope, **params)
        return rows[0][0] if rows else None

    def run_unversioned(self, name: str, *, scope=None, **params: Any) -> list[tuple]:
        """A named statement in its own implicit transaction, without bumping the data version: for
        bookkeeping no page shows (sessions, failure counts, an edit's version row), so a click does not
        empty every cache. Audit statements are refused here as everywhere."""
        sql = sql_for(name)
        _refuse_audit_tampering(sql, name)
        result = self.cursor().execute(sql, _bind(sql, _scope_params(name, sql, scope, params)))
        try:
            return result.fetchall()
        except duckdb.Error:  # a statement with no result set
            return []

    def composed_rows(self, sql: SQL, **params: Any) -> list[tuple]:
        """Rows of a read that names a table only known at run time (every table holding a pupil, a whole
        table for an export): ``sql`` must come from ``sqltext.compose``, values are parameters."""
        return self.cursor().execute(_composed(sql), params).fetchall()

    def composed_frame(self, sql: SQL, **params: Any) -> pd.DataFrame:
        return self.cursor().execute(_composed(sql), params).df()

    def stream_rows(self, name: str, *, batch: int = 5000, **params: Any) -> Iterator[list[tuple]]:
        """A named read's rows in batches, for a check that walks a whole table (the audit chain) without
        holding it in memory."""
        sql = sql_for(name)
        result = self.cursor().execute(sql, _bind(sql, _scope_params(name, sql, None, params)))
        while rows := result.fetchmany(batch):
            yield rows

    def rehearse(self, work):
        """Run ``work(writer)`` in a transaction that is always rolled back (an import's preview: the same
        writes, counted, then undone). Returns what ``work`` returns."""
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            return work(Writer(cur))
        finally:
            cur.execute("ROLLBACK")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (after building or restoring a whole file)."""
        self.cursor().execute("CHECKPOINT")

    def data_version(self) -> int:
        known = self._version
        if known is not None:
            return known
        generation = self._version_generation
        read = int(self.cursor().execute("SELECT max(version) FROM data_version").fetchone()[0])
        with self._version_lock:
            if generation == self._version_generation:  # no write committed while it was being read
                self._version = read
        return read

    def _forget_version(self) -> None:
        with self._version_lock:
            self._version_generation += 1
            self._version = None

    # -- writes --------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """One short explicit transaction. The body may run again after a conflict, so keep it pure:
        use :meth:`write` for retries. Bumps the data version on commit."""
        cur = self.cursor()
        self._write_lock.acquire()
        try:
            cur.execute("BEGIN TRANSACTION")
        except BaseException:
            self._write_lock.release()
            raise
        writer = Writer(cur)
        self._local.writing = True
        self._local.writer = writer
        try:
            yield writer
            cur.execute(
                "INSERT INTO data_version SELECT max(version) + 1, current_timestamp FROM data_version"
            )
            self._forget_version()  # before the commit too: a reader between here and the commit stores nothing
            cur.execute("COMMIT")
            self._forget_version()
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise
        finally:
            self._local.writing = False
            self._local.writer = None
            self._write_lock.release()

    def write_lock(self) -> threading.RLock:
        """Held by every write transaction; the audit log takes it for an entry recorded on its own."""
        return self._write_lock

    def in_write(self) -> bool:
        """Whether this thread is inside a write transaction (an audit entry then joins it)."""
        return bool(getattr(self._local, "writing", False))

    def open_writer(self) -> Writer | None:
        """This thread's open write transaction's writer, if any (an audit entry recorded inside it joins it)."""
        return getattr(self._local, "writer", None) if self.in_write() else None

    def write_unversioned(self, work, *, retries: int = CONFLICT_RETRIES):
        """``work(writer)`` in its own short transaction under the write lock, retried on a conflict, without
        bumping the data version: an audit entry recorded on its own, which no page's figures depend on."""
        cur = self.cursor()
        for attempt in range(retries + 1):
            with self._write_lock:
                cur.execute("BEGIN TRANSACTION")
                try:
                    result = work(Writer(cur))
                    cur.execute("COMMIT")
                    return result
                except BaseException as exc:
                    try:
                        cur.execute("ROLLBACK")
                    except duckdb.Error:
                        pass
                    if not (isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()) \
                            or attempt == retries:
                        raise
            time.sleep(0.01 * (attempt + 1))
        raise RuntimeError("unreachable")

    def write(self, work, *, retries: int = CONFLICT_RETRIES):
        """Run ``work(writer)`` in a transaction, retrying a write-write conflict; returns its result."""
        for attempt in range(retries + 1):
            try:
                with self.transaction() as writer:
                    return work(writer)
            except duckdb.TransactionException as exc:
                if "conflict" not in str(exc).lower() or attempt == retries:
                    if "conflict" in str(exc).lower():
                        raise ConflictError(
                            "Someone else saved a change to the same record at the same moment. "
                            "Your text is kept on the page: please save again."
                        ) from exc
                    raise
                time.sleep(0.05 * (attempt + 1))


class _GuardedCursor:
    """The write transaction's cursor for modules that run their own SQL (importer, erasure, reference
    data): every statement passes the audit guard first. Everything else is the cursor's own."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self._cur = cur

    def execute(self, sql, *args, **kwargs):
        _refuse_audit_tampering(str(sql))
        return self._cur.execute(sql, *args, **kwargs)

    def executemany(self, sql, *args, **kwargs):
        _refuse_audit_tampering(str(sql))
        return self._cur.executemany(sql, *args, **kwargs)

    def sql(self, query, *args, **kwargs):
        _refuse_audit_tampering(str(query))
        return self._cur.sql(query, *args, **kwargs)

    query = sql

    def __getattr__(self, name):
        return getattr(self._cur, name)


class Writer:
    """The statements allowed inside a transaction: named statements, plus inserts of DataFrames."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self.cur = _GuardedCursor(cur)

    def run(self, name: str, *, scope=None, **params: Any) -> list[tuple]:
        sql = sql_for(name)
        _refuse_audit_tampering(sql, name)
        result = self.cur.execute(sql, _bind(sql, _scope_params(name, sql, scope, params)))
        try:
            return result.fetchall()
        except duckdb.Error:
            return []

    def statement(self, sql: SQL, **params: Any) -> list[tuple]:
        """A statement naming a table or column only known at run time (an import's generic upsert and undo,
        erasure), made by ``sqltext.compose``; the audit guard applies as to every statement."""
        result = self.cur.execute(_composed(sql), params)
        try:
            return result.fetchall()
        except duckdb.Error:
            return []

    def statement_frame(self, sql: SQL, **params: Any) -> pd.DataFrame:
        return self.cur.execute(_composed(sql), params).df()

    @contextmanager
    def registered(self, name: str, frame: pd.DataFrame) -> Iterator[None]:
        """``frame`` readable as the view ``name`` by this transaction's statements, for the block only."""
        if not re.fullmatch(r"_[a-z_]+", name):  # a private name that no table has
            raise ValueError(f"bad name for a registered frame {name!r}")
        self.cur.register(name, frame)
        try:
            yield
        finally:
            self.cur.unregister(name)

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Insert a DataFrame's columns (by name) into a table. Table names come from code, never input."""
        if not re.fullmatch(r"[a-z_]+", table):
            raise ValueError(f"bad table name {table!r}")
        if table.startswith("audit_"):  # entries are appended one by one, each linked into the chain
            raise PermissionError("the audit log is append-only through sendboard.audit: no bulk inserts")
        if frame.empty:
            return 0
        self.cur.register("_frame_to_insert", frame)
        try:
            self.cur.execute(compose("INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame_to_insert",
                                     table=ident(table), cols=idents(frame.columns)))
        finally:
            self.cur.unregister("_frame_to_insert")
        return len(frame)

    def query(self, name: str, *, scope=None, **params: Any) -> pd.DataFrame:
        sql = sql_for(name)
        return self.cur.execute(sql, _bind(sql, _scope_params(name, sql, scope, params))).df()


def _composed(sql) -> str:
    """Only SQL made by sqltext.compose runs outside the named statements: never text built by hand, and
    never a statement that could change the audit log (reads as well as writes are checked)."""
    if not isinstance(sql, SQL):
        raise TypeError("SQL outside sendboard/sql must be made with sqltext.compose (a template in the code with "
                        f"checked pieces), not given as {type(sql).__name__}")
    _refuse_audit_tampering(str(sql))
    return str(sql)


@lru_cache(maxsize=1)
def _own_statements() -> frozenset[str]:
    return frozenset(sql_for(n) for n in _AUDIT_OWN_STATEMENTS)


def _normalise(sql: str) -> str:
    text = _SQL_COMMENT.sub(" ", sql)
    text = re.sub(r'["`\[\]]', "", text)
    return re.sub(r"\s+", " ", text)


def _refuse_audit_tampering(sql: str, name: str | None = None) -> None:
    """Refuse any statement that could change or remove audit entries (every form of update or delete)."""
    if name in _AUDIT_OWN_STATEMENTS or sql in _own_statements():
        return
    text = _normalise(sql)
    if _AUDIT_TAMPER.search(text) or _AUDIT_UPSERT.search(text):
        raise PermissionError("the audit log is append-only: only INSERT may touch it")


# --------------------------------------------------------------------------- opening files

_OPEN: dict[str, Database] = {}
_OPEN_LOCK = threading.Lock()


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    if path.exists() and path.is_dir():
        raise DatabaseError(f"SENDBOARD_DB points at a folder ({path}), not a file. Give a file name such as {path / 'sendboard.duckdb'}.")
    folder = path.parent
    if not path.exists():
        if not folder.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError:
                raise DatabaseError(f"Cannot create the folder {folder} for the database. Choose a folder you can write to with SENDBOARD_DB.") from None
        if not os.access(folder, os.W_OK):
            raise DatabaseError(f"Cannot write to the folder {folder}. Choose a folder you can write to with SENDBOARD_DB.")
    elif not read_only and not os.access(path, os.W_OK):
        raise DatabaseError(f"The database {path} is read-only for this user. Fix its permissions or copy it somewhere writable.")
    if path.exists() and path.stat().st_size > 0:
        with open(path, "rb") as fh:
            head = fh.read(16)
        if len(head) < 12 or head[8:12] != b"DUCK":
            raise DatabaseError(f"{path} is not a sendboard (DuckDB) database. Nothing was changed. Point SENDBOARD_DB at a sendboard database, or at a new file name to start afresh.")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise DatabaseError(f"{path} is open in another sendboard process (the running app holds it). Stop the app first, or work on a copy.") from None
        raise DatabaseError(f"Cannot open {path}: {message.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise DatabaseError(f"{path} could not be opened as a DuckDB database ({str(exc).splitlines()[0]}). Nothing was changed.") from None


def open_database(path: Path | str | None = None, *, migrate: bool = True) -> Database:
    """The process's one Database for this file, opened (and its schema brought up to date) on first use.

    The app, the command and the tests open files through ``sendboard.app_db.open_database``, which also
    loads the shipped data; this one knows no area."""
    path = Path(path) if path is not None else database_path()
    key = str(path.resolve())
    with _OPEN_LOCK:
        db = _OPEN.get(key)
        if db is None:
            db = Database(path)
            try:
                if migrate:
                    db.migrate()  # shipped data is loaded by sendboard.app_db, which knows the areas
            except BaseException:
                db.con.close()
                raise
            _OPEN[key] = db
        return db


def close_all() -> None:
    for db in list(_OPEN.values()):
        db.close()
