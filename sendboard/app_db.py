"""Opening a database for the app, the ``sendboard`` command and the tests.

``db.open_database`` opens a file and brings its schema up to date, and knows nothing of any area. This
module then loads the data that ships with sendboard (national figures, code lists, key factors,
classroom strategies, the glossary's need names) into a database that has none yet. Keeping the two apart
keeps the import graph a tree: the shipped-data loaders live in their areas, and those areas use
``sendboard.db``.
"""
from __future__ import annotations

import threading
import weakref
from pathlib import Path

from .db import Database
from .db import open_database as open_schema
from .shipped import ensure_shipped_data

# One load at a time per process: two threads opening a new file at once must not both fill the tables.
_LOAD_LOCK = threading.Lock()
# Each open Database whose shipped data has been checked (weak: a closed and reopened file is checked again).
_LOADED: weakref.WeakSet[Database] = weakref.WeakSet()


def open_database(path: Path | str | None = None, *, migrate: bool = True) -> Database:
    """The process's one Database for this file, its schema up to date and its shipped data loaded.

    With ``migrate=False`` the file is opened as it stands (no schema change, no data loaded)."""
    db = open_schema(path, migrate=migrate)
    if migrate and db not in _LOADED:
        with _LOAD_LOCK:
            if db not in _LOADED:
                try:
                    ensure_shipped_data(db)
                except BaseException:
                    db.close()  # as a failed migration: nothing half-loaded is kept open
                    raise
                _LOADED.add(db)
    return db
