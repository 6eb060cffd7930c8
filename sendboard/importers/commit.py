"""Writing a validated import in one transaction, and undoing it.

Each staged frame is resolved to its table's columns by SQL inside the transaction (UPN -> pupil_id,
group name -> group_id, ...), classified against what is held (add / change / same), and then the
changed rows' old values and the added rows' keys are logged in import_changes before the table is
updated. Undo reads that log back. Table and column names here come from this module's constants only;
every value is a bound parameter or a registered DataFrame.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from ..db import Writer
from ..sqltext import SQL, column_type, compose, ident, idents, join, qualified
from .validate import Staged


@dataclass(frozen=True)
class Target:
    table: str
    keys: tuple[str, ...]
    select: SQL                        # SQL over _stage giving the table's columns (a composed constant)
    insert_cols: tuple[str, ...]       # columns written for a new row (keys included)
    label: str


# A staged row names its pupil by UPN and the school the import is for (_school): a pupil is only ever
# matched within that school, so no import can write to another school's pupil even if validation missed it.
_P = compose("JOIN pupils p ON p.upn = s.upn AND p.school_id = s._school")
TARGETS: dict[str, Target] = {t.table if t.table not in ("staff",) else t.label: t for t in ()}


def _t(name, table, keys, select, insert_cols, label):
    ident(table), idents(keys), idents(insert_cols)  # every name a plain identifier, checked once here
    if not isinstance(select, SQL):
        raise TypeError(f"the select of import target {name!r} must be made with sendboard.sqltext.compose")
    TARGETS[name] = Target(table, tuple(keys), select, tuple(insert_cols), label)


_t("pupils", "pupils", ["upn"],
   # a UPN held by another school is left out here, so it is inserted and the unique UPN refuses the whole import
   compose("SELECT upn, school_id, first_name, last_name, date_of_birth, gender, disadvantaged, fsm, eal, "
           "entry_date, leaving_date FROM _stage s WHERE NOT EXISTS (SELECT 1 FROM pupils o WHERE o.upn = s.upn "
           "AND o.school_id <> s.school_id)"),
   ["upn", "school_id", "first_name", "last_name", "date_of_birth", "gender", "disadvantaged", "fsm", "eal", "entry_date", "leaving_date"],
   "pupils")
_t("enrolments", "enrolments", ["pupil_id", "academic_year"],
   compose("SELECT p.pupil_id, p.school_id, s.academic_year, s.year_group FROM _stage s {p}", p=_P),
   ["pupil_id", "school_id", "academic_year", "year_group"], "year groups")
_t("staff_by_email", "staff", ["school_id", "email"],
   compose("SELECT * EXCLUDE (_file, _where) FROM _stage s"),
   ["school_id", "first_name", "last_name", "email", "staff_role", "fte", "annual_salary", "start_date", "end_date"], "staff")
_t("staff_by_name", "staff", ["school_id", "first_name", "last_name"],
   compose("SELECT * EXCLUDE (_file, _where) FROM _stage s"),
   ["school_id", "first_name", "last_name", "email", "staff_role", "fte", "annual_salary", "start_date", "end_date"], "staff")
_t("teaching_groups", "teaching_groups", ["school_id", "academic_year", "name"],
   compose("SELECT school_id, academic_year, name, kind, subject, year_group FROM _stage s"),
   ["school_id", "academic_year", "name", "kind", "subject", "year_group"], "teaching groups")
_t("group_members", "group_members", ["group_id", "pupil_id", "start_date"],
   compose("SELECT g.group_id, p.pupil_id, s.start_date, s.end_date FROM _stage s {p} JOIN teaching_groups g ON "
           "g.school_id = s.school_id AND g.academic_year = s.academic_year AND g.name = s.group_name", p=_P),
   ["group_id", "pupil_id", "start_date", "end_date"], "group memberships")
_t("group_teachers", "group_teachers", ["group_id", "staff_id", "start_date"],
   compose("SELECT g.group_id, min(st.staff_id) AS staff_id, s.start_date, s.end_date FROM _stage s JOIN staff "
           "st ON lower(st.email) = s.email AND st.school_id = s.school_id JOIN teaching_groups g ON g.school_id"
           " = s.school_id AND g.academic_year = s.academic_year AND g.name = s.group_name GROUP BY ALL"),
   ["group_id", "staff_id", "start_date", "end_date"], "group teachers")
_t("interventions", "interventions", ["school_id", "name"],
   compose("SELECT * EXCLUDE (_file, _where) FROM _stage s"),
   ["school_id", "name", "areas", "wave", "delivered_by", "group_size", "sessions_per_week", "minutes_per_session",
    "planned_weeks", "other_costs", "measure", "measure_scale", "higher_is_better"], "interventions")
_t("sen_provision", "sen_provision", ["pupil_id", "start_date"],
   compose("SELECT p.pupil_id, s.code, s.start_date, s.end_date FROM _stage s {p}", p=_P),
   ["pupil_id", "code", "start_date", "end_date"], "SEN provision")
_t("sen_needs", "sen_needs", ["pupil_id", "need_code", "start_date"],
   compose("SELECT p.pupil_id, s.need_code, s.need_rank, s.start_date, s.end_date FROM _stage s {p}", p=_P),
   ["pupil_id", "need_code", "need_rank", "start_date", "end_date"], "SEN needs")
_t("assessments", "assessments", ["pupil_id", "term_id", "subject"],
   compose("SELECT p.pupil_id, s.term_id, s.subject, s.score, s.scale, s.expected_standard FROM _stage s {p}", p=_P),
   ["pupil_id", "term_id", "subject", "score", "scale", "expected_standard"], "assessment results")
_t("attendance", "attendance", ["pupil_id", "term_id"],
   compose("SELECT p.pupil_id, s.term_id, s.possible_sessions, s.attended_sessions FROM _stage s {p}", p=_P),
   ["pupil_id", "term_id", "possible_sessions", "attended_sessions"], "attendance")
_t("suspensions", "suspensions", ["pupil_id", "start_date"],
   compose("SELECT p.pupil_id, s.term_id, s.start_date, s.days FROM _stage s {p}", p=_P),
   ["pupil_id", "term_id", "start_date", "days"], "suspensions")
_t("allocations", "allocations", ["pupil_id", "intervention_id", "start_date"],
   compose("SELECT p.pupil_id, i.intervention_id, s.start_date, s.end_date, s.group_label, s.sessions_attended, "
           "s.entry_score, s.exit_score, s.delivery FROM _stage s {p} JOIN interventions i ON i.school_id = "
           "s.school_id AND i.name = s.intervention", p=_P),
   ["pupil_id", "intervention_id", "start_date", "end_date", "group_label", "sessions_attended", "entry_score", "exit_score",
    "delivery"],
   "intervention allocations")
# The weekly sessions of allocations (provision area, migration 018): an allocation's sessions in a file
# replace the ones held (see REPLACE_WITHIN); the ones it drops are logged so that undo puts them back.
_t("allocation_sessions", "allocation_sessions", ["allocation_id", "day_of_week", "start_time"],
   compose("SELECT a.allocation_id, s.day_of_week, s.start_time FROM _stage s {p} JOIN interventions i ON "
           "i.school_id = s.school_id AND i.name = s.intervention JOIN allocations a ON a.pupil_id = p.pupil_id "
           "AND a.intervention_id = i.intervention_id AND a.start_date = s.start_date", p=_P),
   ["allocation_id", "day_of_week", "start_time"], "intervention sessions")
REPLACE_WITHIN = {"allocation_sessions": "allocation_id"}

ORDER = ("pupils", "enrolments", "staff_by_email", "staff_by_name", "teaching_groups", "group_members", "group_teachers",
         "interventions", "sen_provision", "sen_needs", "assessments", "attendance", "suspensions", "allocations",
         "allocation_sessions")


def _types(w: Writer, table: str) -> dict[str, str]:
    return dict(w.run("lowlevel_column_types", t=table))


def _match(keys, left="t", right="c") -> SQL:
    return join((compose("{l} IS NOT DISTINCT FROM {r}", l=qualified(left, k), r=qualified(right, k)) for k in keys),
                " AND ")


@dataclass
class TargetResult:
    target: str
    label: str
    added: int
    changed: int
    unchanged: int
    samples: pd.DataFrame      # a few rows of each state


def apply_target(w: Writer, import_id: int | None, name: str, frames: list[Staged], *, samples: int = 5,
                 school_id: int | None = None) -> TargetResult:
    """Write one target's staged rows. With import_id None, nothing is logged (a preview)."""
    target = TARGETS[name]
    frame = pd.concat([s.frame for s in frames], ignore_index=True) if len(frames) > 1 else frames[0].frame
    if "_school" not in frame.columns:  # rows staged without their school are for the import's school
        frame = frame.assign(_school=school_id)
    frame["_school"] = frame["_school"].astype("Int64")
    update_cols = sorted(set().union(*[s.update_cols for s in frames]))
    types = _types(w, target.table)
    table = ident(target.table)
    cols = list(target.insert_cols)
    cast = join(compose("CAST({x} AS {type}) AS {c}", x=qualified("x", c), type=column_type(types[c]), c=ident(c))
                for c in cols)
    with w.registered("_stage", frame):
        w.statement(compose("CREATE OR REPLACE TEMP TABLE _src AS SELECT DISTINCT ON ({keys}) {cast} FROM ({select}) x",
                            keys=idents(target.keys), cast=cast, select=target.select))
    values = [c for c in update_cols if c in types and c not in target.keys]
    differs = (join((compose("{c} IS DISTINCT FROM {t}", c=qualified("c", v), t=qualified("t", v)) for v in values), " OR ")
               if values else compose("false"))
    w.statement(compose(
        "CREATE OR REPLACE TEMP TABLE _cls AS SELECT c.*, CASE WHEN t._here IS NULL THEN 'add' "
        "WHEN {differs} THEN 'change' ELSE 'same' END AS _state "
        "FROM _src c LEFT JOIN (SELECT *, true AS _here FROM {table}) t ON {match}",
        differs=differs, table=table, match=_match(target.keys)))
    counts = dict(w.run("lowlevel_import_state_counts"))
    # the preview's examples name pupils by UPN (what the file and the MIS use), not by sendboard's own number
    by_upn = "pupil_id" in cols
    examples = "lowlevel_import_examples_by_upn" if by_upn else "lowlevel_import_examples"
    sample = w.query(examples, n=int(samples)).drop(columns="_n")
    if by_upn:
        sample = sample.drop(columns="pupil_id")
    has_pupil = "pupil_id" in types
    pupil = compose("t.pupil_id") if has_pupil else compose("NULL")
    key_json = compose("to_json(struct_pack({pairs}))",
                       pairs=join(compose("{k} := {v}", k=ident(k), v=qualified("t", k)) for k in target.keys))
    if counts.get("change"):
        if import_id is not None:
            w.statement(compose(
                "INSERT INTO import_changes SELECT $id, $table, 'update', {pupil}, {key_json}, to_json(t) "
                "FROM {table} t JOIN _cls c ON {match} WHERE c._state = 'change'",
                pupil=pupil, key_json=key_json, table=table, match=_match(target.keys)),
                id=import_id, table=target.table)
        sets = join(compose("{v} = {c}", v=ident(v), c=qualified("c", v)) for v in values)
        w.statement(compose("UPDATE {table} t SET {sets} FROM _cls c WHERE {match} AND c._state = 'change'",
                            table=table, sets=sets, match=_match(target.keys)))
    dropped = 0
    if name in REPLACE_WITHIN:
        # rows held for the same parent (e.g. allocation) that the file no longer lists: logged as changed
        # (undo inserts the old row back) and deleted
        parent = REPLACE_WITHIN[name]
        stale = compose("FROM {table} t WHERE {t_parent} IN (SELECT {parent} FROM _src) "
                        "AND NOT EXISTS (SELECT 1 FROM _src c WHERE {match})",
                        table=table, t_parent=qualified("t", parent), parent=ident(parent), match=_match(target.keys))
        dropped = int(w.statement(compose("SELECT count(*) {stale}", stale=stale))[0][0])
        if dropped and import_id is not None:
            w.statement(compose("INSERT INTO import_changes SELECT $id, $table, 'update', NULL, {key_json}, to_json(t) {stale}",
                                key_json=key_json, stale=stale),
                        id=import_id, table=target.table)
        if dropped:
            w.statement(compose("DELETE {stale}", stale=stale))
    if counts.get("add"):
        col_list = idents(cols)
        w.statement(compose("INSERT INTO {table} ({cols}) SELECT {cols} FROM _cls WHERE _state = 'add'",
                            table=table, cols=col_list))
        if import_id is not None:
            w.statement(compose(
                "INSERT INTO import_changes SELECT $id, $table, 'insert', {pupil}, {key_json}, NULL "
                "FROM _cls c JOIN {table} t ON {match} WHERE c._state = 'add'",
                pupil=pupil, key_json=key_json, table=table, match=_match(target.keys)),
                id=import_id, table=target.table)
    w.run("lowlevel_drop_import_source")
    w.run("lowlevel_drop_import_classified")
    return TargetResult(name, target.label, int(counts.get("add", 0)), int(counts.get("change", 0)) + dropped,
                        int(counts.get("same", 0)), sample)


