"""The one place SQL text is put together at run time.

Values always travel as bound parameters (`$name`). A few statements must name a table, a column or a type
that is only known at run time (an import writes to the table its file is for; erasure walks every table
holding a pupil; a backup attaches a file by its path). Those are written as a template in the code with
`{placeholders}`, and `compose` fills each placeholder only with a piece made here: a checked, quoted
identifier (`ident`, `idents`, `qualified`), a checked column type (`column_type`), a quoted string literal
(`literal`, for the few statements such as ATTACH that take no parameters) or another composed piece.
Anything else (a plain `str`, a number) is refused, so a value can never be formatted into SQL by
mistake. tests/test_db.py checks that no `execute` in sendboard/ is given an f-string, a `%` or a
`.format` call, and that every `compose` template is a literal written in the code.
"""
from __future__ import annotations

import re
import string
from collections.abc import Iterable

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# DuckDB type names as duckdb_columns() reports them: VARCHAR, DECIMAL(8,2), TIMESTAMP WITH TIME ZONE, INTEGER[]
_TYPE = re.compile(r"[A-Z][A-Z ]*[A-Z](\(\d+(,\s?\d+)?\))?(\[\])?\Z")


class SQL(str):
    """SQL text made by this module: a template from the code with only checked pieces put into it."""


def ident(name: str) -> SQL:
    """A table or column name, checked (letters, digits, underscore) and double-quoted."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return SQL(f'"{name}"')


def qualified(alias: str, name: str) -> SQL:
    """`alias."name"`, both checked."""
    if not _NAME.match(alias):
        raise ValueError(f"not a plain SQL alias: {alias!r}")
    return SQL(f"{alias}.{ident(name)}")


def idents(names: Iterable[str], alias: str | None = None, sep: str = ", ") -> SQL:
    """A list of checked, quoted names (each prefixed with `alias.` if given), joined by `sep`."""
    if sep not in (", ", " AND ", " OR "):
        raise ValueError(f"not a list separator: {sep!r}")
    parts = [qualified(alias, n) if alias else ident(n) for n in names]
    if not parts:
        raise ValueError("an empty list of SQL identifiers")
    return SQL(sep.join(parts))


def column_type(type_name: str) -> SQL:
    """A column type as DuckDB's catalogue reports it (for a CAST to the table's own type)."""
    if not isinstance(type_name, str) or not _TYPE.match(type_name):
        raise ValueError(f"not a SQL column type: {type_name!r}")
    return SQL(type_name)


def literal(text: str) -> SQL:
    """A single-quoted string literal, for the few statements that take no parameters (ATTACH a path)."""
    if not isinstance(text, str) or "\x00" in text:
        raise ValueError("a SQL string literal must be text without NUL characters")
    return SQL("'" + text.replace("'", "''") + "'")


def join(pieces: Iterable[SQL], sep: str = ", ") -> SQL:
    """Composed pieces joined by a comma or AND/OR (e.g. a list of `CAST(...) AS "c"`)."""
    pieces = list(pieces)
    if sep not in (", ", " AND ", " OR "):
        raise ValueError(f"not a list separator: {sep!r}")
    for piece in pieces:
        _check(piece)
    return SQL(sep.join(pieces))


def _check(piece) -> SQL:
    if not isinstance(piece, SQL):
        raise TypeError(f"only pieces made by sendboard.sqltext may go into SQL text, not {type(piece).__name__} "
                        f"{str(piece)[:40]!r} (pass a value as a $parameter)")
    return piece


def compose(template: str, **pieces: SQL) -> SQL:
    """The template (a literal in the code) with each `{name}` filled by its checked piece."""
    fields = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    if fields != set(pieces):
        raise KeyError(f"template placeholders {sorted(fields)} but pieces {sorted(pieces)}")
    return SQL(template.format(**{name: _check(piece) for name, piece in pieces.items()}))
