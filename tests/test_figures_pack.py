"""The governors' pack PDF lays tables out so a heading wraps between words, never inside one."""
from __future__ import annotations

import io
from itertools import pairwise

from pypdf import PdfReader

from sendboard.governors import pack as pack_pdf
from sendboard.governors.figures import build_pack
from sendboard.scope import Scope
from tests.fixture_school import SCHOOL, TODAY


def _table_layouts(pack):
    doc = pack_pdf._Doc(pack)
    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin
    for section in pack.sections:
        for table in section.tables:
            frame = table.display
            size = 7.5 if len(frame.columns) <= 6 else 6.8
            widths = pack_pdf.column_widths(doc, frame, width, size)
            while widths is None:
                size -= 0.4
                widths = pack_pdf.column_widths(doc, frame, width, size)
            yield doc, table, frame, widths, size, width


def test_every_heading_word_fits_whole_in_its_column(fixture_db, viewers):
    pack = build_pack(fixture_db, Scope(viewers["governor"], TODAY), SCHOOL, 2025, TODAY, "Oak Lane Academy", "secondary")
    checked = 0
    for doc, table, frame, widths, size, width in _table_layouts(pack):
        assert sum(widths) <= width + 1e-6, table.key
        doc.font(size, True)
        for col, w in zip(frame.columns, widths):
            longest_word = max(doc.get_string_width(word) for word in doc.clean(col).split())
            assert longest_word + 2 * pack_pdf.CELL_PADDING <= w, (table.key, col, w)
            checked += 1
    assert checked > 20


def _split_words(text: str, words: set[str]) -> list[str]:
    """Heading words broken across two lines: a line ending in the start of a word, the next starting with the rest."""
    lines = [line.strip() for line in text.splitlines()]
    found = []
    for here, after in pairwise(lines):
        for w in words:
            for k in range(2, len(w) - 1):
                if here.endswith(w[:k]) and after.startswith(w[k:]) and not here.endswith(w):
                    found.append(f"{here!r} / {after!r}")
    return found


def test_no_table_heading_is_split_inside_a_word_on_the_demo(demo_path):
    from sendboard.app_db import open_database
    from sendboard.auth import viewer_for

    db = open_database(demo_path)
    uid = db.cursor().execute("SELECT user_id FROM users WHERE username = 'governor'").fetchone()[0]
    gov = viewer_for(db, uid)
    pack = build_pack(db, Scope(gov, TODAY), gov.school_ids[0], 2025, TODAY.replace(year=2026, month=11, day=23), "Demo", "secondary")
    words = {w for s in pack.sections for t in s.tables for col in t.display.columns for w in str(col).split() if len(w) >= 5}
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pack_pdf.pdf_bytes(pack))).pages)
    assert "support" in words
    assert _split_words(text, words) == []
