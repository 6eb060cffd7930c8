"""Scope by construction: no raw cursor outside the data layer, every pupil-reading named query through the
scope macros (or marked exempt with a reason), one may_see_pupil, and a teacher's scope held to their school."""
from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from sendboard import db as dbmod
from sendboard.scope import Scope, may_see_pupil

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 1, 20)  # the fixture school's today

# Modules that may hold a raw DuckDB cursor or connection, each with the reason. Everything else reads and
# writes through db.query / db.query_rows / db.scalar / db.write (named SQL only).
RAW_CURSOR_ALLOWED = {
    "sendboard/db.py": "the data layer itself: owns the one connection and every cursor",
    "sendboard/backup.py": "backup and restore work on other database files than the open one (ATTACH a copy, "
                           "open a copied file on its own connection, swap files on disk), below any Database",
}
RAW_METHODS = {"cursor", "execute", "executemany", "sql", "fetchone", "fetchall", "fetchdf"}


def _python_files():
    yield ROOT / "streamlit_app.py"
    for folder in ("sendboard", "pages", "scripts"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def raw_database_uses(path: Path, rel: str | None = None) -> list[str]:
    """'file:line what' for every raw cursor call, .con access or duckdb.connect in one source file."""
    rel = rel or path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RAW_METHODS:
            found.append(f"{rel}:{node.lineno} .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and node.attr == "con" and isinstance(node.ctx, ast.Load):
            found.append(f"{rel}:{node.lineno} .con")
        elif (isinstance(node, ast.Attribute) and node.attr == "connect" and isinstance(node.value, ast.Name)
              and node.value.id == "duckdb"):
            found.append(f"{rel}:{node.lineno} duckdb.connect")  # (importing duckdb for its exception types is fine)
    return found


def test_no_raw_cursor_outside_the_data_layer():
    offenders = [use for path in _python_files()
                 if path.relative_to(ROOT).as_posix() not in RAW_CURSOR_ALLOWED
                 for use in raw_database_uses(path)]
    assert not offenders, "raw database use outside db.py and its allow-list (use a named query):\n" + "\n".join(offenders)


def test_the_raw_cursor_check_finds_a_planted_use(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("import duckdb\n\ndef f(db):\n    return db.cursor().execute('SELECT 1')\n\n"
                       "def g(db):\n    db.con.close()\n    return duckdb.connect('x')\n", encoding="utf-8")
    assert sorted(raw_database_uses(planted, "sendboard/planted.py")) == [
        "sendboard/planted.py:4 .cursor()", "sendboard/planted.py:4 .execute()", "sendboard/planted.py:7 .con",
        "sendboard/planted.py:8 duckdb.connect"]


def test_sql_outside_the_named_statements_must_be_composed(fixture_db):
    """The few statements that name a table only known at run time go through db.py's methods, which take
    only text made by sqltext.compose, and still pass the audit guard."""
    from sendboard.sqltext import compose, ident

    with pytest.raises(TypeError, match="sqltext.compose"):
        fixture_db.composed_rows("SELECT count(*) FROM pupils")
    with pytest.raises(TypeError, match="sqltext.compose"):
        fixture_db.write(lambda w: w.statement("DELETE FROM pupils"))
    with pytest.raises(PermissionError, match="append-only"):
        fixture_db.write(lambda w: w.statement(compose("DELETE FROM {t}", t=ident("audit_log"))))
    with pytest.raises(PermissionError, match="append-only"):  # the read methods run only reads of it
        fixture_db.composed_rows(compose("DELETE FROM {t} RETURNING 1", t=ident("audit_log")))
    assert fixture_db.composed_rows(compose("SELECT count(*) FROM {t}", t=ident("pupils"))) == [(21,)]


def test_a_rehearsal_is_rolled_back(fixture_db):
    from sendboard.sqltext import compose, ident

    def attempt(w):
        w.statement(compose("DELETE FROM {t} WHERE pupil_id = $p", t=ident("sen_needs")), p=1)
        return w.statement(compose("SELECT count(*) FROM {t} WHERE pupil_id = $p", t=ident("sen_needs")), p=1)[0][0]

    before = fixture_db.composed_rows(compose("SELECT count(*) FROM {t} WHERE pupil_id = $p", t=ident("sen_needs")), p=1)
    assert before[0][0] > 0 and fixture_db.rehearse(attempt) == 0  # gone inside the rehearsal
    assert fixture_db.composed_rows(compose("SELECT count(*) FROM {t} WHERE pupil_id = $p", t=ident("sen_needs")), p=1) == before


def test_every_allowed_module_exists_and_still_needs_it():
    for rel in RAW_CURSOR_ALLOWED:
        assert raw_database_uses(ROOT / rel), f"{rel} no longer uses a raw cursor: take it off the allow-list"


# --------------------------------------------------------------------------- the Scope, bound by the data layer

DB_CALLS = {"query", "query_rows", "scalar", "run", "run_unversioned"}
SCOPE_PARAMETERS = set(dbmod.SCOPE_PARAMETERS)
# Modules still written the old way (viewer and today by hand), while a conversion is under way: a module
# that no longer needs to be here fails, so the set only shrinks. Empty: every module takes the Scope.
NOT_YET_SCOPED: set[str] = set()


def _passes_viewer_and_today(call: ast.Call) -> bool:
    """A call (other than making the Scope, or the page context that holds it) given both a viewer and a
    today: ``viewer``/``today`` or ``ctx.viewer``/``ctx.today``, positionally or by keyword."""
    if isinstance(call.func, ast.Name) and call.func.id in ("Scope", "PageContext"):
        return False
    given = set()
    for arg in list(call.args) + [k.value for k in call.keywords]:
        if isinstance(arg, ast.Name) and arg.id in ("viewer", "today"):
            given.add(arg.id)
        elif isinstance(arg, ast.Attribute) and arg.attr in ("viewer", "today"):
            given.add(arg.attr)
    return given == {"viewer", "today"}


def hand_scoped_calls(path: Path, rel: str | None = None) -> list[str]:
    """'file:line what' for every named-statement call given viewer_id= or today= by hand, every parameter
    dict holding a viewer id (dict(viewer_id=...) or {"viewer_id": ...}, for a later **params), and every function
    that takes both a viewer and a today, or call that is given both, instead of the Scope."""
    rel = rel or path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)):
        if isinstance(node, ast.Call):
            named = {k.arg for k in node.keywords} & SCOPE_PARAMETERS
            if named and isinstance(node.func, ast.Attribute) and node.func.attr in DB_CALLS:
                found.append(f"{rel}:{node.lineno} .{node.func.attr}({', '.join(sorted(named))}=)")
            elif _passes_viewer_and_today(node):
                found.append(f"{rel}:{node.lineno} {ast.unparse(node.func)}(viewer, ..., today)")
            elif "viewer_id" in named and isinstance(node.func, ast.Name) and node.func.id == "dict":
                found.append(f"{rel}:{node.lineno} dict(viewer_id=)")
        elif isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "viewer_id" for k in node.keys):
            # (a "today" key alone is too common in frames and settings to flag; the data layer refuses it at run time)
            found.append(f"{rel}:{node.lineno} {{viewer_id: ...}}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = {a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
            if {"viewer", "today"} <= names:
                found.append(f"{rel}:{node.lineno} def {node.name}(viewer, today)")
    return found


def _scope_checked_files():
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel != "sendboard/db.py" and rel not in NOT_YET_SCOPED:  # db.py is where the scope is bound
            yield path


def test_no_caller_passes_the_viewer_or_today_by_hand():
    offenders = [use for path in _scope_checked_files() for use in hand_scoped_calls(path)]
    assert not offenders, ("viewer_id / today passed by hand, or a function taking viewer and today: pass the "
                           "Scope (ctx.scope) instead:\n" + "\n".join(offenders))


def test_the_hand_scope_check_finds_planted_uses(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "def rows(db, viewer, school_id, today):\n"
        "    a = db.query('x', viewer_id=viewer.user_id, today=today)\n"
        "    b = db.scalar('y', scope=scope, school_id=school_id)\n"
        "    params = dict(viewer_id=viewer.user_id, school_id=school_id)\n"
        "    other = {'viewer_id': 3, 'today': today}\n"
        "    w.run('z', today=today)\n"
        "    ui.cached(register.roster, ctx.viewer, 1, ctx.as_at, ctx.today)\n"
        "    return a, b, params, other\n", encoding="utf-8")
    assert hand_scoped_calls(planted, "sendboard/planted.py") == [
        "sendboard/planted.py:1 def rows(viewer, today)", "sendboard/planted.py:2 .query(today, viewer_id=)",
        "sendboard/planted.py:4 dict(viewer_id=)", "sendboard/planted.py:5 {viewer_id: ...}",
        "sendboard/planted.py:6 .run(today=)", "sendboard/planted.py:7 ui.cached(viewer, ..., today)"]


def test_every_module_not_yet_scoped_still_needs_it():
    for rel in NOT_YET_SCOPED:
        assert hand_scoped_calls(ROOT / rel), f"{rel} is scoped now: take it off NOT_YET_SCOPED"


def test_a_scoped_statement_refuses_a_hand_passed_viewer_or_date(fixture_db, viewers):
    teacher, head = viewers["teacher"], viewers["head"]
    with pytest.raises(dbmod.ScopeError, match="'teaching_groups_visible'.*viewer_id"):
        fixture_db.query("teaching_groups_visible", viewer_id=head.user_id, school_id=1, academic_year=2025,
                         scope=Scope(teacher, TODAY))
    with pytest.raises(dbmod.ScopeError, match="'scope_pupil_visible'.*today"):
        fixture_db.scalar("scope_pupil_visible", today=date(2030, 1, 1), pupil_id=11, school_id=None,
                          scope=Scope(teacher, TODAY))
    # even on a statement that takes no scope: the names are reserved for the scope
    with pytest.raises(dbmod.ScopeError, match="'term_list'"):
        fixture_db.query("term_list", today=TODAY)


def test_a_scoped_statement_refuses_to_run_without_a_scope(fixture_db, viewers):
    for call in (fixture_db.query, fixture_db.query_rows, fixture_db.scalar):
        with pytest.raises(dbmod.ScopeError, match="'classroom_group_member_ids' is scoped.*scope="):
            call("classroom_group_member_ids", group_id=201, as_at=TODAY)
    with pytest.raises(dbmod.ScopeError, match="not Viewer"):  # a bare Viewer is not a Scope
        fixture_db.query("classroom_group_member_ids", scope=viewers["teacher"], group_id=201, as_at=TODAY)
    with pytest.raises(dbmod.ScopeError, match="'visible_school_list' is scoped"):
        fixture_db.write(lambda w: w.run("visible_school_list"))


def test_the_scope_gives_the_statement_its_viewer_and_date(fixture_db, viewers):
    """Same statement, same arguments: the rows follow the scope's viewer (teacher: 7A = pupils 1-10,
    teacher2: 8A = 11-20) and its date (before the groups' start on 1 September 2025, nobody is taught)."""
    def members(viewer, today, group_id):
        return [r[0] for r in fixture_db.query_rows("classroom_group_member_ids", scope=Scope(viewer, today),
                                                    group_id=group_id, as_at=TODAY)]

    assert members(viewers["teacher"], TODAY, 201) == list(range(1, 11))
    assert members(viewers["teacher2"], TODAY, 201) == []
    assert members(viewers["teacher"], date(2025, 8, 1), 201) == []
    assert fixture_db.query("term_list").shape[0] > 0  # a statement with no scope parameter needs no scope


def test_a_scope_is_a_frozen_hashable_viewer_and_date(viewers):
    from datetime import datetime

    a, b = Scope(viewers["teacher"], TODAY), Scope(viewers["teacher"], TODAY)
    assert a == b and hash(a) == hash(b) and a != Scope(viewers["teacher2"], TODAY)
    with pytest.raises(AttributeError):
        a.today = date(2030, 1, 1)
    with pytest.raises(TypeError):
        Scope(viewers["teacher"].user_id, TODAY)
    with pytest.raises(TypeError):
        Scope(viewers["teacher"], datetime(2026, 1, 20, 9, 0))


# --------------------------------------------------------------------------- named queries and the scope macros

SCOPE_MACROS = ("visible_pupils", "visible_groups", "visible_schools")
EXEMPT = re.compile(r"--\s*scope-exempt:\s*(\S.*)")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)


