"""Bringing data in: MIS CSV files and Common Transfer Files, validated before anything is written and
committed in one transaction, with a history and an undo of the last import.

    batch = load(db, [SourceFile(name, data), ...], kind=None, school_id=None)
    batch.problems          # every problem at once (file, where, field, found, expected); empty = fine
    plan = preview(db, batch)   # what would be added / changed / left alone (run and rolled back)
    result = commit(db, batch, actor)
    undo_last(db, actor)
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import audit
from ..access import AccessDenied, Viewer
from ..record_kinds import IMPORT_ROLES
from ..school_calendar import extend_calendar
from ..settings import get_settings
from .commit import TargetResult, apply_all, undo
from .kinds import KINDS, PER_ROW_SCHOOL_KINDS, SCHOOL_COLUMN, detect_kind, fold, map_headers
from .problems import FileRejected, Problem, frame_of
from .readers import FileInfo, SourceFile, read_table
from .validate import STAGERS, Context, Rows, Staged, check_batch

# isort: split
# Kinds registered by other modules, in this order: their writes run in this order too.
from . import ehc as _ehc_kinds  # noqa: F401  registers the EHC record kinds (stagers and commit targets)
from . import publishing as _publishing_kinds  # noqa: F401  policies and accessibility actions
from . import records as _records_kinds  # noqa: F401  registers the records area's kinds (before EHC's: write order)
from . import timetable as _timetable_kind  # noqa: F401  registers the timetable kind (area: figures)

__all__ = ["SourceFile", "Batch", "load", "preview", "commit", "undo_last", "history", "transfer_sources", "ImportFailed", "KINDS"]


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")


@dataclass
class Batch:
    files: list[FileInfo]
    staged: list[Staged]
    problems: list[Problem]
    school_id: int | None

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem_frame(self) -> pd.DataFrame:
        """Every problem, in file order and then row order."""
        frame = frame_of(self.problems)
        order = frame["where"].str.extract(r"(\d+)", expand=False).astype(float)
        return frame.assign(_o=order).sort_values(["file", "_o"], kind="stable", na_position="first").drop(columns="_o")

    def notices(self) -> list[str]:
        out = []
        for f in self.files:
            if f.source:
                out.append(f"{f.name}: {f.source}" + (f", made {f.file_date:%d/%m/%Y %H:%M}" if f.file_date else "") + ".")
            if f.ignored_columns:
                out.append(f"{f.name}: these columns are not used by sendboard and were left out: "
                           + ", ".join(repr(c) for c in f.ignored_columns))
            out.extend(f"{f.name}: {n}" for n in f.notes)
        return out

    def refusals(self) -> list[str]:
        """Each file refused as a whole, as a sentence (the problem table lists them too, among the rest)."""
        out = []
        for p in self.problems:
            if p.where == "(whole file)" or p.field == "(file)":
                what = p.found[1:-1] if p.found.startswith("(") and p.found.endswith(")") else p.found
                out.append(f"{p.file} was refused as a whole" + (f": {what}" if what else "")
                           + f". Needed: {p.expected}.")
        return out


def max_upload_bytes(db) -> int:
    return int(float(get_settings(db)["max_upload_mb"]) * 1024 * 1024)


def check_size(db, name: str, size: int) -> None:
    limit = max_upload_bytes(db)
    if size > limit:
        raise FileRejected(name, f"the file is {size / 1024 / 1024:,.0f} MB, over the {limit / 1024 / 1024:,.0f} MB limit",
                           "a smaller file: split it, or ask the administrator to raise 'max_upload_mb'")


def load(db, sources: list[SourceFile], *, kind: str | None = None, school_id: int | None = None,
         school_ids: list[int] | None = None) -> Batch:
    """Read and validate files. Never writes. Problems are collected, not raised.

    school_id: the school the import is for; every pupil is looked up in that school only. school_ids
    instead: a trust-level import for those schools, where each row names its school (a 'School URN'
    column), which only files about pupils can do. Neither: the first school in the database."""
    problems: list[Problem] = []
    files: list[FileInfo] = []
    staged: list[Staged] = []
    try:
        ctx = Context.load(db, school_id, school_ids)
    except ValueError as exc:
        return Batch([], [], [Problem("(database)", "", "", "", str(exc))], school_id)
    for source in sources:
        try:
            check_size(db, source.name, len(source.data))
            if source.looks_xml and kind in (None, "ctf"):
                from .ctf import stage_ctf

                info, parts = stage_ctf(source, ctx, problems)
            else:
                info, parts = _stage_csv(source, ctx, kind, problems)
        except FileRejected as exc:
            problems.extend(exc.problems)
            files.append(FileInfo(source.name, source.sha256, kind or "?", 0))
            continue
        files.append(info)
        staged.extend(parts)
    check_batch(staged, ctx, problems)  # on the files that could be read, so every problem shows at once
    return Batch(files, staged, _once_each(problems), ctx.school_id)


def _once_each(problems: list[Problem]) -> list[Problem]:
    """A problem found by two checks (e.g. an unknown pupil on a row that gives both a provision and a need)
    is reported once."""
    return list(dict.fromkeys(problems))


def _row_schools(source: SourceFile, table, ctx: Context, kind: str, problems: list[Problem]):
    """The school of each row: the import's school, or the one a 'School URN' column names (a trust-level
    import). None when the file cannot say (the file is then refused with a problem)."""
    spell = SCHOOL_COLUMN.spellings()
    column = next((i for i, h in enumerate(table.headers) if fold(h) in spell), None)
    if column is None:
        if ctx.school_id is None:
            problems.append(Problem(source.name, "row 1", "School URN", "(no such column)",
                                    "a column 'School URN' naming each row's school, as this import is for several schools ("
                                    + "; ".join(ctx.school_label(s) for s in ctx.schools)
                                    + "), or choose one school (on the command line: --school URN)"))
            return None, None
        return None, pd.Series(ctx.school_id, index=table.frame.index, dtype=object)
    if kind not in PER_ROW_SCHOOL_KINDS:
        if ctx.school_id is None:
            problems.append(Problem(source.name, "row 1", table.headers[column], table.headers[column],
                                    "one school for this kind of file: choose it (on the command line: --school URN); "
                                    "only files about pupils (" + ", ".join(PER_ROW_SCHOOL_KINDS) + ") can name a school per row"))
            return column, None
        return column, pd.Series(ctx.school_id, index=table.frame.index, dtype=object)
    values = table.frame[column].astype(str).str.strip()
    found = {v: ctx.school_of_value(v) for v in pd.unique(values) if v}
    schools = values.map(lambda v: found.get(v) if v else ctx.school_id)
    bad = schools.isna()
    allowed = "; ".join(ctx.school_label(s) for s in ctx.schools)
    for i in table.frame.index[bad][:500]:
        v = values[i]
        expected = (f"the URN or name of the school this import is for ({allowed}): rows for another school "
                    "belong in that school's own import") if v else "the URN of the row's school (this column must not be blank)"
        problems.append(Problem(source.name, f"row {table.frame['_row'][i]}", table.headers[column], v, expected))
    return column, schools


def _stage_csv(source: SourceFile, ctx: Context, kind: str | None, problems: list[Problem]):
    table = read_table(source)
    if kind is None:
        kind, why = detect_kind(table.headers)
        if kind is None:
            raise FileRejected(source.name, f"the kind of file could not be recognised from its header row: {why}",
                               "the columns of one of the kinds in docs/importing.md (or choose the kind)", location="row 1")
    if kind not in KINDS:
        raise FileRejected(source.name, f"unknown kind {kind!r}", "one of " + ", ".join(KINDS))
    spec = KINDS[kind]
    school_column, row_schools = _row_schools(source, table, ctx, kind, problems)
    if row_schools is None:
        return FileInfo(source.name, source.sha256, kind, len(table.frame), table.encoding), []
    headers = list(table.headers)
    if school_column is not None:
        headers[school_column] = ""  # not a field of the kind (and not listed as left out)
    mapping, unknown, duplicates = map_headers(spec, headers)
    for name, a, b in duplicates:
        problems.append(Problem(source.name, "row 1", b, b, f"one column for {name} (the columns {a!r} and {b!r} mean the same; keep one)"))
    blank_headers = [i for i, h in enumerate(table.headers) if not h and i != school_column]
    for i in blank_headers:
        if (table.frame[i].astype(str).str.strip() != "").any():
            problems.append(Problem(source.name, "row 1", f"column {i + 1}", "(blank header)", "a header naming the column (it has values)"))
    missing = [f for f in spec.required if f not in mapping]
    for f in missing:
        field_ = next(x for x in spec.fields if x.name == f)
        problems.append(Problem(source.name, "row 1", f, "(no such column)",
                                f"a column for {f}, headed e.g. " + " or ".join(repr(a) for a in (field_.aliases[:2] or (f,)))))
    if missing:
        return FileInfo(source.name, source.sha256, kind, len(table.frame), table.encoding, [u for u in unknown if u]), []
    rows = Rows(table, spec, mapping, ctx, problems)
    rows.school = row_schools
    parts = STAGERS[kind](rows)
    for part in parts:
        part.headers = {f: rows.header(f) for f in mapping}
    return FileInfo(source.name, source.sha256, kind, len(table.frame), table.encoding, [u for u in unknown if u]), parts


@dataclass
class Outcome:
    import_id: int | None
    results: list[TargetResult]

    @property
    def added(self) -> int:
        return sum(r.added for r in self.results)

    @property
    def changed(self) -> int:
        return sum(r.changed for r in self.results)

    @property
    def unchanged(self) -> int:
        return sum(r.unchanged for r in self.results)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"what": r.label, "added": r.added, "changed": r.changed, "left alone": r.unchanged}
                             for r in self.results], columns=["what", "added", "changed", "left alone"])

    def sentence(self) -> str:
        return f"{self.added:,} rows to add, {self.changed:,} to change, {self.unchanged:,} already up to date"


def preview(db, batch: Batch) -> Outcome:
    """What committing would do: the same writes, in a transaction that is rolled back."""
    if not batch.ok:
        raise ImportFailed(batch.problems)
    cur = db.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        results = apply_all(cur, None, batch.staged, school_id=batch.school_id)
    finally:
        cur.execute("ROLLBACK")
    return Outcome(None, results)


def commit(db, batch: Batch, actor, *, progress=None) -> Outcome:
    """Write the whole batch in one transaction (all or nothing), with its history and an audit entry."""
    if isinstance(actor, Viewer) and actor.role not in IMPORT_ROLES:  # the command line is the file's owner
        raise AccessDenied("imports are made by the SENCO and the administrator")
    if not batch.ok:
        raise ImportFailed(batch.problems)

    def work(w):
        extend_calendar(w)  # a school set up with `sendboard init` gets each new academic year as it comes
        import_id = int(w.run("import_insert", username=getattr(actor, "username", actor), school_id=batch.school_id,
                              file_count=len(batch.files), added=0, changed=0, unchanged=0)[0][0])
        results = apply_all(w.cur, import_id, batch.staged, progress, school_id=batch.school_id)
        out = Outcome(import_id, results)
        w.run("security_import_set_counts", added=out.added, changed=out.changed, unchanged=out.unchanged,
              import_id=import_id)
        for i, f in enumerate(batch.files):
            w.run("import_file_insert", import_id=import_id, position=i, file_name=f.name, sha256=f.sha256, kind=f.kind, rows=f.rows,
                  source=f.source, file_date=f.file_date)
        audit.record_change(w, actor, "import", object_type="import", object_id=import_id,
                            detail={"files": [{"name": f.name, "sha256": f.sha256, "kind": f.kind, "rows": f.rows,
                                               **({"source": f.source, "file_date": str(f.file_date)} if f.source else {})}
                                              for f in batch.files],
                                    "added": out.added, "changed": out.changed, "unchanged": out.unchanged})
        return out

    return db.write(work, retries=0)


def last_import(db, school_id: int | None = None):
    rows = db.query_rows("import_last_open", school_id=school_id)
    return rows[0] if rows else None


def undo_last(db, actor, school_id: int | None = None) -> dict[str, int]:
    """Undo the most recent import (if it has not been undone): the rows it touched go back exactly."""
    if isinstance(actor, Viewer) and actor.role not in IMPORT_ROLES:
        raise AccessDenied("imports are made and undone by the SENCO and the administrator")
    last = last_import(db, school_id)
    if last is None:
        raise ValueError("There is no import to undo (the last one has already been undone, or there are none).")
    import_id = int(last[0])

    def work(w):
        done = undo(w.cur, import_id)
        w.run("import_mark_undone", import_id=import_id, username=getattr(actor, "username", actor))
        w.run("import_forget_changes", import_id=import_id)
        audit.record_change(w, actor, "import_undone", object_type="import", object_id=import_id, detail=done)
        return done

    return db.write(work, retries=0)


def history(db, school_id: int | None = None, limit: int = 50) -> pd.DataFrame:
    return db.query("import_history", school_id=school_id, limit=limit)


def transfer_sources(db, school_id: int | None = None, limit: int = 50) -> pd.DataFrame:
    """Each transfer file in the history, ready to show: import (marked if undone), file, sending school (with
    CTF version, full or partial) and when the file was made."""
    rows = db.query("import_file_sources", school_id=school_id, limit=limit)
    made = pd.to_datetime(rows["file_date"])
    return pd.DataFrame({
        "Import": rows["import_id"].astype(str) + rows["undone"].map({True: " (undone)", False: ""}),
        "File": rows["file_name"], "Sent by": rows["source"],
        "File made": made.dt.strftime("%d/%m/%Y %H:%M").where(made.notna(), "(not given)")})
