"""What a person has to open is drawn only once opened (each closed one still cost every browser its
data grid, mounted out of sight): the governors' pack's and the SEN Information Report's "The figures",
and the provision map's tabs (only the open one is drawn; a click on another reruns the page).

Opened, they hold every table they held before, and the governor's pack still names no pupil anywhere,
tables included (the leak check of tests/test_governors_pack.py, run over the opened page).
"""
from __future__ import annotations

from sendboard import clock
from sendboard.app_db import open_database
from sendboard.governors.figures import build_pack
from sendboard.publishing.headings import HEADINGS
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, on_tab, signed_in
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
    charts = [s.chart.title for s in pack.sections if s.chart is not None]  # each chart's table is in The figures too
    assert charts, "the demo pack has charts"

    closed = signed_in("governor", page="pages/governors.py", timeout=90)
    assert not closed.exception
    assert len(closed.dataframe) == 0  # the charts are images: no hidden Table tabs, no grid at all
    assert len(closed.expander) >= len(with_tables)
    shown = "\n".join(str(m.value) for m in closed.markdown)
    assert not any(f"**{t}**" in shown for t in titles)

    opened = closed
    for s in pack.sections:  # as the browser reports an opened expander
        if s.tables or s.chart is not None:
            opened.session_state[f"gov-figures-{s.key}"] = True
    opened.run()
    assert not opened.exception
    assert len(opened.dataframe) == len(titles) + len(charts)
    shown = "\n".join(str(m.value) for m in opened.markdown)
    assert all(f"**{t}**" in shown for t in titles)
    assert all(f"**The chart's figures: {c}**" in shown for c in charts)
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


def test_provision_map_draws_only_its_open_tab_and_keeps_it_across_a_rerun(demo_path):
    at = signed_in("senco", page="pages/provision_map.py", timeout=90)
    assert not at.exception
    labels = [t.label for t in at.tabs]
    assert labels[:2] == ["Whole-school map", "Chart"]  # the map tab's own chart is drawn, with its Table tab
    buttons = {b.label for b in at.button}
    assert "Save intervention" not in buttons and "Save funding line" not in buttons  # closed tabs: not drawn
    first = len(at.dataframe)

    on_tab(at, "pm_tab", "Catalogue")
    assert not at.exception
    assert "Save intervention" in {b.label for b in at.button}
    assert not any(t.label == "Chart" for t in at.tabs)  # the map's chart went with its tab
    at.run()  # a rerun (a widget, a save) keeps the open tab
    assert "Save intervention" in {b.label for b in at.button}

    on_tab(at, "pm_tab", "Whole-school map")
    assert len(at.dataframe) == first