def _macros() -> dict[str, str]:
    """Every table or scalar macro the migrations define, by name, with its body (the last definition)."""
    found = {}
    for path in sorted(dbmod.MIGRATIONS_DIR.glob("*.sql")):
        text = _COMMENT.sub(" ", path.read_text(encoding="utf-8"))
        for m in re.finditer(r"CREATE\s+(?:OR\s+REPLACE\s+)?MACRO\s+(\w+)\s*\(.*?\)\s+AS(.*?)(?=CREATE\s|\Z)", text, re.S | re.I):
            found[m.group(1).lower()] = m.group(2).lower()
    return found


def _reads(sql: str, tables: set[str], macros: set[str]) -> set[str]:
    code = _COMMENT.sub(" ", sql).lower()
    hit = {t for t in tables if re.search(r"\b(?:from|join|using)\s+(?:main\.)?\"?" + t + r"\b", code)}
    return hit | {m for m in macros if re.search(r"\b" + m + r"\s*\(", code)}


def unscoped_pupil_queries(queries: dict[str, str], pupil_tables: set[str]) -> list[str]:
    """Named queries that read a pupil-level table (or a macro over one) with no scope macro and no
    'scope-exempt: reason' comment: 'name (reads: ...)'."""
    macros = _macros()
    scoped = {m for m, body in macros.items() if any(re.search(r"\b" + s + r"\s*\(", body) for s in SCOPE_MACROS)}
    scoped |= set(SCOPE_MACROS)
    over_pupils = {m for m, body in macros.items() if m not in scoped and _reads(body, pupil_tables, set())}
    bad = []
    for name, sql in queries.items():
        reads = _reads(sql, pupil_tables, over_pupils)
        if not reads or _reads(sql, set(), scoped) or EXEMPT.search(sql):
            continue
        bad.append(f"{name} (reads: {', '.join(sorted(reads))})")
    return bad


