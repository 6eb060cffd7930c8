"""Helpers for driving the real app with streamlit.testing.v1.AppTest, from streamlit_app.py."""
from __future__ import annotations

import base64
import html
import re
import urllib.parse
from pathlib import Path

from streamlit.testing.v1 import AppTest

from sendboard.app_db import open_database
from sendboard.auth import viewer_for
from sendboard.text import ZERO_WIDTH_SPACE

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


def app(timeout: float = 30) -> AppTest:
    return AppTest.from_file(APP, default_timeout=timeout)


def signed_in(username: str, db_path=None, *, page: str | None = None, timeout: float = 30, **state) -> AppTest:
    """An AppTest already signed in as ``username`` (on SENDBOARD_DB), optionally switched to a page
    such as "pages/overview.py", and run once."""
    db = open_database(db_path) if db_path else open_database()
    user_id = db.cursor().execute("SELECT user_id FROM users WHERE username = $u", {"u": username}).fetchone()[0]
    at = app(timeout)
    at.session_state["viewer"] = viewer_for(db, user_id)
    for key, value in state.items():
        at.session_state[key] = value
    if page:
        # straight to the page: the frame (sign-in check, filters, navigation) still runs first, as for a
        # person opening the page's URL; running the home page before it would double the cost of every test
        at.switch_page(page)
    at.run()
    return at


# Pages whose tabs are drawn only when open (st.tabs with a key and on_change="rerun"): the tabs' key and
# their labels by role. A test of "every form" or "every text" on such a page opens each tab in turn.
TABS_DRAWN_WHEN_OPEN = {
    "provision_map": ("pm_tab", {
        "senco": ("Whole-school map", "Pupils", "Hours against need", "Catalogue", "Add or change allocations",
                  "Staff hourly costs", "Funding"),
        "head": ("Whole-school map", "Pupils", "Hours against need", "Catalogue", "Add or change allocations",
                 "Staff hourly costs", "Funding"),
        "teacher": ("Your pupils", "Map of your pupils", "Hours against need", "Catalogue")}),
    "ehc_plans": ("ehc_tab", {
        "senco": ("Annual reviews", "Needs assessments", "Phase transfers", "Compliance by year",
                  "Preparing for adulthood", "Record"),
        "head": ("Annual reviews", "Needs assessments", "Phase transfers", "Compliance by year",
                 "Preparing for adulthood", "Record"),
        "trust": ("Annual reviews", "Needs assessments", "Phase transfers", "Compliance by year",
                  "Preparing for adulthood")}),
    "outcomes": ("outcomes_attendance_tab", dict.fromkeys(("head", "senco", "trust"),
                                                        ("Attendance", "Persistent absence", "Suspensions"))),
}


def on_tab(at: AppTest, key: str, label: str) -> AppTest:
    """Open the tab ``label`` of the tabs keyed ``key`` (tabs that draw only the open one, as the provision
    map's), as a click on it does, and run."""
    at.session_state[key] = label
    at.run()
    return at


def every_tab(at: AppTest, key: str, labels) -> list[str]:
    """Each tab of the tabs keyed ``key`` opened in turn: the page's text with that tab open, one per tab
    (no exception on any)."""
    texts = []
    for label in labels:
        on_tab(at, key, label)
        assert not at.exception, (label, [e.value for e in at.exception])
        texts.append(all_text(at))
    return texts


_SVG_OPENING = re.compile(r"<svg\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*)"')
_WIDGET_ID = re.compile(r"^\$\$ID-[0-9a-f]+-(.+)$")  # how Streamlit names an element given a key


def _svg_images(at: AppTest):
    """(markup, alternative text) of each SVG image on the page (st.image of an SVG is sent as a data:
    address, as ui.chart draws a chart)."""
    for element in at.get("image"):
        for image in element.proto.imgs:
            head, _, data = image.url.partition(",")
            if head.startswith("data:image/svg+xml"):
                yield (base64.b64decode(data).decode("utf-8") if head.endswith(";base64")
                       else urllib.parse.unquote(data)), image.alt


def chart_alt_texts(at: AppTest) -> list[str]:
    """The alternative text of each chart image on the page, in the order drawn."""
    return [alt for markup, alt in _svg_images(at) if 'class="sendboard-chart"' in markup]


def drawn_charts(at: AppTest) -> list[str]:
    """The ids ("chart-<key>") of the charts drawn on the server on the page (ui.chart's Chart tab), in the
    order drawn: each root <svg class="sendboard-chart" data-chart="..."> the page sends (hidden tabs
    included, as a browser holds them). The browser sees an image (ui.chart draws st.image in a container
    keyed "drawn-<key>"): find it there by that key."""
    found = []
    for markup, _ in _svg_images(at):
        for opening in _SVG_OPENING.finditer(markup):
            attributes = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(opening.group(0))}
            if "sendboard-chart" in attributes.get("class", "").split() and attributes.get("data-chart"):
                found.append(attributes["data-chart"])
    return found


def interactive_charts(at: AppTest) -> list[str]:
    """The keys ("chart-<key>") of the plotly charts drawn on the page (a chart's open Interactive tab)."""
    return [m.group(1) for el in at.get("plotly_chart") if (m := _WIDGET_ID.match(el.proto.id))]


def as_read(text: str) -> str:
    """Markdown source as a person reads it: without md_escape's backslashes and zero-width spaces."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&])", r"\1", text).replace(ZERO_WIDTH_SPACE, "")


def all_text(at: AppTest) -> str:
    """Every piece of text the script put on the page (markdown, titles, captions, metrics, tables)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success"):
        for element in getattr(at, kind):
            parts.append(str(element.value))
    for metric in at.metric:
        parts.append(f"{metric.label} {metric.value}")
    for frame in at.dataframe:
        parts.append(frame.value.to_csv(index=False))
    for table in at.table:
        parts.append(table.value.to_csv(index=False))
    return "\n".join(parts)
