"""Malformed files: each must give a clear message that names where and which field, and leave every table
of the database exactly as it was (count and sum of row hashes per table, before and after)."""
from __future__ import annotations

import codecs

import pytest

from sendboard.importers import SourceFile, load
from sendboard.transfer import checksums
from sendboard.upn import upn_check_letter


def upn(pid: int) -> str:
    base = f"3832000250{pid:02d}"
    return upn_check_letter(base) + base


U1, U2, U3 = upn(1), upn(2), upn(3)
NEW = upn_check_letter("383200025077") + "383200025077"
WRONG_LETTER = ("B" if U1[0] != "B" else "C") + U1[1:]
PUPILS_HEAD = "UPN,Legal Surname,Legal Forename,DOB,Gender\n"

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<CTfile><CTFpupilData><Pupil><UPN>&lol3;</UPN></Pupil></CTFpupilData></CTfile>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CTfile><CTFpupilData><Pupil><UPN>&xxe;</UPN></Pupil></CTFpupilData></CTfile>"""


def ctf(pupil_xml: str) -> bytes:
    return f"<?xml version='1.0'?><CTfile><Header/><CTFpupilData>{pupil_xml}</CTFpupilData></CTfile>".encode()


GOOD_PUPIL = f"<Pupil><UPN>{NEW}</UPN><Surname>Doe</Surname><Forename>Jo</Forename><DOB>2014-05-01</DOB><Gender>F</Gender>"

# (case id, file name, bytes, kind or None, text the message must contain, text the location must contain)
CASES = [
    ("empty", "a.csv", b"", None, "empty", "whole file"),
    ("whitespace_only", "a.csv", b"  \r\n\r\n", None, "empty", "whole file"),
    ("header_only", "a.csv", PUPILS_HEAD.encode(), None, "no rows of data", "whole file"),
    ("binary_png", "a.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), None, "binary", "whole file"),
    ("damaged_xlsx", "a.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64, None, "cannot be opened", "whole file"),
    ("old_xls", "a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, None, "Save As", "whole file"),
    ("invalid_utf16", "a.csv", codecs.BOM_UTF16_LE + "UPN,Surname\n".encode("utf-16-le") + b"\x00\xd8\x41", None,
     "not valid UTF-16", "line"),
    ("invalid_cp1252", "a.csv", (PUPILS_HEAD + f"{U1},Sm\x81th,Amy,01/02/2014,F\n").encode("latin-1"), None,
     "not valid Windows-1252", "line 2"),
    ("truncated_quote", "a.csv", (PUPILS_HEAD + f'{U1},"Smith,Amy,01/02/2014,F\n{U2},Jones').encode(), None,
     "cut short", "row"),
    ("truncated_row", "a.csv", (PUPILS_HEAD + f"{U1},Smith,Amy,01/02/2014,F\n{U2},Jon").encode(), None,
     "cut short", "row 3"),
    ("extra_values", "a.csv", (PUPILS_HEAD + f"{U1},Smith,Amy,01/02/2014,F,oops\n").encode(), None, "6 values", "row 2"),
    ("missing_column_detect", "a.csv", (f"UPN,Legal Surname,Legal Forename,Gender\n{U1},Smith,Amy,F\n").encode(), None,
     "date_of_birth", "row 1"),
    ("missing_column_kind", "a.csv", (f"UPN,Legal Surname,Legal Forename,Gender\n{U1},Smith,Amy,F\n").encode(), "pupils",
     "no such column", "row 1"),
    ("unrecognised_headers", "a.csv", b"Colour,Flavour\nred,lime\n", None, "could not be recognised", "row 1"),
    ("duplicate_columns", "a.csv", (f"UPN,Surname,Legal Surname,Forename,DOB,Gender\n{U1},S,S,A,01/02/2014,F\n").encode(), None,
     "mean the same", "row 1"),
    ("blank_header_with_values", "a.csv", (f"UPN,Surname,Forename,DOB,Gender,\n{U1},S,A,01/02/2014,F,x\n").encode(), None,
     "blank header", "row 1"),
    ("unknown_provision_code", "s.csv", f"UPN,SEN Provision,Start Date\n{U1},X,01/09/2025\n".encode(), None,
     "provision code", "row 2"),
    ("unknown_need_code", "s.csv", f"UPN,SEN Provision,Start Date,Primary Need\n{U1},K,01/09/2024,DYS\n".encode(), None,
     "type-of-need", "row 2"),
    ("impossible_date", "a.csv", (PUPILS_HEAD + f"{U1},Smith,Amy,31/02/2014,F\n").encode(), None, "real date", "row 2"),
    ("future_date", "s.csv", f"UPN,SEN Provision,Start Date\n{U1},K,01/09/2031\n".encode(), None, "future", "row 2"),
    ("before_1990", "s.csv", f"UPN,SEN Provision,Start Date\n{U1},K,01/09/1989\n".encode(), None, "on or after 01/01/1990", "row 2"),
    ("not_a_date", "s.csv", f"UPN,SEN Provision,Start Date\n{U1},K,next tuesday\n".encode(), None, "dd/mm/yyyy", "row 2"),
    ("end_before_start", "s.csv", f"UPN,SEN Provision,Start Date,End Date\n{U1},K,01/09/2024,01/08/2024\n".encode(), None,
     "on or after the start", "row 2"),
    ("duplicate_upns", "a.csv", (PUPILS_HEAD + f"{NEW},Smith,Amy,01/02/2014,F\n{NEW},Smith,Amy,01/02/2014,F\n").encode(), None,
     "more than one row", "row 3"),
    ("bad_check_letter", "a.csv", (PUPILS_HEAD + f"{WRONG_LETTER},Smith,Amy,01/02/2014,F\n").encode(), None, "correct check letter", "row 2"),
    ("bad_upn_format", "a.csv", (PUPILS_HEAD + "12345,Smith,Amy,01/02/2014,F\n").encode(), None, "13 characters", "row 2"),
    ("two_open_provisions_in_file", "s.csv",
     f"UPN,SEN Provision,Start Date\n{U2},K,01/09/2025\n{U2},E,01/01/2026\n".encode(), None, "one open SEN provision", "row"),
    ("open_provision_against_held", "s.csv", f"UPN,SEN Provision,Start Date\n{U1},E,01/01/2026\n".encode(), None,
     "already held", "row 2"),
    ("class_does_not_exist", "a.csv", (PUPILS_HEAD.strip() + ",Reg Group\n" + f"{U1},Fixture01,Pupil01,10/02/2014,F,7Z\n").encode(),
     None, "teaching group that exists", "row 2"),
    ("pupil_not_held", "t.csv", f"UPN,Term,Subject,Score\n{NEW},Autumn 2025,Reading,100\n".encode(), None,
     "pupil held in sendboard", "row 2"),
    ("unknown_term", "t.csv", f"UPN,Term,Subject,Score\n{U1},Winter 2025,Reading,100\n".encode(), None, "a term held", "row 2"),
    ("score_not_number", "t.csv", f"UPN,Term,Subject,Score\n{U1},Autumn 2025,Reading,high\n".encode(), None, "a number", "row 2"),
    ("duplicate_result", "t.csv", f"UPN,Term,Subject,Score\n{U1},Autumn 2025,Reading,1\n{U1},Autumn 2025,Reading,2\n".encode(),
     None, "repeated", "row 3"),
    ("attended_over_possible", "t.csv", f"UPN,Term,Possible Sessions,Attended Sessions\n{U1},20251,100,120\n".encode(), None,
     "no more attended", "row 2"),
    ("bad_gender", "a.csv", (PUPILS_HEAD + f"{U1},Smith,Amy,01/02/2014,X\n").encode(), None, "F or M", "row 2"),
    ("blank_required", "a.csv", (PUPILS_HEAD + f"{U1},,Amy,01/02/2014,F\n").encode(), None, "must not be blank", "row 2"),
    ("unknown_intervention", "al.csv", f"UPN,Intervention,Start Date\n{U1},Magic Reading,01/10/2025\n".encode(), None,
     "intervention held", "row 2"),
    ("unknown_teacher_email", "g.csv", f"Group Name,Year Group,UPN,Teacher Email\n7A,7,{U1},nobody@x.sch.uk\n".encode(), None,
     "member of staff", "row 2"),
    ("xml_bomb", "bomb.xml", BOMB, None, "refuses for safety", "whole file"),
    ("xml_external_entity", "xxe.xml", XXE, None, "refuses for safety", "whole file"),
    ("xml_malformed", "m.xml", b"<?xml version='1.0'?><CTfile><CTFpupilData><Pupil><UPN>x</Pupil>", None, "not well formed", "line 1"),
    ("xml_wrong_root", "w.xml", b"<?xml version='1.0'?><Census><Pupil/></Census>", None, "root element", "whole file"),
    ("ctf_bad_provision", "c.xml",
     ctf(GOOD_PUPIL + "<SENhistory><SEN><StartDate>2025-09-01</StartDate><SENprovision>Q</SENprovision></SEN></SENhistory></Pupil>"),
     None, "provision code", "Pupil[1]/SENhistory/SEN[1]/SENprovision"),
    ("ctf_bad_dob", "c.xml", ctf(GOOD_PUPIL.replace("2014-05-01", "2014-02-30") + "</Pupil>"), None, "real date", "Pupil[1]/DOB"),
    ("ctf_bad_upn", "c.xml", ctf(GOOD_PUPIL.replace(NEW, WRONG_LETTER) + "</Pupil>"), None, "correct check letter", "Pupil[1]/UPN"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_clearly_and_changes_nothing(fixture_db, case):
    _, name, data, kind, message, where = case
    before = checksums(fixture_db)
    batch = load(fixture_db, [SourceFile(name, data)], kind=kind)
    assert not batch.ok, f"{case[0]} was accepted"
    text = "\n".join(str(p) for p in batch.problems)
    assert message in text, text
    assert any(where in p.where for p in batch.problems), text
    assert all(p.file == name and p.field for p in batch.problems)
    assert checksums(fixture_db) == before


def test_case_count():
    assert len(CASES) >= 30


def test_oversized_file_refused_by_size_before_reading(fixture_path, tmp_path, capsys):
    """A 200 MB file (sparse, so it is quick to make) is refused by the CLI from its size alone."""
    from sendboard import cli
    from sendboard.app_db import open_database
    from sendboard.db import close_all

    db = open_database(fixture_path)
    db.cursor().execute("INSERT INTO settings VALUES ('max_upload_mb', '100')")
    before = checksums(db)
    close_all()
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.write(PUPILS_HEAD.encode())
        fh.truncate(200 * 1024 * 1024)
    assert cli.main(["import", str(big), "--db", str(fixture_path)]) == 1
    err = capsys.readouterr().err
    assert "over the 100 MB limit" in err and "big.csv" in err
    assert checksums(open_database(fixture_path)) == before


def test_many_problems_listed_at_once(fixture_db):
    data = (PUPILS_HEAD + f"{U1},,Amy,31/02/2014,F\n{WRONG_LETTER},Smith,Amy,01/02/2014,Q\n").encode()
    batch = load(fixture_db, [SourceFile("p.csv", data)])
    fields = {(p.where, p.field) for p in batch.problems}
    assert {("row 2", "Legal Surname"), ("row 2", "DOB"), ("row 3", "UPN"), ("row 3", "Gender")} <= fields