@pytest.fixture(scope="module")
def pupil_tables(_fixture_template) -> set[str]:
    db = dbmod.Database(_fixture_template, read_only=True)
    try:
        return {r[0] for r in db.query_rows("security_pupil_level_tables")}
    finally:
        db.close()


def test_pupil_level_tables_come_from_the_schema(pupil_tables):
    assert {"pupils", "sen_provision", "passports", "concerns", "audit_log"} <= pupil_tables
    assert "users" not in pupil_tables and "teaching_groups" not in pupil_tables


def test_every_pupil_reading_query_goes_through_the_scope_macros(pupil_tables):
    bad = unscoped_pupil_queries(dbmod.named_queries(), pupil_tables)
    assert not bad, ("named queries that read pupil-level tables without visible_pupils/visible_groups/"
                     "visible_schools, and no '-- scope-exempt: reason':\n" + "\n".join(bad))


def test_every_exemption_gives_a_reason():
    for name, sql in dbmod.named_queries().items():
        for reason in EXEMPT.findall(sql):
            assert len(reason.split()) >= 3, f"{name}: the scope exemption needs a reason in words, not {reason!r}"


def test_the_query_check_names_an_unscoped_query(pupil_tables):
    planted = {
        "leaky": "SELECT first_name FROM pupils WHERE school_id = $school_id",
        "leaky_macro": "SELECT * FROM roll_at($as_at)",
        "scoped": "SELECT first_name FROM pupils WHERE pupil_id IN (SELECT pupil_id FROM visible_pupils($v, $t))",
        "exempt": "-- scope-exempt: reached only after the caller checked may_see_pupil\nSELECT 1 FROM pupils",
        "not_pupils": "SELECT name FROM schools",
    }
    assert unscoped_pupil_queries(planted, pupil_tables) == ["leaky (reads: pupils)", "leaky_macro (reads: roll_at)"]


