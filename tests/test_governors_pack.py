"""The governors' pack on the demo school: the page (AppTest), the PDF (pypdf) and the Excel workbook
(openpyxl) carry the same headline figures, and none of them holds anything that identifies a pupil."""
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from sendboard import clock
from sendboard.app_db import open_database
from sendboard.auth import viewer_for
from sendboard.governors.commentary import save_commentary
from sendboard.governors.figures import build_pack
from sendboard.governors.pack import OVERALL, excel_bytes, pack_files, pdf_bytes
from sendboard.scope import Scope
from sendboard.text import md_escape
from tests.apptest_helpers import all_text, signed_in
from tests.conftest import ROOT

AS_AT = date(2026, 11, 23)
YEAR = 2026


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _viewer(db, username):
    uid = db.cursor().execute("SELECT user_id FROM users WHERE username = $u", {"u": username}).fetchone()[0]
    return viewer_for(db, uid)


def _school(db, viewer):
    sid = viewer.school_ids[0]
    name, phase = db.cursor().execute("SELECT name, phase FROM schools WHERE school_id = $s", {"s": sid}).fetchone()
    return sid, name, phase


def identifiers(db) -> dict[str, set[str]]:
    """Every pupil's full name, UPN, date of birth (several formats) and every free-text note."""
    cur = db.cursor()
    names, upns, dobs = set(), set(), set()
    for first, last, upn, dob in cur.execute("SELECT first_name, last_name, upn, date_of_birth FROM pupils").fetchall():
        names.add(f"{first} {last}".lower())
        upns.add(upn.lower())
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d.%m.%Y"):
            dobs.add(dob.strftime(fmt).lower())
        dobs.add(f"{dob.day} {dob:%B %Y}".lower())
    notes = set()
    for sql in ("SELECT strengths, interests, what_helps, what_does_not_help, pupil_voice, parent_voice FROM passports",
                "SELECT note, pupil_voice, parent_voice FROM plan_reviews",
                "SELECT reason, outcome FROM concerns",
                "SELECT assess_note FROM support_plans",
                "SELECT note FROM ehc_reviews",
                "SELECT outcome FROM pfa_outcomes"):
        for row in cur.execute(sql).fetchall():
            for value in row:
                # Short notes ("Good", "Yes") would match ordinary words: only notes of some length count.
                if value and len(value.strip()) >= 25:
                    notes.add(_norm(value).lower())
    return {"name": names, "upn": upns, "dob": dobs, "note": notes}


def leaks(text: str, ids: dict[str, set[str]]) -> list[str]:
    low = _norm(text).lower()
    found = []
    for kind, values in ids.items():
        for v in values:
            if kind == "upn":
                if re.search(rf"\b{re.escape(v)}\b", low):
                    found.append(f"{kind}: {v}")
            elif v in low:
                found.append(f"{kind}: {v}")
    return found


@pytest.fixture
def demo(demo_path):
    db = open_database(demo_path)
    gov = _viewer(db, "governor")
    head = _viewer(db, "head")
    sid, name, phase = _school(db, gov)
    save_commentary(db, Scope(head, clock.today()), sid, YEAR, OVERALL, "Attendance is our priority this year – £ well spent.")
    save_commentary(db, Scope(head, clock.today()), sid, YEAR, "register", "The register has grown in line with national figures.")
    pack = build_pack(db, Scope(gov, clock.today()), sid, YEAR, AS_AT, name, phase)
    return db, gov, head, pack


def test_the_pdf_matches_the_page_figures_and_names_no_pupil(demo):
    db, gov, head, pack = demo
    pdf = pdf_bytes(pack, {OVERALL: "Attendance is our priority this year – £ well spent."})
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 8
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = _norm(text)
    for heading in ("Contents", "SEN Information Report", "Questions governors could ask", "About these figures"):
        assert heading in flat
    assert "£ well spent" in flat and "–" in flat  # DejaVu: pound sign and en dash survive
    for section in pack.sections:
        assert section.title in flat
        for line in section.headline:
            assert _norm(line) in flat, line
    for q in pack.questions:
        assert _norm(q.text) in flat
    reg = pack.section("register").facts
    assert f"{reg['sen_support_pct']:.1f}%" in flat
    assert "<5" in flat  # the demo has small groups, so the key and marks appear
    assert leaks(text, identifiers(db)) == []


def test_the_excel_has_a_sheet_per_section_the_same_figures_and_no_pupil(demo):
    db, gov, head, pack = demo
    wb = load_workbook(io.BytesIO(excel_bytes(pack, {"register": "Steady."})))
    assert wb.sheetnames[0] == "Contents" and wb.sheetnames[-1] == "Questions"
    assert len(wb.sheetnames) == len(pack.sections) + 2
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    text = "\n".join(cells)
    reg = pack.section("register").facts
    assert reg["on_roll"] in [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "<5" in cells or "x" in cells
    assert "Steady." in cells
    assert leaks(text, identifiers(db)) == []


def test_the_page_renders_for_a_governor_with_the_same_figures_and_no_pupil(demo):
    db, gov, head, pack = demo
    at = signed_in("governor", page="pages/governors.py", timeout=90)
    assert not at.exception
    text = all_text(at)
    flat = _norm(text)
    for line in pack.section("register").headline + pack.section("gaps").headline:
        assert _norm(md_escape(line)) in flat  # the page's markdown, escaped (a headline may carry typed text)
    assert "Attendance is our priority this year" in flat  # the head's commentary, read-only
    assert not at.text_area  # governors cannot edit commentary
    assert leaks(text, identifiers(db)) == []
    files = pack_files(db, Scope(gov, clock.today()), pack.school_id, YEAR, AS_AT, pack.school_name, "secondary")
    assert files["pdf"][:4] == b"%PDF"


def test_the_head_previews_and_can_edit_commentary(demo):
    db, gov, head, pack = demo
    at = signed_in("head", page="pages/governors.py", timeout=90)
    assert not at.exception
    assert not at.text_area  # the forms are drawn once the head asks to edit
    at.toggle(key="gov-edit-commentary").set_value(True).run()
    assert not at.exception
    assert len(at.text_area) == len(pack.sections) + 1
    area = next(a for a in at.text_area if a.key == "commentary-text-need_mix")
    area.input("Cognition and learning is now our largest area.")
    button = next(b for b in at.button if b.label == "Save commentary" and b.form_id == "commentary-need_mix")
    button.click().run()
    assert not at.exception
    saved = db.cursor().execute("SELECT text FROM governor_commentary WHERE section = 'need_mix'").fetchall()
    assert saved == [("Cognition and learning is now our largest area.",)]


@pytest.mark.parametrize("username", ["teacher", "senco"])
def test_teacher_and_senco_are_refused(fixture_path, username):
    db = open_database(fixture_path)
    at = AppTest.from_file(str(ROOT / "pages" / "governors.py"), default_timeout=30)
    at.session_state["viewer"] = _viewer(db, username)
    at.run()
    assert "not available for your role" in all_text(at)
    refused = db.cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'page_refused' AND username = $u AND object_id = 'governors'",
        {"u": username}).fetchone()[0]
    assert refused == 1