def apply_all(w: Writer, import_id: int | None, staged: list[Staged], progress=None, school_id: int | None = None) -> list[TargetResult]:
    results = []
    names = [n for n in ORDER if any(s.target == n and len(s.frame) for s in staged)]
    for i, name in enumerate(names):
        frames = [s for s in staged if s.target == name and len(s.frame)]
        results.append(apply_target(w, import_id, name, frames, school_id=school_id))
        if progress:
            progress((i + 1) / len(names), f"Written {TARGETS[name].label}")
    return results


def undo(w: Writer, import_id: int) -> dict[str, int]:
    """Put back every row the import touched, in reverse order: delete what it added or changed (by key),
    then insert the old rows."""
    done: dict[str, int] = {}
    tables = [r[0] for r in w.run("lowlevel_import_changed_tables", id=import_id)]
    order = [TARGETS[n].table for n in ORDER]
    tables.sort(key=lambda t: -order.index(t) if t in order else 0)
    for table in tables:
        if table not in order:
            raise ValueError(f"unknown table {table!r} in the import log")
        types = _types(w, table)
        keysets = w.run("lowlevel_import_key_sets", id=import_id, t=table)
        for (keys,) in keysets:
            kstruct = json.dumps({k: types[k] for k in keys})
            w.run("lowlevel_undo_keys_create", s=kstruct, id=import_id, t=table, keys=keys)
            w.statement(compose("DELETE FROM {table} t USING _undo_keys c WHERE {match}", table=ident(table),
                                match=_match(keys)))
        struct = json.dumps(types)
        w.statement(compose("INSERT INTO {table} BY NAME SELECT unnest(json_transform(old_row, $s)) FROM import_changes "
                            "WHERE import_id = $id AND table_name = $t AND op = 'update'", table=ident(table)),
                    s=struct, id=import_id, t=table)
        done[table] = int(w.run("lowlevel_import_change_count", id=import_id, t=table)[0][0])
    w.run("lowlevel_drop_undo_keys")
    return done
