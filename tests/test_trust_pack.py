"""The trust board pack: every section in the PDF and the workbook, no pupil identifier anywhere, small
counts hidden in each school's row and in the trust's total (the governors' disclosure rules)."""
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from sendboard import trust_pack
from sendboard.access import AccessDenied
from tests.apptest_helpers import signed_in
from tests.trust_helpers import AS_AT, add_ehc_rows

SECTIONS = ["The SEND register in each school", "Areas of need in each school",
            "Outcomes: pupils with SEND against their peers", "EHC plans and outside specialists",
            "Provision spend and SEND funding", "Staff training and self-evaluation"]


def _identifiers(db) -> list[str]:
    rows = db.cursor().execute("SELECT first_name, last_name, upn FROM pupils").fetchall()
    return [v for row in rows for v in row]


@pytest.fixture
def pack(fixture_db, viewers):
    add_ehc_rows(fixture_db)
    return trust_pack.build_trust_pack(fixture_db, viewers["trust"], AS_AT, AS_AT)


def test_every_section_is_in_the_pdf_and_the_workbook(pack):
    assert [s.title for s in pack.sections] == SECTIONS
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(trust_pack.pdf_bytes(pack))).pages)
    flat = " ".join(text.split())
    for title in SECTIONS:
        assert title in flat, title
    assert "Fixture Trust" in flat and "SEND trust board pack" in flat
    book = load_workbook(io.BytesIO(trust_pack.excel_bytes(pack)))
    assert book.sheetnames == ["Contents"] + [s.key for s in pack.sections]
    for section in pack.sections:
        assert book[section.key]["A1"].value == section.title


def test_no_pupil_identifier_anywhere(pack, fixture_db):
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(trust_pack.pdf_bytes(pack))).pages)
    book = load_workbook(io.BytesIO(trust_pack.excel_bytes(pack)))
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
    for identifier in _identifiers(fixture_db):
        assert identifier not in pdf_text and identifier not in cells, identifier


def test_small_counts_are_hidden_per_school_and_in_the_trust_total(pack):
    register = pack.section("register").tables[0].display.set_index("School")
    mark = "<5"
    # Elm Road: 1 pupil on roll, 1 on SEN support
    assert register.loc["Elm Road School", "Pupils on roll"] == mark
    assert register.loc["Elm Road School", "SEN support"] == mark
    # Oak Lane: 4 on SEN support and 2 with EHC plans, both small. Its 20 on roll is hidden as x: with the
    # trust's 21 shown, 21 - 20 would give Elm Road's 1 away (secondary suppression down the column).
    assert register.loc["Oak Lane Academy", "SEN support"] == mark
    assert register.loc["Oak Lane Academy", "EHC plans"] == mark
    assert register.loc["Oak Lane Academy", "Pupils on roll"] == "x"
    # the trust: 2 EHC plans in all, small too; 21 on roll shown
    assert register.loc[trust_pack.TRUST_ROW, "EHC plans"] == mark
    assert str(register.loc[trust_pack.TRUST_ROW, "Pupils on roll"]) == "21"
    # a share on a small count is never shown as a bare number
    assert str(register.loc["Elm Road School", "SEN support %"]) in ("x", mark) or "–" in str(
        register.loc["Elm Road School", "SEN support %"])
    ehc = pack.section("ehc").tables[0].display.set_index("School")
    assert ehc.loc["Oak Lane Academy", "Reviews overdue now"] == mark  # 1 overdue
    assert ehc.loc[trust_pack.TRUST_ROW, "Reviews overdue now"] == mark  # 2 in the trust


def test_national_figures_are_named_by_year(pack):
    register = pack.section("register")
    assert any("national" in line and "/" in line for line in register.headline)
    table = register.tables[0].display
    years = table.loc[table["School"] != trust_pack.TRUST_ROW, "National year: all with SEN; split"].tolist()
    # each school's row names the years of its phase's figures: the total's, then the split's
    assert years and all(re.fullmatch(r"\d{4}/\d{2}(; \d{4}/\d{2})?", y) for y in years), years


def test_only_the_trust_lead_builds_it(fixture_db, viewers):
    with pytest.raises(AccessDenied):
        trust_pack.build_trust_pack(fixture_db, viewers["governor"], AS_AT, AS_AT)


def test_the_page_offers_both_files(fixture_path):
    at = signed_in("trust", page="pages/trust.py", term_id=20252)
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Download PDF board pack" in labels and "Download Excel board pack" in labels


def test_empty_cells_show_a_dash_with_its_key_never_none(pack):
    """The trust's row has no single national figure (each school is set against its own phase's): the cell
    shows a dash, in the PDF and the workbook, and the key under the table says what the dash means."""
    register = pack.section("register").tables[0].display.set_index("School")
    assert register.loc[trust_pack.TRUST_ROW, "National SEN support %"] == "–"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(trust_pack.pdf_bytes(pack))).pages).split())
    book = load_workbook(io.BytesIO(trust_pack.excel_bytes(pack)))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "– = no figure to show" in text and any("– = no figure to show" in c for c in cells)
    for shown in (text.split(), cells):
        assert not {"None", "nan", "NaN", "<NA>"} & set(shown)
