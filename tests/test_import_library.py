"""The library of realistic files in tests/data (see tests/data/README.md): each imported into the fixture
school (Oak Lane, URN 100001; today 2026-01-20, academic year 2025/26) and its result checked against
figures worked out by hand from the file."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sendboard.importers import SourceFile, commit, history, load, preview, undo_last
from sendboard.importers.ctf_sample import make_upn
from sendboard.scope import Scope
from sendboard.transfer import checksums
from sendboard.upn import upn_check_letter

DATA = Path(__file__).parent / "data"
NEW = {k: make_upn(910000 + i) for i, k in enumerate("ABCDEFGH", start=1)}


def fixture_upn(pid: int) -> str:
    base = f"3832000250{pid:02d}"
    return upn_check_letter(base) + base


def imported(db, name: str, sheet: str | None = None, **kw):
    batch = load(db, [SourceFile(name, (DATA / name).read_bytes(), sheet)], **kw)
    assert batch.ok, [str(p) for p in batch.problems]
    return batch, commit(db, batch, "tester")


def rows(db, sql: str, **params):
    return db.cursor().execute(sql, params).fetchall()


def provision(db, upn):
    return rows(db, "SELECT s.code, s.start_date, s.end_date FROM sen_provision s JOIN pupils p USING (pupil_id) "
                    "WHERE p.upn = $u ORDER BY s.start_date", u=upn)


def needs(db, upn):
    return rows(db, "SELECT n.need_code, n.need_rank, n.start_date, n.end_date FROM sen_needs n JOIN pupils p USING (pupil_id) "
                    "WHERE p.upn = $u ORDER BY n.need_rank, n.start_date", u=upn)


def roll(db, upn):
    """(school, year group this academic year, entry date, on roll today) for a pupil."""
    return rows(db, "SELECT p.school_id, e.year_group, p.entry_date, "
                    "p.pupil_id IN (SELECT pupil_id FROM roll_at(DATE '2026-01-20')) "
                    "FROM pupils p JOIN enrolments e ON e.pupil_id = p.pupil_id AND e.academic_year = 2025 WHERE p.upn = $u",
                u=upn)


def test_ctf_v19_sen_support_then_ehc_plan_is_a_sequence_and_new_pupils_are_enrolled(fixture_db):
    batch, out = imported(fixture_db, "ctf_v19_sen_support_then_ehcp.xml")
    a, b = NEW["A"], NEW["B"]
    # K from 07/01/2019 ends the day before the EHC plan's start (02/03/2020); the plan stays open
    assert provision(fixture_db, a) == [("K", date(2019, 1, 7), date(2020, 3, 1)), ("E", date(2020, 3, 2), None)]
    # needs without dates start with the unbroken run of SEN provision (K then E), on 07/01/2019
    assert needs(fixture_db, a) == [("SLCN", 1, date(2019, 1, 7), None), ("ASD", 2, date(2019, 1, 7), None)]
    # Year 1 in 2019/20 (the file's year), six Septembers later: Year 7 in 2025/26; on roll from today
    assert roll(fixture_db, a) == [(1, 7, date(2026, 1, 20), True)]
    # NCyearActual X: from the date of birth 15/01/2014 (born in 2013/14): 2025 - 2013 - 5 = Year 7
    assert roll(fixture_db, b) == [(1, 7, date(2026, 1, 20), True)]
    assert rows(fixture_db, "SELECT gender FROM pupils WHERE upn = $u", u=a) == [("M",)]  # <Gender> in this version
    files = history(fixture_db, 1)["files"].iloc[0]
    assert "Beck Lane Primary, URN 107001" in files and "file dated 10/07/2020" in files and "19.0, full" in files


def test_ctf_v21_keeps_need_start_dates_and_a_break_in_the_history(fixture_db):
    imported(fixture_db, "ctf_v21_history_with_break_and_need_dates.xml")
    c = NEW["C"]
    # records out of order in the file are put in date order: K, N (off the register), K again
    assert provision(fixture_db, c) == [("K", date(2020, 9, 1), date(2021, 8, 31)), ("N", date(2021, 9, 1), date(2022, 1, 9)),
                                        ("K", date(2022, 1, 10), None)]
    assert needs(fixture_db, c) == [("SPLD", 1, date(2020, 9, 15), None), ("MLD", 2, date(2022, 2, 1), None)]
    assert roll(fixture_db, c)[0][1] == 8  # Year 4 in 2021/22 -> Year 8 in 2025/26


def test_ctf_v23_attendance_year_data_and_multiplication_tables_check(fixture_db):
    imported(fixture_db, "ctf_v23_attendance_and_mtc.xml")
    d = NEW["D"]
    att = rows(fixture_db, "SELECT term_id, possible_sessions, attended_sessions FROM attendance JOIN pupils USING (pupil_id) "
                           "WHERE upn = $u ORDER BY term_id", u=d)
    # 2022/23: 380 possible, 10 authorised and 6 unauthorised absences -> 364 attended; 2023/24: 240 of 250 as given
    assert att == [(20223, 380, 364), (20233, 250, 240)]
    asm = rows(fixture_db, "SELECT term_id, subject, score, scale, expected_standard FROM assessments JOIN pupils USING (pupil_id) "
                           "WHERE upn = $u", u=d)
    assert asm == [(20223, "KS2 multiplication tables check", 23.0, "MTC score (0 to 25)", None)]
    assert rows(fixture_db, "SELECT gender FROM pupils WHERE upn = $u", u=d) == [("M",)]  # <Sex> in this version


def test_ctf_v24_key_stage_2_scaled_scores_are_prior_attainment(fixture_db):
    batch, _ = imported(fixture_db, "ctf_v24_key_stage_2.xml")
    e = NEW["E"]
    asm = rows(fixture_db, "SELECT term_id, subject, score, scale, expected_standard FROM assessments JOIN pupils USING (pupil_id) "
                           "WHERE upn = $u ORDER BY term_id, subject", u=e)
    # tests taken in May 2024: the summer term of 2023/24; the MTC of June 2022: summer 2021/22
    assert asm == [(20213, "KS2 multiplication tables check", 19.0, "MTC score (0 to 25)", None),
                   (20233, "KS2 Grammar, punctuation and spelling", 110.0, "KS2 scaled score", 100.0),
                   (20233, "KS2 Maths", 99.0, "KS2 scaled score", 100.0),
                   (20233, "KS2 Reading", 104.0, "KS2 scaled score", 100.0)]
    assert any("not numbers" in n for n in batch.notices())  # the writing teacher assessment EXS is not a score


def test_ctf_v25_partial_file_changes_only_what_it_carries(fixture_db):
    upn = fixture_upn(1)
    before = rows(fixture_db, "SELECT first_name, last_name, date_of_birth, gender, entry_date FROM pupils WHERE upn = $u", u=upn)
    imported(fixture_db, "ctf_v25_partial_held_pupil.xml")
    # the names in capitals do not overwrite Pupil01 Fixture01; DOB and sex, absent from the file, are kept
    assert rows(fixture_db, "SELECT first_name, last_name, date_of_birth, gender, entry_date FROM pupils WHERE upn = $u", u=upn) == before
    assert provision(fixture_db, upn) == [("K", date(2024, 9, 1), date(2026, 1, 4)), ("E", date(2026, 1, 5), None)]
    assert needs(fixture_db, upn) == [("SPLD", 1, date(2024, 9, 1), None), ("SLCN", 2, date(2024, 9, 1), None)]
    assert roll(fixture_db, upn) == [(1, 7, date(2024, 9, 1), True)]


def test_ctf_v26_admission_date_and_needs_ended_by_leaving_the_register(fixture_db):
    imported(fixture_db, "ctf_v26_admission_and_off_register.xml")
    f = NEW["F"]
    assert provision(fixture_db, f) == [("K", date(2023, 9, 4), date(2025, 7, 19)), ("N", date(2025, 7, 20), None)]
    assert needs(fixture_db, f) == [("SEMH", 1, date(2023, 9, 4), date(2025, 7, 19))]
    assert roll(fixture_db, f) == [(1, 9, date(2026, 1, 5), True)]
    assert rows(fixture_db, "SELECT first_name, last_name FROM pupils WHERE upn = $u", u=f) == [("Rían", "O'Neill")]


def test_ctf_reimport_changes_nothing_and_undo_restores(fixture_db):
    before = checksums(fixture_db)
    imported(fixture_db, "ctf_v19_sen_support_then_ehcp.xml")
    again = load(fixture_db, [SourceFile("x.xml", (DATA / "ctf_v19_sen_support_then_ehcp.xml").read_bytes())])
    plan = preview(fixture_db, again)
    assert (plan.added, plan.changed) == (0, 0)
    undo_last(fixture_db, "tester")
    after = checksums(fixture_db)
    history = ("imports", "import_files", "audit_log", "audit_links", "audit_chain", "audit_pupils_seen", "data_version")
    assert {t: v for t, v in after.items() if t not in history} == {t: v for t, v in before.items() if t not in history}


def test_ctf_addressed_to_another_school_is_refused(fixture_db):
    before = checksums(fixture_db)
    batch = load(fixture_db, [SourceFile("x.xml", (DATA / "ctf_v26_addressed_to_other_school.xml").read_bytes())], school_id=1)
    assert [(p.where, p.found) for p in batch.problems] == [("Header/DestSchool/URN", "100002")]
    assert checksums(fixture_db) == before


def test_sims_student_list_updates_the_register(fixture_db):
    batch, out = imported(fixture_db, "sims_student_list_cp1252_crlf.csv")
    assert batch.files[0].encoding == "Windows-1252"
    # pupil 2: K (held from 01/09/2024) -> E from the import date 20/01/2026; secondary need SLCN added
    assert provision(fixture_db, fixture_upn(2)) == [("K", date(2024, 9, 1), date(2026, 1, 19)), ("E", date(2026, 1, 20), None)]
    assert needs(fixture_db, fixture_upn(2)) == [("SPLD", 1, date(2024, 9, 1), None), ("SLCN", 2, date(2026, 1, 20), None)]
    # pupil 6 had no SEN: K and SEMH from today; pupil 1 (K, SPLD as held) unchanged
    assert provision(fixture_db, fixture_upn(6)) == [("K", date(2026, 1, 20), None)]
    assert needs(fixture_db, fixture_upn(6)) == [("SEMH", 1, date(2026, 1, 20), None)]
    assert provision(fixture_db, fixture_upn(1)) == [("K", date(2024, 9, 1), None)]
    assert rows(fixture_db, "SELECT first_name, last_name FROM pupils WHERE upn = $u", u=NEW["G"]) == [("Zoë", "Brontë")]
    assert provision(fixture_db, NEW["G"]) == []  # N for a pupil with no SEN held: nothing to record


def test_arbor_export_with_words_and_a_sen_start_date(fixture_db):
    batch, out = imported(fixture_db, "arbor_students_utf8_bom.csv")
    assert batch.files[0].encoding == "UTF-8 with BOM"
    assert provision(fixture_db, fixture_upn(3)) == [("K", date(2024, 9, 1), date(2026, 1, 12)), ("E", date(2026, 1, 13), None)]
    assert needs(fixture_db, fixture_upn(3)) == [("SEMH", 1, date(2024, 9, 1), None)]  # same need: unchanged
    assert provision(fixture_db, fixture_upn(7)) == [("K", date(2026, 1, 12), None)]
    assert needs(fixture_db, fixture_upn(7)) == [("SPLD", 1, date(2026, 1, 12), None)]


def test_bromcom_semicolons_code_and_words_change_nothing_already_held(fixture_db):
    before = checksums(fixture_db)
    batch = load(fixture_db, [SourceFile("b.csv", (DATA / "bromcom_students_semicolon.csv").read_bytes())])
    assert batch.ok, [str(p) for p in batch.problems]
    plan = preview(fixture_db, batch)
    assert (plan.added, plan.changed, plan.unchanged) == (0, 0, 6)
    assert checksums(fixture_db) == before


def test_scholarpack_workbook_with_excel_dates(fixture_db):
    batch, out = imported(fixture_db, "scholarpack_pupils_excel_dates.xlsx")
    assert "Excel workbook" in batch.files[0].encoding
    h = NEW["H"]
    assert rows(fixture_db, "SELECT date_of_birth, gender FROM pupils WHERE upn = $u", u=h) == [(date(2013, 4, 22), "M")]
    assert roll(fixture_db, h)[0][1] == 8
    assert provision(fixture_db, h) == [("K", date(2026, 1, 20), None)]


def test_workbook_named_sheet_and_text_dates(fixture_db):
    imported(fixture_db, "sen_register_named_sheet_text_dates.xlsx", sheet="SEN register")
    assert provision(fixture_db, fixture_upn(9)) == [("K", date(2026, 1, 5), None)]
    assert needs(fixture_db, fixture_upn(9)) == [("MLD", 1, date(2026, 1, 5), None)]
    # without the sheet's name the first sheet is read, and it is not a kind of file sendboard knows
    first = load(fixture_db, [SourceFile("s.xlsx", (DATA / "sen_register_named_sheet_text_dates.xlsx").read_bytes())])
    assert not first.ok
    missing = load(fixture_db, [SourceFile("s.xlsx", (DATA / "sen_register_named_sheet_text_dates.xlsx").read_bytes(), "SEN")])
    assert "'Read me', 'SEN register'" in str(missing.problems[0])


def test_pupils_file_missing_columns_is_diagnosed_as_pupils(fixture_db):
    batch = load(fixture_db, [SourceFile("p.csv", (DATA / "pupils_missing_columns.csv").read_bytes())])
    text = str(batch.problems[0])
    assert len(batch.problems) == 1
    assert "most like a pupils file" in text and "'date_of_birth'" in text and "'gender'" in text
    assert "SEN register" not in text


def test_an_unknown_pupil_and_two_open_provisions_are_each_reported_once(fixture_db):
    data = (f"UPN,SEN Provision,Start Date,Primary Need\n{NEW['A']},K,01/09/2025,SPLD\n"
            f"{fixture_upn(8)},K,01/09/2025,\n{fixture_upn(8)},E,01/01/2026,\n").encode()
    batch = load(fixture_db, [SourceFile("s.csv", data)])
    unknown = [p for p in batch.problems if p.found == NEW["A"]]
    open_ = [p for p in batch.problems if "one open SEN provision" in p.expected]
    assert len(unknown) == 1 and len(open_) == 1, [str(p) for p in batch.problems]


def test_old_xls_gets_a_message_saying_how_to_convert(fixture_db):
    batch = load(fixture_db, [SourceFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)])
    assert "Save As" in batch.problems[0].expected and ".xlsx" in batch.problems[0].expected
    assert batch.refusals() and batch.refusals()[0].startswith("old.xls was refused as a whole")


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir() if p.suffix in (".csv", ".xml", ".xlsx")))
def test_every_library_file_has_its_expected_result_documented(name):
    assert name in (DATA / "README.md").read_text()


def test_bench_pupils_file_imports_with_its_register(tmp_path):
    """The 50,000-row benchmark's file, at 300 rows: per 10 pupils 8 have no SEN, 1 SEN support with a
    primary need, 1 an EHC plan with a primary and a secondary need. So 300 pupils, 300 year groups,
    60 provisions and 60 + 30 = 90 needs: 750 rows."""
    from sendboard.importers.bench import bench_pupils

    out = bench_pupils(tmp_path, 300)
    assert out["pupils_50000_rows_added"] == 750


def test_preview_lists_register_changes_by_upn_before_anything_is_written(fixture_db):
    before = checksums(fixture_db)
    batch = load(fixture_db, [SourceFile("s.csv", (DATA / "sims_student_list_cp1252_crlf.csv").read_bytes())])
    plan = preview(fixture_db, batch)
    sen = next(r for r in plan.results if r.target == "sen_provision")
    assert (sen.added, sen.changed) == (2, 1)
    shown = set(zip(sen.samples["upn"], sen.samples["code"], sen.samples["_state"]))
    assert shown == {(fixture_upn(2), "E", "add"), (fixture_upn(6), "K", "add"), (fixture_upn(2), "K", "change")}
    assert checksums(fixture_db) == before


def test_transfer_sources_in_the_history(fixture_db):
    from sendboard.importers import transfer_sources

    imported(fixture_db, "ctf_v26_admission_and_off_register.xml")
    shown = transfer_sources(fixture_db, 1)
    assert shown.to_dict("records") == [{
        "Import": "1", "File": "ctf_v26_admission_and_off_register.xml",
        "Sent by": "Common Transfer File 26.0, full, from Fell View Academy, URN 107005, LA 383, establishment 2001",
        "File made": "14/01/2026 09:05"}]


def test_a_blank_need_ends_the_one_held_only_on_a_row_that_gives_a_status(fixture_db):
    data = ("UPN,Surname,Forename,DOB,Gender,SEN Status,Primary Need,Secondary Need\n"
            f"{fixture_upn(4)},Fixture04,Pupil04,10/05/2014,F,E,ASD,\n"      # held E, ASD (1), SLCN (2): SLCN ends
            f"{fixture_upn(12)},Fixture12,Pupil12,10/01/2013,F,,,\n").encode()  # blank status: nothing changes
    batch = load(fixture_db, [SourceFile("x.csv", data)])
    assert batch.ok, [str(p) for p in batch.problems]
    commit(fixture_db, batch, "tester")
    assert needs(fixture_db, fixture_upn(4)) == [("ASD", 1, date(2024, 9, 1), None), ("SLCN", 2, date(2024, 9, 1), date(2026, 1, 19))]
    assert needs(fixture_db, fixture_upn(12)) == [("ASD", 1, date(2024, 9, 1), None)]
    assert provision(fixture_db, fixture_upn(12)) == [("E", date(2024, 9, 1), None)]


def test_workbook_value_outside_the_headed_columns_is_located(fixture_db):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["UPN", "Term", "Subject", "Score"])
    book.active.append([fixture_upn(1), "Autumn 2025", "Reading", 100, None, "stray"])
    data = io.BytesIO()
    book.save(data)
    batch = load(fixture_db, [SourceFile("w.xlsx", data.getvalue())])
    assert [(p.where, p.found) for p in batch.problems] == [("row 2", "a value in column 6")]


def test_ctf_attendance_for_years_a_held_pupil_was_on_roll_is_left_to_the_school(fixture_db):
    """Pupil 1 joined on 01/09/2024: 2023/24 from the file is stored, 2024/25 is the school's own."""
    xml = (DATA / "ctf_v23_attendance_and_mtc.xml").read_text().replace(NEW["D"], fixture_upn(1)) \
        .replace("<Year>2022</Year><LEA>", "<Year>2024</Year><LEA>")
    batch = load(fixture_db, [SourceFile("c.xml", xml.encode())])
    assert batch.ok, [str(p) for p in batch.problems]
    commit(fixture_db, batch, "tester")
    att = rows(fixture_db, "SELECT term_id, attended_sessions FROM attendance WHERE pupil_id = 1 AND term_id IN (20233, 20243)")
    assert att == [(20233, 240)]
    assert any("left out" in n for n in batch.notices())


