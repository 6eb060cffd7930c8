"""Imports that should work, undo, the CLI, backup/restore, subject access, erasure, and the Data page."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from sendboard import cli
from sendboard.app_db import open_database
from sendboard.db import close_all
from sendboard.importers import SourceFile, commit, load, preview, undo_last
from sendboard.importers.ctf_sample import ctf_xml
from sendboard.importers.kinds import KINDS
from sendboard.importers.templates import template_csv
from sendboard.transfer import checksums
from tests.test_import_bad_files import NEW, U1, U2

ROOT = Path(__file__).resolve().parent.parent


def run(db, files, kind=None, actor="tester"):
    batch = load(db, [SourceFile(n, d) for n, d in files], kind=kind)
    assert batch.ok, [str(p) for p in batch.problems]
    return commit(db, batch, actor)


def test_shuffled_columns_and_mis_spellings_import_correctly(fixture_db):
    data = (f"Gender,DOB,Forename,UPN,Surname,FSM Eligible,NC Year\nM,2014-03-01,Jo,{NEW},Doe,Y,Y7\n").encode()
    out = run(fixture_db, [("p.csv", data)])
    assert out.added == 2  # the pupil and their year group
    row = fixture_db.cursor().execute("SELECT first_name, last_name, gender, fsm, date_of_birth::VARCHAR FROM pupils WHERE upn = $u",
                                      {"u": NEW}).fetchone()
    assert row == ("Jo", "Doe", "M", True, "2014-03-01")
    assert fixture_db.cursor().execute("SELECT year_group FROM enrolments e JOIN pupils p USING (pupil_id) "
                                       "WHERE upn = $u", {"u": NEW}).fetchone() == (7,)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings(fixture_db, encoding):
    data = f"UPN,Surname,Forename,DOB,Gender\n{NEW},Zoë-Renée,Amélie,01/02/2014,F\n".encode(encoding)
    run(fixture_db, [("p.csv", data)])
    assert fixture_db.cursor().execute("SELECT last_name, first_name FROM pupils WHERE upn = $u", {"u": NEW}).fetchone() == \
        ("Zoë-Renée", "Amélie")


def test_extra_unrecognised_column_is_ignored_with_a_notice(fixture_db):
    data = f"UPN,Surname,Forename,DOB,Gender,Shoe Size\n{NEW},Doe,Jo,01/02/2014,F,4\n".encode()
    batch = load(fixture_db, [SourceFile("p.csv", data)])
    assert batch.ok and "Shoe Size" in " ".join(batch.notices())


def test_templates_are_recognised_as_their_kind():
    import csv
    import io

    from sendboard.importers.kinds import detect_kind

    for kind in KINDS:
        headers = next(csv.reader(io.StringIO(template_csv(kind).decode())))
        assert detect_kind(headers)[0] == kind, kind
        assert (ROOT / "sendboard" / "data" / "templates" / f"{kind}.csv").read_bytes() == template_csv(kind)


def test_every_kind_in_one_import_then_undo_restores_exactly(fixture_db):
    before = checksums(fixture_db)
    files = [
        ("staff.csv", b"Forename,Surname,Email,Role,FTE,Start Date\nNina,New,nina@oak.sch.uk,teaching_assistant,0.6,01/09/2025\n"
                      b"Tess,Teach,tess@oak.sch.uk,teacher,0.9,01/09/2020\n"),
        ("pupils.csv", f"UPN,Legal Surname,Legal Forename,DOB,Gender,NC Year,Reg Group\n{NEW},Doe,Jo,01/02/2014,F,7,7B\n"
                       f"{U1},Fixture01,Pupil01,10/02/2014,F,7,7A\n".encode()),
        ("groups.csv", f"Group Name,Year Group,Group Type,UPN,Teacher Email\n7B,7,form,{NEW},nina@oak.sch.uk\n".encode()),
        ("interventions.csv", template_csv("interventions")),
        ("sen.csv", f"UPN,SEN Provision,Start Date,End Date,Primary Need,Secondary Need\n{U1},K,01/09/2024,31/12/2025,SPLD,\n"
                    f"{U1},E,01/01/2026,,SPLD,SEMH\n{NEW},K,01/09/2025,,NSA,\n".encode()),
        ("assess.csv", f"UPN,Term,Subject,Score,Expected\n{NEW},Autumn 2025,Reading,97,100\n{U1},Autumn 2025,Maths,103,100\n".encode()),
        ("att.csv", f"UPN,Term,Possible,Attended\n{NEW},20251,120,110\n".encode()),
        ("susp.csv", f"UPN,Start Date,Days\n{U2},12/11/2025,1.5\n".encode()),
        ("alloc.csv", f"UPN,Intervention,Start Date,Entry Score\n{NEW},Precision teaching,15/09/2025,12\n".encode()),
    ]
    out = run(fixture_db, files)
    cur = fixture_db.cursor()
    assert cur.execute("SELECT code FROM sen_provision sp JOIN pupils p USING (pupil_id) WHERE upn = $u AND end_date IS NULL",
                       {"u": U1}).fetchall() == [("E",)]
    assert cur.execute("SELECT count(*) FROM group_members gm JOIN teaching_groups g USING (group_id) WHERE g.name = '7B'").fetchone() == (1,)
    assert cur.execute("SELECT fte FROM staff WHERE email = 'tess@oak.sch.uk'").fetchone() == (0.9,)
    assert out.changed >= 2 and out.added >= 10
    hist = cur.execute("SELECT count(*) FROM import_files").fetchone()[0]
    assert hist == len(files)
    assert cur.execute("SELECT count(*) FROM audit_log WHERE action = 'import'").fetchone() == (1,)
    undo_last(fixture_db, "tester")
    after = checksums(fixture_db)
    changed = {t for t in before if before[t] != after[t]}
    assert changed <= {"audit_log", "audit_links", "audit_chain", "audit_pupils_seen", "imports", "import_files", "data_version"}, changed
    with pytest.raises(ValueError):
        undo_last(fixture_db, "tester")


def test_preview_writes_nothing_and_counts(fixture_db):
    before = checksums(fixture_db)
    batch = load(fixture_db, [SourceFile("s.csv", f"UPN,SEN Provision,Start Date\n{U1},K,01/09/2024\n".encode())])
    plan = preview(fixture_db, batch)
    assert (plan.added, plan.changed, plan.unchanged) == (0, 0, 1)
    assert checksums(fixture_db) == before


def test_ctf_sample_imports_and_reimport_changes_nothing(fixture_db):
    data = ctf_xml(40, seed=3, full=True).encode()
    out = run(fixture_db, [("ctf.xml", data)])
    assert out.added > 40
    again = run(fixture_db, [("ctf.xml", data)])
    assert again.added == 0 and again.changed == 0
    assert (ROOT / "data" / "samples" / "sample_ctf.xml").exists()


def test_cli_import_dry_run_and_bad_input(fixture_path, tmp_path, capsys):
    close_all()
    good = tmp_path / "p.csv"
    good.write_text(f"UPN,Surname,Forename,DOB,Gender\n{NEW},Doe,Jo,01/02/2014,F\n")
    assert cli.main(["import", str(good), "--db", str(fixture_path), "--dry-run"]) == 0
    assert "Nothing was written" in capsys.readouterr().out
    bad = tmp_path / "b.csv"
    bad.write_text(f"UPN,Surname,Forename,DOB,Gender\n{NEW},Doe,Jo,31/02/2014,F\n")
    assert cli.main(["import", str(bad), "--db", str(fixture_path)]) == 1
    assert "b.csv, row 2, DOB: found '31/02/2014'" in capsys.readouterr().err
    assert cli.main(["import", str(good), "--db", str(fixture_path), "--user", "ops"]) == 0
    db = open_database(fixture_path)
    assert db.scalar("import_default_school") == 1
    assert db.cursor().execute("SELECT username FROM imports").fetchone() == ("cli:ops",)


def test_cli_refuses_a_database_held_by_another_process(fixture_path, tmp_path):
    good = tmp_path / "p.csv"
    good.write_text(f"UPN,Surname,Forename,DOB,Gender\n{NEW},Doe,Jo,01/02/2014,F\n")
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(600)",
                               str(fixture_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        proc = subprocess.run([sys.executable, "-m", "sendboard", "import", str(good), "--db", str(fixture_path)],
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert proc.returncode == 2 and "open in another sendboard process" in proc.stderr
    finally:
        holder.kill()
        holder.wait()


def test_killed_import_leaves_all_or_nothing(fixture_path, tmp_path):
    close_all()
    from sendboard.importers.ctf_sample import make_upn

    ups = [make_upn(800000 + i) for i in range(1500)]
    (tmp_path / "p.csv").write_text("UPN,Surname,Forename,DOB,Gender\n" + "".join(f"{u},B,P,01/01/2012,F\n" for u in ups))
    subjects = [f"S{k}" for k in range(100)]
    with open(tmp_path / "a.csv", "w") as fh:
        fh.write("UPN,Term,Subject,Score\n")
        for u in ups:
            for s in subjects:
                fh.write(f"{u},20251,{s},100\n")
    env = dict(os.environ, SENDBOARD_TODAY="2026-01-20")
    proc = subprocess.Popen([sys.executable, "-m", "sendboard", "import", str(tmp_path / "p.csv"), str(tmp_path / "a.csv"),
                             "--db", str(fixture_path)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for line in proc.stdout:  # wait until validation is over and the transaction has begun
        if b"writing in one transaction" in line:
            break
    time.sleep(0.4)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    db = open_database(fixture_path)
    n_pupils, n_results = db.cursor().execute(
        "SELECT (SELECT count(*) FROM pupils), (SELECT count(*) FROM assessments)").fetchone()
    print("kill test:", "killed" if killed else "finished", n_pupils, n_results)
    assert (n_pupils, n_results) in ((21, 0), (21 + 1500, 150000)), (killed, n_pupils, n_results)


def test_backup_restore_round_trip(fixture_path, tmp_path, capsys):
    db = open_database(fixture_path)
    before = checksums(db)
    close_all()
    backup = tmp_path / "backup.duckdb"
    assert cli.main(["backup", str(backup), "--db", str(fixture_path)]) == 0
    db = open_database(fixture_path)
    before = dict(checksums(db).items())  # includes the backup's own audit row
    run(db, [("p.csv", f"UPN,Surname,Forename,DOB,Gender\n{NEW},Doe,Jo,01/02/2014,F\n".encode())])
    close_all()
    assert cli.main(["restore", str(backup), "--db", str(fixture_path)]) == 1  # needs --yes
    assert cli.main(["restore", str(backup), "--db", str(fixture_path), "--yes"]) == 0
    close_all()
    import duckdb
    con = duckdb.connect(str(backup), read_only=True)
    backup_sums = {t: tuple(con.execute(f'SELECT count(*), sum(hash(x)) FROM "{t}" x').fetchone()) for t in before}
    con.close()
    restored = checksums(open_database(fixture_path))
    for t in before:
        if not t.startswith("audit_"):  # the audit log keeps the entries written after the backup
            assert restored[t] == backup_sums[t], t
    assert restored["pupils"][0] == 21
    assert open_database(fixture_path).cursor().execute("SELECT count(*) FROM audit_log WHERE action = 'restore'").fetchone() == (1,)


def test_subject_access_and_erasure(fixture_path, tmp_path, capsys):
    db = open_database(fixture_path)
    run(db, [("a.csv", f"UPN,Term,Subject,Score\n{U1},Autumn 2025,Reading,97\n".encode())])
    close_all()
    out = tmp_path / "sar.zip"
    assert cli.main(["export", "--pupil", U1, "--format", "zip", "--out", str(out), "--db", str(fixture_path)]) == 0
    names = zipfile.ZipFile(out).namelist()
    assert {"pupils.csv", "sen_provision.csv", "assessments.csv", "group_members.csv"} <= set(names)
    assert "Fixture01" in zipfile.ZipFile(out).read("pupils.csv").decode()
    assert cli.main(["export", "--table", "sen_provision", "--format", "xlsx", "--out", str(tmp_path / "t.xlsx"),
                     "--db", str(fixture_path)]) == 0
    assert cli.main(["erase", U1, "--db", str(fixture_path)]) == 1  # needs --yes
    assert cli.main(["erase", U1, "--yes", "--db", str(fixture_path)]) == 0
    db = open_database(fixture_path)
    cur = db.cursor()
    from sendboard.transfer import pupil_tables
    for table in pupil_tables(db):
        assert cur.execute(f"SELECT count(*) FROM {table} WHERE pupil_id = 1").fetchone() == (0,), table
    assert cur.execute("SELECT count(*) FROM import_changes WHERE pupil_id = 1").fetchone() == (0,)
    detail = cur.execute("SELECT detail FROM audit_log WHERE action = 'pupil_erased'").fetchone()[0]
    assert "Fixture01" not in detail and U1 not in detail and "sen_provision" in detail
    actions = {r[0] for r in cur.execute("SELECT action FROM audit_log").fetchall()}
    assert {"import", "subject_access_export", "export", "pupil_erased"} <= actions


def test_data_page_renders_for_senco_and_admin_and_refuses_teacher(fixture_path):
    from tests.apptest_helpers import all_text, signed_in

    for user in ("senco", "admin"):
        at = signed_in(user, page="pages/data.py")
        assert not at.exception, at.exception
        assert "Data import" in all_text(at)
    from streamlit.testing.v1 import AppTest

    viewer = signed_in("teacher").session_state["viewer"]
    direct = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=30)
    direct.session_state["viewer"] = viewer
    direct.run()
    assert "not available for your role" in all_text(direct)
