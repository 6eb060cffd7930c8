"""Data is never rendered as a link or an image: every page, for every role that opens it, with hostile
pupil names, notes, school, staff and account names, strategy and intervention names and import file
names. The payload carries a markdown image (a tracking pixel), a markdown link, a bare web address, a
'www.' address and an e-mail address; Streamlit's markdown turns the last three into links unless they
are disarmed (sendboard.text.md_escape)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendboard.access import PAGES
from sendboard.app_db import open_database
from sendboard.text import ZERO_WIDTH_SPACE, md_escape
from tests.apptest_helpers import TABS_DRAWN_WHEN_OPEN, on_tab, signed_in

ROOT = Path(__file__).resolve().parent.parent
HOST = "evil.example"
PAYLOAD = (f" ![px](https://{HOST}/px.png) [site](https://{HOST}/l) https://{HOST}/bare www.{HOST}/w ed@{HOST}")
# Free-text columns: names, notes, reasons, evidence, titles, file names and who changed a record.
FREE_TEXT = re.compile(r"^(name|first_name|last_name|display_name|username|strengths|interests|what_helps|what_does_not_help|"
                       r"pupil_voice|parent_voice|\w*notes?|\w*reasons?|evidence|what_to_do|description|title|target|"
                       r"\w*_text|text|file_name|filename|\w*_by|outcome|summary|provider|course|comment\w*)$")
SKIP_TABLES = re.compile(r"^(audit_\w+|ref_\w+|settings|schema_version|data_version|edit_versions|import_changes)$")

# Where a hostile value would become a link or an image: any markdown-rendered text in which the host
# appears unescaped, a markdown image or link opener that is not escaped, or an address not disarmed.
UNSAFE = [re.compile(r"(?<!\\)!(?<!\\)\["), re.compile(r"(?<!\\)\]\\?\("), re.compile(re.escape(HOST)),
          re.compile(r"://"), re.compile(r"www\\?\.", re.I), re.compile(r"(?<!" + ZERO_WIDTH_SPACE + r")@" + "evil")]


def poison(db) -> list[tuple[str, str]]:
    """Append the payload to every free-text column of every data table; returns the columns poisoned."""
    cur = db.cursor()
    # an import whose file name and importing account are hostile (the Data page lists past imports)
    cur.execute("INSERT INTO imports (import_id, username, school_id, file_count, added) VALUES (900, 'senco', 1, 1, 3)")
    cur.execute("INSERT INTO import_files (import_id, position, file_name, sha256, kind, rows) VALUES (900, 1, 'sen_register.csv', 'abc', 'sen_register', 3)")
    columns = cur.execute("SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t "
                          "ON t.table_name = c.table_name AND t.schema_name = c.schema_name WHERE c.schema_name = 'main' "
                          "AND c.data_type = 'VARCHAR' ORDER BY 1, 2").fetchall()
    done = []
    for table, column in columns:
        if SKIP_TABLES.match(table) or not FREE_TEXT.match(column) or (table, column) == ("users", "username"):
            continue  # (accounts keep their sign-in names: the display name is what pages show)
        cur.execute(f'UPDATE "{table}" SET "{column}" = "{column}" || $p WHERE "{column}" IS NOT NULL', {"p": PAYLOAD})
        done.append((table, column))
    cur.execute("INSERT INTO data_version SELECT max(version) + 1, current_timestamp FROM data_version")
    return done


def markdown_bodies(at) -> list[tuple[str, str]]:
    """Every text the page rendered as markdown: bodies, labels of expanders, tabs, metrics and widgets."""
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success", "toast"):
        for element in getattr(at, kind, []):
            out.append((kind, str(element.value)))
    for kind in ("expander", "tabs", "metric", "button", "checkbox", "toggle", "text_input", "text_area",
                 "selectbox", "multiselect", "radio", "number_input", "date_input"):
        for element in getattr(at, kind, []):
            label = getattr(element, "label", None)
            if label:
                out.append((f"{kind} label", str(label)))
    for element in at.get("page_link"):
        out.append(("page_link", element.proto.label))
    for radio in at.radio:  # radio options render markdown
        out += [("radio option", str(o)) for o in radio.options]
    return out


def unsafe_in(bodies) -> list[tuple[str, str]]:
    return [(kind, body[:160]) for kind, body in bodies if any(p.search(body) for p in UNSAFE)]


def test_the_detector_catches_raw_data_and_passes_escaped_data():
    raw = [("markdown", "Pupil" + PAYLOAD)]
    assert unsafe_in(raw)
    assert unsafe_in([("caption", f"see https://{HOST}")]) and unsafe_in([("caption", "www.x.org")])
    assert unsafe_in([("caption", f"bob@{'evil'}.org")])
    assert unsafe_in([("markdown", md_escape("Pupil" + PAYLOAD))]) == []


def _roles(page) -> list[str]:
    """The broadest role that opens the page, and the teacher too where they may (they see other fields)."""
    broad = [r for r in ("senco", "head", "trust", "admin", "governor") if r in page.roles][:1]
    return broad + (["teacher"] if "teacher" in page.roles else [])


PAGE_ROLES = [(p.key, p.path, role) for p in PAGES for role in _roles(p)]


@pytest.fixture
def poisoned(fixture_path):
    db = open_database(fixture_path)
    columns = poison(db)
    assert {("pupils", "first_name"), ("pupils", "last_name"), ("schools", "name"), ("users", "display_name"),
            ("passports", "strengths"), ("strategies", "name"), ("import_files", "file_name"),
            ("imports", "username")} <= set(columns), columns
    return db


@pytest.mark.parametrize("key,path,role", PAGE_ROLES, ids=[f"{k}-{r}" for k, _, r in PAGE_ROLES])
def test_no_page_renders_data_as_a_link_or_image(poisoned, key, path, role):
    at = signed_in(role, page=path, timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    assert unsafe_in(markdown_bodies(at)) == []
    tab_key, tab_labels = TABS_DRAWN_WHEN_OPEN.get(key, (None, {}))
    for tab in tab_labels.get(role, ()):  # a page that draws only its open tab: every tab, each in turn
        on_tab(at, tab_key, tab)
        assert not at.exception, (tab, [e.value for e in at.exception])
        assert unsafe_in(markdown_bodies(at)) == [], tab


def test_the_passport_header_shows_the_hostile_name_as_text(poisoned):
    at = signed_in("senco", page="pages/passport.py", timeout=60)
    headers = [h.value for h in at.header]
    assert headers and "evil\\.example" in headers[0]  # the name is there, escaped, not dropped
    assert unsafe_in(markdown_bodies(at)) == []