def test_pupils_a_ctf_adds_are_on_the_register_at_once(fixture_db, viewers):
    """Before: 20 on roll, 4 on SEN support and 2 with EHC plans (the fixture). The version 19 file adds two
    pupils, one with an EHC plan: 22 on roll, 4 SEN support, 3 EHC plans, as the leaders' pages count them."""
    from sendboard.leaders.register import roster, summary

    today = date(2026, 1, 20)
    before = summary(roster(fixture_db, Scope(viewers["senco"], today), 1, today))
    assert (before["on_roll"], before["sen_support"], before["ehc_plan"]) == (20, 4, 2)
    imported(fixture_db, "ctf_v19_sen_support_then_ehcp.xml")
    after = summary(roster(fixture_db, Scope(viewers["senco"], today), 1, today))
    assert (after["on_roll"], after["sen_support"], after["ehc_plan"]) == (22, 4, 3)


def test_bromcom_template_headings_are_recognised(fixture_db):
    batch = load(fixture_db, [SourceFile("b.csv", (DATA / "bromcom_headings_admission_number.csv").read_bytes())])
    assert batch.ok and batch.files[0].kind == "pupils", [str(p) for p in batch.problems]
    assert batch.files[0].ignored_columns == ["Admission Number"]
    plan = preview(fixture_db, batch)
    assert (plan.added, plan.changed) == (0, 0)
