"""`sendboard init`, `sendboard school`, `sendboard user add --school URN`, the password rules, and a
missing database refused by every command and by the app (nothing is ever built by accident)."""
from __future__ import annotations

import io
import stat
import sys
from pathlib import Path

import pytest

from sendboard import app_db, auth, cli, passwords
from sendboard import db as dbmod
from sendboard.domain import academic_year_terms
from sendboard.schools import builds_demo_when_missing
from tests.apptest_helpers import all_text, app, signed_in

GOOD = "river otter lantern"
INIT = ["init", "--urn", "146802", "--name", "Northgate High School", "--phase", "secondary", "--la", "383",
        "--la-name", "Leeds", "--admin", "office"]


def run(monkeypatch, *args, stdin: str | None = None) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin if stdin is not None else ""))
    return cli.main([str(a) for a in args])


@pytest.fixture
def new_db(tmp_path, monkeypatch):
    monkeypatch.setenv("SENDBOARD_TODAY", "2026-11-23")
    monkeypatch.delenv("SENDBOARD_DB", raising=False)
    return tmp_path / "school.duckdb"


def made(path: Path) -> dbmod.Database:
    dbmod.close_all()
    return app_db.open_database(path)


# ------------------------------------------------------------------ init


def test_init_makes_one_school_its_calendar_and_one_administrator_and_nothing_else(new_db, monkeypatch, capsys):
    assert run(monkeypatch, *INIT, "--db", new_db, "--password-stdin", stdin=GOOD + "\n") == 0
    assert "Created" in capsys.readouterr().out
    con = made(new_db).cursor()
    assert con.execute("SELECT urn, name, phase, local_authority, trust FROM schools").fetchall() == [
        ("146802", "Northgate High School", "secondary", "Leeds", None)]
    assert con.execute("SELECT la_code FROM school_la_codes").fetchall() == [("383",)]
    assert con.execute("SELECT username, role FROM users").fetchall() == [("office", "admin")]
    # 2026/27 is the current year on 23 November 2026: three years back and one ahead, three terms each
    assert [r[0] for r in con.execute("SELECT academic_year FROM academic_years ORDER BY 1").fetchall()] == [2023, 2024, 2025, 2026, 2027]
    assert con.execute("SELECT count(*) FROM terms").fetchone()[0] == 15
    for table in ("pupils", "staff", "teaching_groups", "sen_provision", "interventions", "support_plans"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    assert con.execute("SELECT count(*) FROM settings WHERE key = 'demo_as_of'").fetchone()[0] == 0
    assert stat.S_IMODE(new_db.stat().st_mode) == 0o600
    assert auth.sign_in(made(new_db), "office", GOOD).role == "admin"


def test_an_import_a_year_later_adds_the_new_academic_year(initialised, tmp_path, monkeypatch):
    monkeypatch.setenv("SENDBOARD_TODAY", "2027-09-10")  # 2027/28 has begun: 2028/29 is now the year ahead
    staff = tmp_path / "staff.csv"
    staff.write_text("Forename,Surname,Email,Role,Start Date\nTom,Okafor,t.okafor@northgate.sch.uk,teacher,01/09/2020\n")
    assert run(monkeypatch, "import", staff, "--db", initialised) == 0
    years = [r[0] for r in made(initialised).cursor().execute("SELECT academic_year FROM academic_years ORDER BY 1").fetchall()]
    assert years == [2023, 2024, 2025, 2026, 2027, 2028]


def test_census_days_are_the_dfe_school_census_thursdays():
    autumn, spring, summer = academic_year_terms(2026)
    # first Thursday of October 2026, third Thursday of January 2027, third Thursday of May 2027
    assert (autumn["census_date"].isoformat(), spring["census_date"].isoformat(), summer["census_date"].isoformat()) == (
        "2026-10-01", "2027-01-21", "2027-05-20")
    assert [t["label"] for t in (autumn, spring, summer)] == ["Autumn 2026", "Spring 2027", "Summer 2027"]


def test_init_asks_for_the_password_twice_and_refuses_two_different_ones(new_db, monkeypatch, capsys):
    answers = iter([GOOD, GOOD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(sys, "stdin", type("Tty", (io.StringIO,), {"isatty": lambda self: True})())
    assert cli.main([*INIT, "--db", str(new_db)]) == 1
    assert "differ" in capsys.readouterr().err
    assert not new_db.exists()


@pytest.mark.parametrize("password,why", [
    ("short-pass", "at least 12 characters"),
    ("qwertyuiop123", "common passwords"),
    ("password1234", "common passwords"),
    ("office-manager-2026", "username"),
    ("northgate rules ok", "school's name"),
    ("sendboard-demo", "demo's published password"),
])
def test_init_refuses_a_weak_password_and_leaves_no_file(new_db, monkeypatch, capsys, password, why):
    assert run(monkeypatch, *INIT, "--db", new_db, "--password-stdin", stdin=password + "\n") == 1
    assert why in capsys.readouterr().err
    assert not new_db.exists() and not Path(str(new_db) + ".wal").exists()


def test_init_names_every_bad_value_and_refuses_an_existing_file(new_db, monkeypatch, capsys):
    assert run(monkeypatch, "init", "--db", new_db, "--urn", "12345", "--name", " ", "--phase", "primary", "--la", "38",
               "--admin", "office", "--password-stdin", stdin=GOOD + "\n") == 1
    err = capsys.readouterr().err
    assert "URN '12345'" in err and "name" in err and "LA code '38'" in err and "Nothing was created" in err
    assert not new_db.exists()
    new_db.write_bytes(b"")
    assert run(monkeypatch, *INIT, "--db", new_db, "--password-stdin", stdin=GOOD + "\n") == 1
    assert "already exists" in capsys.readouterr().err


def test_a_password_is_never_taken_from_the_command_line(new_db, monkeypatch):
    with pytest.raises(SystemExit):
        cli.main([*INIT, "--db", str(new_db), "--password", GOOD])
    assert not new_db.exists()


# ------------------------------------------------------------------ schools and accounts

GIAS = ("URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),"
        "EstablishmentStatus (name),PhaseOfEducation (code),PhaseOfEducation (name),Trusts (name)\n"
        "147001,383,Leeds,4001,Aire Valley Primary,Academy converter,Open,2,Primary,Aire Learning Trust\n"
        "147002,383,Leeds,7001,Kirkgate School,Academy special converter,Open,0,Not applicable,Aire Learning Trust\n"
        "147003,384,Wakefield,1100,Calder Centre,Academy alternative provision converter,Open,0,Not applicable,Aire Learning Trust\n"
        "147004,384,Wakefield,4002,Calder High,Academy sponsor led,Open,4,Secondary,Aire Learning Trust\n")


@pytest.fixture
def initialised(new_db, monkeypatch):
    assert run(monkeypatch, *INIT, "--db", new_db, "--password-stdin", stdin=GOOD + "\n") == 0
    dbmod.close_all()
    return new_db


def test_a_trust_adds_a_school_and_a_gias_file_of_schools(initialised, tmp_path, monkeypatch, capsys):
    assert run(monkeypatch, "school", "add", "--db", initialised, "--urn", "146900", "--name", "Hill Top Academy",
               "--phase", "all-through", "--la", "383", "--trust", "Aire Learning Trust") == 0
    gias = tmp_path / "edubasealldata20261130.csv"
    gias.write_bytes(GIAS.encode("cp1252"))
    assert run(monkeypatch, "school", "import", gias, "--db", initialised) == 0
    assert "Added 4 schools" in capsys.readouterr().out
    rows = made(initialised).cursor().execute(
        "SELECT s.urn, s.phase, s.local_authority, s.trust, c.la_code FROM schools s JOIN school_la_codes c USING (school_id) "
        "WHERE s.urn LIKE '147%' ORDER BY s.urn").fetchall()
    assert rows == [("147001", "primary", "Leeds", "Aire Learning Trust", "383"),
                    ("147002", "special", "Leeds", "Aire Learning Trust", "383"),
                    ("147003", "alternative", "Wakefield", "Aire Learning Trust", "384"),
                    ("147004", "secondary", "Wakefield", "Aire Learning Trust", "384")]


def test_a_bad_gias_file_names_file_row_column_and_value_and_adds_nothing(initialised, tmp_path, monkeypatch, capsys):
    bad = GIAS.replace("147002,383", "14700X,383").replace("Not applicable,Aire Learning Trust\n147003", "Nursery,Aire Learning Trust\n147003", 1)
    bad = bad.replace("147004,384,Wakefield,4002,Calder High,Academy sponsor led,Open,4,Secondary",
                      "147004,84,Wakefield,4002,Calder High,Academy sponsor led,Open,4,Secondary")
    bad += "147001,383,Leeds,4001,Aire Valley Primary,Academy converter,Open,2,Primary,Aire Learning Trust\n"
    gias = tmp_path / "schools.csv"
    gias.write_text(bad)
    assert run(monkeypatch, "school", "import", gias, "--db", initialised) == 1
    err = capsys.readouterr().err
    assert "schools.csv, row 3, URN: found '14700X'" in err
    assert "schools.csv, row 5, LA (code): found '84'" in err
    assert "schools.csv, row 6, URN: found '147001'" in err and "also on row 2" in err
    assert made(initialised).cursor().execute("SELECT count(*) FROM schools").fetchone()[0] == 1
    missing = tmp_path / "nocols.csv"
    missing.write_text("URN,Name\n147001,Aire\n")
    assert run(monkeypatch, "school", "import", missing, "--db", initialised) == 1
    assert "nocols.csv, row 1, PhaseOfEducation (name): found (no such column)" in capsys.readouterr().err


def test_user_add_takes_the_school_urn_and_links_a_teacher_by_email(initialised, monkeypatch, capsys):
    db = made(initialised)
    db.write(lambda w: w.insert_frame("staff", __import__("pandas").DataFrame([{
        "staff_id": 5, "school_id": 1, "first_name": "Tom", "last_name": "Okafor", "email": "t.okafor@northgate.sch.uk",
        "staff_role": "teacher", "start_date": __import__("datetime").date(2020, 9, 1)}])))
    dbmod.close_all()
    assert run(monkeypatch, "user", "add", "tokafor", "--db", initialised, "--role", "teacher", "--school", "146802",
               "--email", "T.Okafor@northgate.sch.uk", "--password-stdin", stdin="tall ships sailing\n") == 0
    assert made(initialised).cursor().execute(
        "SELECT u.staff_id, us.school_id FROM users u JOIN user_schools us USING (user_id) WHERE username = 'tokafor'"
    ).fetchall() == [(5, 1)]
    dbmod.close_all()
    assert run(monkeypatch, "user", "add", "x1", "--db", initialised, "--role", "teacher", "--school", "999999",
               "--password-stdin", stdin="tall ships sailing\n") == 1
    assert "No school with URN '999999'" in capsys.readouterr().out


# ------------------------------------------------------------------ a missing database is never built


@pytest.mark.parametrize("args", [
    ["user", "list"], ["school", "list"], ["import", "__file__"], ["export", "--table", "pupils"],
    ["backup", "copy.duckdb"], ["erase", "A123456789012", "--yes"],
])
def test_every_command_refuses_a_missing_database_and_creates_nothing(tmp_path, monkeypatch, capsys, args):
    typo = tmp_path / "sendbaord.duckdb"
    monkeypatch.setenv("SENDBOARD_DB", str(typo))
    args = [str(Path(__file__)) if a == "__file__" else a for a in args]
    assert run(monkeypatch, *args) == 2
    err = capsys.readouterr().err
    assert f"There is no sendboard database at {typo}" in err and "sendboard init" in err and "sendboard demo" in err
    assert list(tmp_path.iterdir()) == []


def test_demo_with_too_few_pupils_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    assert run(monkeypatch, "demo", "--pupils", "1", "--db", tmp_path / "d.duckdb") == 1
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "at least 50 pupils" in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "d.duckdb").exists()


def test_only_the_default_path_with_no_sendboard_db_builds_the_demo(monkeypatch, tmp_path):
    monkeypatch.delenv("SENDBOARD_DB", raising=False)
    assert builds_demo_when_missing()
    monkeypatch.setenv("SENDBOARD_DB", str(tmp_path / "x.duckdb"))
    assert not builds_demo_when_missing()
    monkeypatch.setenv("SENDBOARD_DB", str(dbmod.DEFAULT_DB))  # even the default path, if set by hand
    assert not builds_demo_when_missing()


def test_the_app_pointed_at_a_missing_file_says_how_to_make_it_and_builds_nothing(tmp_path, monkeypatch):
    typo = tmp_path / "schol.duckdb"
    monkeypatch.setenv("SENDBOARD_DB", str(typo))
    at = app()
    at.run()
    assert not at.exception
    text = all_text(at) + "\n".join(c.value for c in at.code)
    assert "no database to open" in text and "sendboard init" in text and "sendboard demo" in text and str(typo) in text
    assert not typo.exists() and not at.text_input  # no sign-in form either


# ------------------------------------------------------------------ the demo password


def _give_demo_password(db, username: str) -> None:
    db.cursor().execute("UPDATE users SET password_hash = $h WHERE username = $u",
                        {"h": auth.hash_password(passwords.DEMO_PASSWORD), "u": username})


def test_the_demo_password_works_only_on_a_demo_with_no_imported_data(fixture_db):
    _give_demo_password(fixture_db, "teacher")
    with pytest.raises(auth.SignInError, match="demo's published password"):  # not a demo database
        auth.sign_in(fixture_db, "teacher", passwords.DEMO_PASSWORD)
    with pytest.raises(auth.AccountError, match="demo's published password"):
        auth.reset_password(fixture_db, "admin", "teacher2", passwords.DEMO_PASSWORD)
    fixture_db.write(lambda w: w.run("setup_set_setting", key="demo_as_of", value="2026-01-20"))
    assert auth.sign_in(fixture_db, "teacher", passwords.DEMO_PASSWORD).username == "teacher"
    fixture_db.write(lambda w: w.run("import_insert", username="senco", school_id=1, file_count=1, added=1, changed=0, unchanged=0))
    with pytest.raises(auth.SignInError, match="demo's published password"):  # a school's data went in
        auth.sign_in(fixture_db, "teacher", passwords.DEMO_PASSWORD)
    with pytest.raises(auth.AccountError, match="demo's published password"):
        auth.add_user(fixture_db, "admin", username="newone", display_name="New", role="teacher",
                      password=passwords.DEMO_PASSWORD, school_ids=[1])
    import_id = fixture_db.cursor().execute("SELECT max(import_id) FROM imports").fetchone()[0]
    fixture_db.write(lambda w: w.run("import_mark_undone", import_id=import_id, username="senco"))
    assert auth.sign_in(fixture_db, "teacher", passwords.DEMO_PASSWORD)  # undone: a demo again
    refused = fixture_db.cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'sign_in_refused' AND object_id = 'teacher'").fetchone()[0]
    assert refused == 2


def test_the_users_page_applies_the_same_rules(fixture_path):
    at = signed_in("admin", page="pages/users.py")
    at.multiselect(key="add_schools").set_value([1])
    for label, value in (("New username", "jsmith"), ("Full name", "Jo Smith"),
                         ("Initial password", "oak lane academy 1"), ("Initial password again", "oak lane academy 1")):
        next(t for t in at.text_input if t.label == label).input(value)
    next(b for b in at.button if b.label == "Add account").click()
    at.run()
    assert "must not contain the school" in at.error[0].value
    assert next(t for t in at.text_input if t.label == "New username").value == "jsmith"  # the typing is kept


def test_a_demo_database_says_so_on_its_home_page(fixture_path):
    at = signed_in("head")
    assert "This is a demonstration" not in all_text(at)
    app_db.open_database(fixture_path).write(lambda w: w.run("setup_set_setting", key="demo_as_of", value="2026-01-20"))
    at = signed_in("head")
    text = all_text(at)
    assert "This is a demonstration" in text and "sendboard-demo" in text and "sendboard init" in text


def test_commands_that_write_refuse_politely_while_the_app_holds_the_database(initialised, monkeypatch, capsys):
    import subprocess

    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(600)", str(initialised)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert run(monkeypatch, "school", "add", "--db", initialised, "--urn", "146900", "--name", "Hill Top Academy",
                   "--phase", "primary", "--la", "383") == 2
        assert "open in another sendboard process" in capsys.readouterr().err
        assert run(monkeypatch, "user", "add", "x1", "--db", initialised, "--role", "teacher", "--school", "146802",
                   "--password-stdin", stdin=GOOD + "\n") == 2
        assert "open in another sendboard process" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("password,rule", [
    ("password1234", "common passwords"), ("qwertyuiop123", "common passwords"),
    ("office-manager", "username"), ("northgate rules ok", "school's name"), ("river otter lantern", None),
])
def test_the_worked_example_in_docs_methods(password, rule):
    """docs/methods.md, Password rules: the user `office` at Northgate High School."""
    if rule is None:
        passwords.check(password, username="office", school_names=["Northgate High School"])
    else:
        with pytest.raises(passwords.PasswordRefused, match=rule):
            passwords.check(password, username="office", school_names=["Northgate High School"])


def test_importing_into_a_database_with_no_school_says_how_to_add_one(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty.duckdb"
    app_db.open_database(empty)  # a sendboard file with the schema and no school (as an older set-up left it)
    dbmod.close_all()
    staff = tmp_path / "staff.csv"
    staff.write_text("Forename,Surname,Email,Role,Start Date\nTom,Okafor,t.okafor@northgate.sch.uk,teacher,01/09/2020\n")
    assert run(monkeypatch, "import", staff, "--db", empty) == 1
    assert "sendboard school add" in capsys.readouterr().err


def test_a_teacher_with_no_matching_staff_record_is_told_they_will_see_no_class(initialised, monkeypatch, capsys):
    assert run(monkeypatch, "user", "add", "newteacher", "--db", initialised, "--role", "teacher", "--school", "146802",
               "--email", "nobody@northgate.sch.uk", "--password-stdin", stdin="tall ships sailing\n") == 0
    assert "sees no class yet" in capsys.readouterr().out