# --------------------------------------------------------------------------- one may_see_pupil


def test_may_see_pupil_is_defined_once_and_its_query_used_once():
    definers, users = [], []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and re.fullmatch(r"_?(may|can)_see(_pupil)?", node.name):
                definers.append(f"{rel}:{node.lineno} {node.name}")
        if "scope_pupil_visible" in text:
            users.append(rel)
    assert [d.split(":")[0] + " " + d.split(" ")[1] for d in definers] == ["sendboard/scope.py may_see_pupil"], definers
    assert users == ["sendboard/scope.py"], users


def test_may_see_pupil_answers_for_every_role(fixture_db, viewers):
    # The fixture: teacher (staff 101) teaches 7A = pupils 1-10, teacher2 teaches 8A = pupils 11-20, both in
    # school 1; pupil 21 is in school 2 of the same trust.
    teacher, teacher2, head, trust, governor, admin = (viewers[k] for k in ("teacher", "teacher2", "head", "trust", "governor", "admin"))

    def seen(viewer, **kw):
        return [p for p in range(1, 22) if may_see_pupil(fixture_db, Scope(viewer, TODAY), p, **kw)]

    assert seen(teacher) == list(range(1, 11))
    assert seen(teacher2) == list(range(11, 21))
    assert seen(head) == list(range(1, 21))
    assert seen(trust) == list(range(1, 22))
    assert seen(trust, school_id=2) == [21]
    assert seen(governor) == [] and seen(admin) == []
    assert not may_see_pupil(fixture_db, Scope(head, TODAY), "1; DROP TABLE pupils")
    assert not may_see_pupil(fixture_db, Scope(head, TODAY), True)


