"""Tables a person has to open are drawn only once opened (each closed one still cost every browser its
data grid, mounted out of sight): the governors' pack's and the SEN Information Report's "The figures".

Opened, they hold every table they held before, and the governor's pack still names no pupil anywhere,
tables included (the leak check of tests/test_governors_pack.py, run over the opened page).
"""
from __future__ import annotations

from sendboard import clock
from sendboard.app_db import open_database
from sendboard.governors.figures import build_pack
from sendboard.publishing.headings import HEADINGS
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, signed_in
from tests.test_governors_pack import AS_AT, YEAR, _school, _viewer, identifiers, leaks


def _pack(db):
    gov = _viewer(db, "governor")
    sid, name, phase = _school(db, gov)
    return build_pack(db, Scope(gov, clock.today()), sid, YEAR, AS_AT, name, phase)


def test_governors_pack_draws_the_figures_tables_only_when_opened_and_then_all_of_them(demo_path):
    db = open_database(demo_path)
    pack = _pack(db)
    with_tables = [s for s in pack.sections if s.tables]
    assert with_tables, "the demo pack has sections with tables"
    titles = [t.title for s in with_tables for t in s.tables]

    closed = signed_in("governor", page="pages/governors.py", timeout=90)
    assert not closed.exception
    grids_closed = len(closed.dataframe)  # the charts' own Table tabs
    assert len(closed.expander) >= len(with_tables)
    shown = "\n".join(str(m.value) for m in closed.markdown)
    assert not any(f"**{t}**" in shown for t in titles)

    opened = closed
    for s in with_tables:  # as the browser reports an opened expander
        opened.session_state[f"gov-figures-{s.key}"] = True
    opened.run()
    assert not opened.exception
    assert len(opened.dataframe) == grids_closed + len(titles)
    shown = "\n".join(str(m.value) for m in opened.markdown)
    assert all(f"**{t}**" in shown for t in titles)
    for table in (t for s in with_tables for t in s.tables):  # each table as built, downloads included
        assert any(f.value.shape == table.display.shape for f in opened.dataframe), table.title
    assert {b.label for b in opened.get("download_button")} >= {"Download CSV", "Download Excel"}
    assert leaks(all_text(opened), identifiers(db)) == []


def test_sen_report_draws_the_figures_tables_only_when_opened(demo_path):
    closed = signed_in("governor", page="pages/sen_report.py", timeout=90)
    assert not closed.exception
    figures = [e for e in closed.expander if e.label.startswith("The figures (")]
    assert figures, "the demo report has figures under its headings"
    expected = sum(int(e.label.split("(")[1].split(" ")[0]) for e in figures)
    grids_closed = len(closed.dataframe)

    opened = closed
    for h in HEADINGS:
        opened.session_state[f"sir-figures-{h.key}"] = True
    opened.run()
    assert not opened.exception
    assert len(opened.dataframe) == grids_closed + expected
