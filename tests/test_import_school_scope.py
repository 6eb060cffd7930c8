"""Imports stay in their school, tested with the fixture's two-school trust (Oak Lane, URN 100001, holds
pupils 1-20; Elm Road, URN 100002, holds pupil 21 on SEN support with MLD)."""
from __future__ import annotations

import pandas as pd

from sendboard.importers import SourceFile, commit, history, load
from sendboard.importers.commit import apply_all
from sendboard.importers.validate import Staged
from sendboard.transfer import checksums
from sendboard.upn import upn_check_letter
from tests.test_import_library import DATA


def upn(pid: int) -> str:
    base = f"3832000250{pid:02d}"
    return upn_check_letter(base) + base


OTHER = upn(21)


def refused(db, name: str, data: bytes, **kw):
    before = checksums(db)
    batch = load(db, [SourceFile(name, data)], **kw)
    assert not batch.ok
    assert checksums(db) == before
    return batch.problems


def test_pupils_row_naming_another_schools_pupil_is_refused_with_its_row(fixture_db):
    data = ("UPN,Legal Surname,Legal Forename,DOB,Gender,SEN Status,Primary Need,Reg Group\n"
            f"{upn(1)},Fixture01,Pupil01,10/02/2014,F,K,SPLD,7A\n"
            f"{OTHER},Hijacked,Name,10/10/2013,M,E,ASD,7A\n").encode()
    problems = refused(fixture_db, "p.csv", data, school_id=1)
    assert [(p.where, p.field, p.found) for p in problems] == [("row 3", "UPN", OTHER)]
    assert "belongs to a pupil of another school" in problems[0].expected and "Oak Lane Academy" in problems[0].expected
    # the other school's pupil is exactly as it was: name, SEN support, MLD, not in 7A
    cur = fixture_db.cursor()
    assert cur.execute("SELECT first_name, school_id FROM pupils WHERE pupil_id = 21").fetchall() == [("Pupil21", 2)]
    assert cur.execute("SELECT count(*) FROM group_members WHERE pupil_id = 21").fetchone()[0] == 0


def test_every_pupil_keyed_kind_refuses_another_schools_pupil(fixture_db):
    files = {"sen.csv": f"UPN,SEN Provision,Start Date,Primary Need\n{OTHER},E,05/01/2026,ASD\n",
             "asm.csv": f"UPN,Term,Subject,Score\n{OTHER},Autumn 2025,Reading,100\n",
             "att.csv": f"UPN,Term,Possible Sessions,Attended Sessions\n{OTHER},20251,100,90\n",
             "sus.csv": f"UPN,Start Date,Days\n{OTHER},12/11/2025,1\n",
             "grp.csv": f"Group Name,Year Group,UPN\n7A,7,{OTHER}\n"}
    for name, text in files.items():
        problems = refused(fixture_db, name, text.encode(), school_id=1)
        assert any(p.found == OTHER and "another school" in p.expected and p.where == "row 2" for p in problems), \
            (name, [str(p) for p in problems])


def test_ctf_naming_another_schools_pupil_is_refused(fixture_db):
    xml = (DATA / "ctf_v25_partial_held_pupil.xml").read_text().replace(upn(1), OTHER)
    problems = refused(fixture_db, "c.xml", xml.encode(), school_id=1)
    assert any(p.where == "CTFpupilData/Pupil[1]" and p.found == OTHER for p in problems), [str(p) for p in problems]


def test_the_same_file_is_fine_for_the_school_that_holds_the_pupil(fixture_db):
    batch = load(fixture_db, [SourceFile("asm.csv", f"UPN,Term,Subject,Score\n{OTHER},Autumn 2025,Reading,100\n".encode())],
                 school_id=2)
    assert batch.ok, [str(p) for p in batch.problems]
    commit(fixture_db, batch, "tester")
    assert fixture_db.cursor().execute("SELECT score FROM assessments WHERE pupil_id = 21").fetchall() == [(100.0,)]


def test_trust_level_import_names_its_school_per_row(fixture_db):
    data = ("School URN,UPN,Term,Subject,Score\n"
            f"100001,{upn(1)},Autumn 2025,Reading,101\n"
            f"100002,{OTHER},Autumn 2025,Reading,102\n").encode()
    batch = load(fixture_db, [SourceFile("trust.csv", data)], school_ids=[1, 2])
    assert batch.ok, [str(p) for p in batch.problems]
    commit(fixture_db, batch, "tester")
    got = fixture_db.cursor().execute("SELECT pupil_id, score FROM assessments WHERE subject = 'Reading' AND term_id = 20251 "
                                      "AND pupil_id IN (1, 21) ORDER BY 1").fetchall()
    assert got == [(1, 101.0), (21, 102.0)]
    # the import history names the whole trust for it, and a one-school import its school
    one = load(fixture_db, [SourceFile("asm.csv", f"UPN,Term,Subject,Score\n{OTHER},Autumn 2025,Maths,100\n".encode())],
               school_id=2)
    commit(fixture_db, one, "tester")
    schools = history(fixture_db)["school"].tolist()
    assert schools == ["Elm Road School", "Whole trust: Fixture Trust"]


def test_trust_level_row_naming_the_wrong_school_or_none_is_refused(fixture_db):
    data = ("School URN,UPN,Term,Subject,Score\n"
            f"100001,{OTHER},Autumn 2025,Reading,1\n"
            f"999999,{upn(1)},Autumn 2025,Reading,1\n").encode()
    problems = refused(fixture_db, "trust.csv", data, school_ids=[1, 2])
    where = {(p.where, p.found) for p in problems}
    assert ("row 2", OTHER) in where and ("row 3", "999999") in where, [str(p) for p in problems]
    no_column = refused(fixture_db, "t.csv", f"UPN,Term,Subject,Score\n{upn(1)},Autumn 2025,Reading,1\n".encode(),
                        school_ids=[1, 2])
    assert no_column[0].field == "School URN" and "--school" in no_column[0].expected


def test_a_school_column_in_a_one_school_import_must_name_that_school(fixture_db):
    data = f"URN,UPN,Term,Subject,Score\n100002,{OTHER},Autumn 2025,Reading,1\n".encode()
    problems = refused(fixture_db, "t.csv", data, school_id=1)
    assert any(p.where == "row 2" and p.found == "100002" for p in problems), [str(p) for p in problems]


def test_commit_itself_never_matches_another_schools_pupil(fixture_db):
    """Even rows that skipped validation are matched within the import's school only."""
    frame = pd.DataFrame({"upn": [OTHER], "term_id": [20251], "subject": ["Hack"], "score": [1.0], "scale": ["x"],
                          "expected_standard": [None], "_file": ["x"], "_where": ["row 2"], "_school": [1]})
    cur = fixture_db.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        results = apply_all(cur, None, [Staged("assessments", frame, ["score"])], school_id=1)
        assert results[0].added == 0
        assert cur.execute("SELECT count(*) FROM assessments WHERE subject = 'Hack'").fetchone()[0] == 0
    finally:
        cur.execute("ROLLBACK")


def test_cli_all_schools(fixture_path, tmp_path, capsys):
    from sendboard.cli import main
    from sendboard.db import close_all

    close_all()
    path = tmp_path / "trust.csv"
    path.write_text(f"School URN,UPN,Term,Subject,Score\n100002,{OTHER},Autumn 2025,Reading,99\n")
    assert main(["import", str(path), "--db", str(fixture_path), "--all-schools", "--dry-run"]) == 0
    assert main(["import", str(path), "--db", str(fixture_path), "--school", "100001"]) == 1
    assert "another school" in capsys.readouterr().err