# --------------------------------------------------------------------------- a teacher linked across schools


def _link_teacher_to_other_school(db):
    """Teacher (staff 101, school 1) made to teach group 301 of school 2 (pupil 21), and pupil 21 put in
    school 1's group 7A too: the two ways a bad import could reach across schools."""
    cur = db.cursor()
    cur.execute("INSERT INTO teaching_groups VALUES (301, 2, 2025, '7E', 'form', NULL, 7)")
    cur.execute("INSERT INTO group_teachers VALUES (301, 101, DATE '2025-09-01', NULL)")
    cur.execute("INSERT INTO group_members VALUES (301, 21, DATE '2025-09-01', NULL), (201, 21, DATE '2025-09-01', NULL)")


def _teacher_reach(db, viewer):
    cur = db.cursor()
    pupils = {r[0] for r in cur.execute("SELECT pupil_id FROM visible_pupils($v, $t)", {"v": viewer.user_id, "t": TODAY}).fetchall()}
    groups = {r[0] for r in cur.execute("SELECT group_id FROM visible_groups($v, $t)", {"v": viewer.user_id, "t": TODAY}).fetchall()}
    return pupils, groups


def test_a_teacher_linked_to_another_schools_group_sees_nothing_from_it(fixture_db, viewers):
    from sendboard.classroom import passport, profile

    teacher = viewers["teacher"]
    _link_teacher_to_other_school(fixture_db)
    pupils, groups = _teacher_reach(fixture_db, teacher)
    assert pupils == set(range(1, 11)) and groups == {201}
    assert not may_see_pupil(fixture_db, Scope(teacher, TODAY), 21)
    # what the teacher's pages list: the passport picker and the class picker, for either school
    for school in (1, 2):
        choices = passport.pupil_choices(fixture_db, Scope(teacher, TODAY), school, TODAY)
        assert 21 not in set(choices["pupil_id"])
    assert fixture_db.query("teaching_groups_visible", scope=Scope(teacher, TODAY), school_id=2, academic_year=2025).empty
    assert passport.passport(fixture_db, Scope(teacher, TODAY), 21, TODAY) is None
    # the class profile of 7A (school 1), which pupil 21 was wrongly put in: the other school's pupil is not listed
    members = [r[0] for r in fixture_db.query_rows("classroom_group_member_ids", scope=Scope(teacher, TODAY),
                                                   group_id=201, as_at=TODAY)]
    assert members == list(range(1, 11))
    assert profile.groups_for(fixture_db, Scope(teacher, TODAY), 2, 2025).empty
    # the head of school 1 still sees none of school 2's pupils; the trust lead still sees them all
    assert 21 not in _teacher_reach(fixture_db, viewers["head"])[0]
    assert 21 in _teacher_reach(fixture_db, viewers["trust"])[0]


