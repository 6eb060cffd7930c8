"""Every role against every registered page (table-driven from sendboard.access.PAGES): pages a role may not open are neither listed nor reachable, pages it may open render on the fixture
and on the demo school, a teacher cannot reach another class's pupil, and a governor never sees a pupil."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendboard.access import PAGES, ROLES
from sendboard.app_db import open_database
from tests.apptest_helpers import all_text, signed_in

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = [(role, p.key) for role in ROLES for p in PAGES if role in p.roles]
FORBIDDEN = [(role, p.key) for role in ROLES for p in PAGES if role not in p.roles]
PATH = {p.key: p.path for p in PAGES}
REFUSED = "not available for your role"


def refusals(username: str, page_key: str) -> int:
    return open_database().cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'page_refused' AND username = $u AND object_id = $p",
        {"u": username, "p": page_key}).fetchone()[0]


def run_page_directly(page_key: str, viewer, **state) -> AppTest:
    """Run a page file on its own (as if someone typed its URL), with the viewer already in session."""
    at = AppTest.from_file(str(ROOT / PATH[page_key]), default_timeout=60)
    at.session_state["viewer"] = viewer
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return at


# ------------------------------------------------------------------ pages a role may not open


@pytest.mark.parametrize("role,page_key", FORBIDDEN)
def test_a_forbidden_page_is_neither_listed_nor_reachable(fixture_path, role, page_key):
    at = signed_in(role)
    assert not at.exception
    listed = {Path(link.proto.page).stem for link in at.get("page_link")}  # the home page's links
    assert listed, "the home page lists no pages at all"
    assert page_key not in listed, listed
    with pytest.raises(ValueError):  # not registered with st.navigation, so no URL leads to it
        at.switch_page(PATH[page_key])

    direct = run_page_directly(page_key, at.session_state["viewer"])
    text = all_text(direct)
    assert REFUSED in text, (role, page_key)
    assert not direct.dataframe and not direct.metric and not direct.get("download_button")
    assert refusals(role, page_key) == 1


# ------------------------------------------------------------------ pages a role may open


@pytest.mark.parametrize("role,page_key", ALLOWED)
def test_an_allowed_page_renders_on_the_fixture_school(fixture_path, role, page_key):
    at = signed_in(role, page=PATH[page_key], timeout=60)
    assert not at.exception, (role, page_key, [e.value for e in at.exception])
    assert REFUSED not in all_text(at)
    assert refusals(role, page_key) == 0


@pytest.fixture(scope="session")
def demo_school(request, tmp_path_factory):
    """One copy of the demo school for every (role, page) run on this worker: the pages only read it (and
    append audit rows), and one copy lets the query cache work across runs. Session-scoped, so these tests
    may be shared between workers without the copy being made again each time a worker comes back."""
    template = request.getfixturevalue("demo_template")
    path = tmp_path_factory.mktemp("perm-demo") / "demo.duckdb"
    shutil.copy(template, path)
    return path


@pytest.fixture
def on_demo(demo_school, monkeypatch):
    from sendboard import ui
    from tests.conftest import DEMO_AS_OF

    monkeypatch.setenv("SENDBOARD_DB", str(demo_school))
    monkeypatch.setenv("SENDBOARD_TODAY", DEMO_AS_OF)
    ui._database.clear()  # the cached Database was closed after the previous test
    yield demo_school
    ui._database.clear()


@pytest.mark.parametrize("role,page_key", ALLOWED)
def test_an_allowed_page_renders_on_the_demo_school(on_demo, role, page_key):
    # every role has a demo account (the demo school is in a trust): a missing one fails in signed_in
    at = signed_in(role, page=PATH[page_key], timeout=90)
    assert not at.exception, (role, page_key, [e.value for e in at.exception])
    assert REFUSED not in all_text(at)


# ------------------------------------------------------------------ a teacher and another class's pupil
# In the fixture, 'teacher' teaches pupils 1-10 (7A); pupil 11 is in 8A, taught by 'teacher2'.

def pupil_11_shows(at: AppTest) -> bool:
    db = open_database()
    first, last, upn = db.cursor().execute("SELECT first_name, last_name, upn FROM pupils WHERE pupil_id = 11").fetchone()
    text = all_text(at)
    for box in at.selectbox:
        text += " " + " ".join(str(o) for o in box.options) + " " + str(box.value)
    return any(s in text for s in (first, last, upn))


def access_refused(pupil_id: int) -> int:
    return open_database().cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'access_refused' AND username = 'teacher' AND pupil_id = $p",
        {"p": pupil_id}).fetchone()[0]


@pytest.mark.parametrize("param", ["pupil_id", "pupil"])
def test_a_teacher_asking_for_another_class_pupil_by_url_gets_nothing(fixture_path, param):
    at = signed_in("teacher")
    viewer = at.session_state["viewer"]
    direct = AppTest.from_file(str(ROOT / "pages/passport.py"), default_timeout=60)
    direct.session_state["viewer"] = viewer
    direct.query_params[param] = "11"
    direct.run()
    assert not direct.exception
    assert not pupil_11_shows(direct)
    if param == "pupil_id":  # the parameter the passport reads: the attempt is refused and audited
        assert "not available to you" in all_text(direct)
        assert access_refused(11) == 1
    # the teacher's own pupil by the same route is shown
    own = AppTest.from_file(str(ROOT / "pages/passport.py"), default_timeout=60)
    own.session_state["viewer"] = viewer
    own.query_params["pupil_id"] = "3"
    own.run()
    assert "Pupil03" in all_text(own)


def test_a_teacher_asking_for_another_class_pupil_by_session_state_gets_nothing(fixture_path):
    at = signed_in("teacher")
    direct = run_page_directly("passport", at.session_state["viewer"], passport_pupil=11)
    assert not direct.exception
    assert not pupil_11_shows(direct)
    # and through the app frame, with switch_page
    framed = signed_in("teacher", page="pages/passport.py", passport_pupil=11)
    assert not pupil_11_shows(framed)


def test_a_made_up_pupil_id_is_refused_and_audited(fixture_path):
    at = signed_in("teacher")
    direct = AppTest.from_file(str(ROOT / "pages/passport.py"), default_timeout=60)
    direct.session_state["viewer"] = at.session_state["viewer"]
    direct.query_params["pupil_id"] = "1 OR 1=1"
    direct.run()
    assert not direct.exception and "not available to you" in all_text(direct)
    assert open_database().cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'access_refused' AND object_id = '1 OR 1=1'").fetchone()[0] == 1


# ------------------------------------------------------------------ governors never see a pupil

GOVERNOR_PAGES = [key for role, key in ALLOWED if role == "governor"]


def identifying_strings(db) -> set[str]:
    found = set()
    for first, last, upn, dob in db.cursor().execute(
            "SELECT first_name, last_name, upn, date_of_birth FROM pupils").fetchall():
        found |= {f"{first} {last}", f"{last}, {first}", upn, dob.isoformat(), f"{dob:%d/%m/%Y}", f"{dob:%d %B %Y}",
                  f"{dob.day} {dob:%B %Y}"}
    return found


def assert_no_pupil_identifiers(at: AppTest, where: str) -> None:
    text = all_text(at)
    for box in list(at.selectbox) + list(at.multiselect):
        text += "\n" + "\n".join(map(str, box.options))
    leaks = sorted(s for s in identifying_strings(open_database()) if s in text)
    assert leaks == [], (where, leaks[:5])


@pytest.mark.parametrize("page_key", GOVERNOR_PAGES)
def test_a_governor_sees_no_pupil_name_upn_or_birth_date_on_the_fixture(fixture_path, page_key):
    at = signed_in("governor", page=PATH[page_key], timeout=60)
    assert not at.exception
    assert_no_pupil_identifiers(at, page_key)


@pytest.mark.parametrize("page_key", GOVERNOR_PAGES)
def test_a_governor_sees_no_pupil_name_upn_or_birth_date_on_the_demo(on_demo, page_key):
    at = signed_in("governor", page=PATH[page_key], timeout=90)
    assert not at.exception
    assert_no_pupil_identifiers(at, page_key)


def _leaking_page():
    """A deliberately leaking page: one pupil identifier, in the place a real page might show it (the kind of
    leak is chosen through session state)."""
    import streamlit as st

    from sendboard.db import open_database as _open

    first, last, upn, born = _open().cursor().execute(
        "SELECT first_name, last_name, upn, date_of_birth FROM pupils ORDER BY pupil_id LIMIT 1").fetchone()
    st.dataframe({"group": ["SEN support"], "pupils": [4]})
    leak = st.session_state.get("leak")
    if leak == "name":
        st.dataframe({"who": [f"{first} {last}"], "n": [1]})
    elif leak == "upn":
        st.selectbox("Choose", ["all pupils", upn])
    elif leak == "birth date":
        st.caption(f"born {born:%d/%m/%Y}")


@pytest.mark.parametrize("leak", ["name", "upn", "birth date"])
def test_the_identifier_check_catches_a_leaking_page(fixture_path, leak):
    """The governor check is fed a page that shows a name (in a table), a UPN (as a choice) or a birth date (in
    a caption), and must fail; the same page without the leak passes, so it is no false alarm either."""
    leaking = AppTest.from_function(_leaking_page)
    leaking.session_state["leak"] = leak
    leaking.run()
    assert not leaking.exception
    with pytest.raises(AssertionError, match="a leaking page"):
        assert_no_pupil_identifiers(leaking, "a leaking page")
    clean = AppTest.from_function(_leaking_page)
    clean.run()
    assert not clean.exception
    assert_no_pupil_identifiers(clean, "the same page without the leak")


def test_the_table_matches_the_permissions_as_written_down():
    """The page registry against an independent statement of who may open what (the README's roles, typed out
    here page by page): a role added to or dropped from a page in sendboard/access.py without this table
    changing fails, as does a page without its file."""
    everyone = set(ROLES)
    whole_school = {"head", "senco", "trust"}
    classroom = {"teacher", "senco", "head"}
    expected = {
        "home": everyone, "glossary": everyone,
        "overview": whole_school, "identification": whole_school, "outcomes": whole_school,
        "graduated_approach": whole_school,
        "class_profile": classroom, "passport": classroom, "strategies": classroom, "provision_map": classroom,
        # the trust lead reads each school's statutory and provision pages as its head would (no forms)
        "impact": whole_school, "ehc_plans": whole_school, "self_evaluation": whole_school,
        "expertise": {"senco", "head", "admin", "trust"}, "specialists": {"senco", "head", "governor", "trust"},
        "sen_report": {"senco", "head", "governor"},
        "governors": {"governor", "head"}, "trust": {"trust"},
        "data": {"senco", "admin"}, "users": {"admin", "head"}, "audit": {"admin"},
    }
    assert {p.key: set(p.roles) for p in PAGES} == expected
    assert sorted((ROOT / "pages").glob("*.py")) == sorted(ROOT / p.path for p in PAGES)
    # governors: never a page whose question is about one pupil
    assert not [p.key for p in PAGES if "governor" in p.roles and p.pupil_level]