def test_the_scope_before_024_leaked_across_schools(fixture_db, viewers):
    """The same case under the 010 macros: the test above would fail without migration 024."""
    _link_teacher_to_other_school(fixture_db)
    fixture_db.cursor().execute((dbmod.MIGRATIONS_DIR / "010_scope_by_role.sql").read_text(encoding="utf-8"))
    pupils, groups = _teacher_reach(fixture_db, viewers["teacher"])
    assert 21 in pupils and 301 in groups


def test_the_subject_access_export_itself_refuses_a_pupil_the_person_may_not_see(fixture_db, viewers):
    """The export checks itself, whoever calls it: the SENCO gets a pupil of their school; a teacher is
    refused even a pupil of their own classes (the whole file is the SENCO's to give), a governor every
    pupil, and each refusal is audited; the command line (a name, not a signed-in person) is the file's
    owner and gets any."""
    from sendboard.access import AccessDenied
    from sendboard.scope import may_see_pupil
    from sendboard.transfer import subject_access

    senco, teacher, governor = viewers["senco"], viewers["teacher"], viewers["governor"]
    pupils = fixture_db.cursor().execute("SELECT pupil_id, upn FROM pupils ORDER BY pupil_id").fetchall()
    seen = [(pid, upn) for pid, upn in pupils if may_see_pupil(fixture_db, Scope(teacher, TODAY), pid)]
    unseen = [(pid, upn) for pid, upn in pupils if not may_see_pupil(fixture_db, Scope(senco, TODAY), pid)]
    assert seen and unseen  # the fixture has both, or this test would prove nothing
    data, pupil_id = subject_access(fixture_db, Scope(senco, TODAY), seen[0][1], "xlsx")
    assert pupil_id == seen[0][0] and data[:2] == b"PK"
    with pytest.raises(AccessDenied):
        subject_access(fixture_db, Scope(senco, TODAY), unseen[0][1], "xlsx")

    def refusals():
        return fixture_db.cursor().execute(
            "SELECT count(*) FROM audit_log WHERE action = 'access_refused' AND object_type = 'subject_access_export'"
        ).fetchone()[0]

    before = refusals()
    for who in (teacher, governor):
        with pytest.raises(AccessDenied, match="SENCO"):
            subject_access(fixture_db, Scope(who, TODAY), seen[0][1], "xlsx")
    assert refusals() == before + 2
    assert subject_access(fixture_db, "server owner", unseen[0][1], "xlsx")[1] == unseen[0][0]
