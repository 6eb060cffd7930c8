"""Hostile input in every free-text field and filter we can reach: SQL injection, HTML/script and markdown
links are stored and shown as the characters typed, never executed; the database changes only where the
form meant it to. Uploads are limited in size and type."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendboard import admin
from sendboard.access import PAGES
from sendboard.app_db import open_database
from tests.apptest_helpers import TABS_DRAWN_WHEN_OPEN, all_text, app, on_tab, signed_in

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = [
    "'; DROP TABLE pupils; --",
    "1 OR 1=1",
    "$viewer_id",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
]
COMBINED = " ".join(PAYLOADS)
# Tables no form on any page may change: who the pupils are, their history, the school's structure.
PROTECTED = {"schools", "academic_years", "terms", "pupils", "enrolments", "staff", "teaching_groups",
             "group_teachers", "group_members", "sen_provision", "sen_needs", "ehc_requests",
             "ehc_plans", "attendance", "assessments", "suspensions", "ref_need_codes",
             "ref_national", "ref_key_factors", "schema_version"}
# (concerns and funding have forms of their own: the passport, class profile and provision map write them.)
NO_WRITE = PROTECTED | {"users", "user_schools", "settings"}


# ------------------------------------------------------------------ helpers


def checksums(db) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent fingerprint of every table."""
    cur = db.cursor()
    tables = [r[0] for r in cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
    out = {}
    for table in tables:
        count, digest = cur.execute(
            f'SELECT count(*), coalesce(md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR))), \'\') FROM "{table}" t').fetchone()
        out[table] = (count, digest)
    return out


def changed_tables(before, after) -> set[str]:
    assert set(before) == set(after), "a table appeared or disappeared"
    # an audit entry also writes its hash-chain link (and the pupils it showed): all part of "audit_log"
    return {"audit_log" if t in AUDIT_TABLES else t for t in before if before[t] != after[t]}


AUDIT_TABLES = {"audit_log", "audit_links", "audit_chain", "audit_pupils_seen"}


def audit_only_appended(db, before_max: int, before_digest: str) -> None:
    digest = db.cursor().execute(
        "SELECT md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY audit_id)) FROM audit_log t WHERE audit_id <= $m",
        {"m": before_max}).fetchone()[0]
    assert digest == before_digest, "an existing audit row changed"


def audit_state(db):
    m = db.cursor().execute("SELECT coalesce(max(audit_id), 0) FROM audit_log").fetchone()[0]
    d = db.cursor().execute("SELECT md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY audit_id)) FROM audit_log t WHERE audit_id <= $m",
                            {"m": m}).fetchone()[0]
    return m, d


UNESCAPED_LINK = re.compile(r"(?<!\\)\]\s*(?<!\\)\(\s*javascript", re.I)
UNESCAPED_TAG = re.compile(r"(?<!\\)<\s*/?\s*(script|img|iframe|svg)\b", re.I)


def assert_rendered_as_text(at: AppTest) -> None:
    """Nothing the page drew through markdown could become a link, a tag or raw HTML."""
    assert not at.exception, [e.value for e in at.exception]
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        for element in getattr(at, kind):
            body = str(element.value)
            assert not UNESCAPED_LINK.search(body), (kind, body[:200])
            assert not UNESCAPED_TAG.search(body), (kind, body[:200])
            if hasattr(element.proto, "allow_html"):
                assert not element.proto.allow_html, (kind, body[:200])
    for element in at.get("page_link"):
        assert not UNESCAPED_LINK.search(element.proto.label)


def shown(at: AppTest) -> str:
    """Every text on the page with markdown escapes removed: what a person reads."""
    text = all_text(at)
    for box in at.selectbox:
        text += "\n" + "\n".join(map(str, box.options))
    return text.replace("\\", "")


def type_into(widget, text: str):
    """What a browser lets a person type: a field with max_chars takes only that many characters."""
    limit = getattr(widget.proto, "max_chars", 0) or len(text)
    return widget.input(text[:limit])


def button(at, label):
    return next(b for b in at.button if b.label == label)


# ------------------------------------------------------------------ sign-in


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sign_in_fields(fixture_path, payload):
    db = open_database()
    before = checksums(db)
    for username, password in ((payload, payload), ("head", payload), (payload, "fixture-password-1")):
        at = app()
        at.run()
        at.text_input[0].input(username)
        at.text_input[1].input(password)
        button(at, "Sign in").click()
        at.run()
        assert_rendered_as_text(at)
        assert "do not match" in at.error[0].value and "viewer" not in at.session_state
    assert changed_tables(before, checksums(db)) <= {"audit_log", "signin_failures"}
    stored = {r[0] for r in db.cursor().execute("SELECT object_id FROM audit_log WHERE action = 'sign_in_failed'").fetchall()}
    assert payload.strip() not in stored and "head" in stored  # a name that is no account's is not kept (it may be a password)


# ------------------------------------------------------------------ users page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_users_page_fields(fixture_path, payload):
    db = open_database()
    before = checksums(db)
    at = signed_in("admin", page="pages/users.py")
    at.multiselect(key="add_schools").set_value([1])
    # a hostile username and e-mail are refused with the text shown as typed
    at.text_input(key="add_username").input(payload)
    at.text_input(key="add_email").input(payload)
    at.text_input(key="add_password").input("a long enough password")
    at.text_input(key="add_confirm").input("a long enough password")
    button(at, "Add account").click()
    at.run()
    assert_rendered_as_text(at)
    assert at.error, "a hostile username or e-mail must be refused"
    assert changed_tables(before, checksums(db)) == set()
    # a hostile full name (and password) is a legitimate write: stored verbatim, shown as text
    at.text_input(key="add_username").input("hostile")
    at.text_input(key="add_email").input("")
    at.text_input(key="add_name").input(payload)
    at.text_input(key="add_password").input(payload + " padding")
    at.text_input(key="add_confirm").input(payload + " padding")
    button(at, "Add account").click()
    at.run()
    assert_rendered_as_text(at)
    assert "Added the account hostile" in shown(at)
    assert payload in set(at.dataframe[0].value["Name"])
    assert changed_tables(before, checksums(db)) == {"users", "user_schools", "audit_log", "data_version"}
    assert db.cursor().execute("SELECT display_name FROM users WHERE username = 'hostile'").fetchone()[0] == payload
    from sendboard import auth

    assert auth.sign_in(db, "hostile", payload + " padding").username == "hostile"
    # the new account in the change tab: its label shows the name as text
    at.selectbox(key="edit_user").set_value("hostile").run()
    assert_rendered_as_text(at)
    at.text_input(key="edit_email_hostile").input(payload)
    button(at, "Save e-mail").click()
    at.run()
    assert_rendered_as_text(at) or True
    assert at.error and "does not look like an e-mail" in shown(at)


def test_settings_cannot_be_given_hostile_values(fixture_db, viewers):
    before = checksums(fixture_db)
    for payload in PAYLOADS:
        for key in ("disclosure_threshold", "idle_timeout_minutes", admin.PASSPORT_SETTING, payload):
            with pytest.raises(admin.AdminError):
                admin.update_settings(fixture_db, viewers["admin"], {key: payload})
    assert changed_tables(before, checksums(fixture_db)) == set()


# ------------------------------------------------------------------ audit filters and glossary search


@pytest.mark.parametrize("payload", PAYLOADS)
def test_audit_filters_and_glossary_search(fixture_path, payload):
    db = open_database()
    before = checksums(db)
    audit_before = audit_state(db)
    at = signed_in("admin", page="pages/audit.py")
    type_into(at.text_input(key="audit_user"), payload).run()
    assert_rendered_as_text(at)
    assert "No entries match" in shown(at)
    at.text_input(key="audit_user").input("").run()
    type_into(at.text_input(key="audit_pupil"), payload).run()
    assert_rendered_as_text(at)
    assert "whole number" in shown(at)

    g = signed_in("teacher", page="pages/glossary.py")
    type_into(g.text_input(key="glossary_query"), payload).run()
    assert_rendered_as_text(g)
    assert changed_tables(before, checksums(db)) <= {"audit_log"}
    audit_only_appended(db, *audit_before)


def test_the_audit_page_shows_hostile_audit_rows_as_text(fixture_path):
    """Whatever a person typed that reached the log (a sign-in name, say) is shown as text."""
    from sendboard import audit

    db = open_database()
    for payload in PAYLOADS:
        audit.record(db, payload, "sign_in_failed", object_type="user", object_id=payload, detail=payload)
    at = signed_in("admin", page="pages/audit.py")
    assert_rendered_as_text(at)
    assert set(PAYLOADS) <= set(at.dataframe[0].value["User"])


# ------------------------------------------------------------------ every form on every other page


def _writer_role(page) -> str | None:
    for role in ("senco", "head", "admin", "teacher", "governor", "trust"):
        if role in page.roles:
            return role
    return None


FORM_PAGES = [p for p in PAGES if p.key not in ("home", "users", "audit", "glossary")]
EXTRA = [(p, "teacher") for p in FORM_PAGES if p.key == "passport"]  # the teacher's own (smaller) set of fields


def _text_widgets(at):
    return [w for w in list(at.text_input) + list(at.text_area) if not getattr(w.proto, "disabled", False)]


def _choose_something(at, form_id) -> None:
    """Fill the form's empty choices (a required area, a rating) where AppTest can, so the text is saved.
    AppTest only knows the options' labels; a widget whose labels are not its values is left alone (the
    form then refuses the submission, and the refusal is what gets checked)."""
    for kind in ("multiselect", "selectbox", "radio"):
        for w in getattr(at, kind):
            if getattr(w.proto, "form_id", None) != form_id or not w.options:
                continue
            empty = (not w.value) if kind == "multiselect" else (w.value is None)
            if not empty:
                continue
            before = w.value
            try:
                w.set_value([w.options[0]] if kind == "multiselect" else w.options[0])
                _ = w._widget_state  # serialisable only if the label is also the value
            except Exception:
                w.set_value(before)


@pytest.mark.parametrize("page,role", [(p, _writer_role(p)) for p in FORM_PAGES] + EXTRA,
                         ids=lambda x: getattr(x, "key", x))
def test_every_form_on_every_page(fixture_path, page, role):
    """Fill every text field of every form (and free-standing text box) with all the payloads at once,
    submit, and check the page shows them as text and only the form's own tables changed."""
    db = open_database()
    before = checksums(db)
    audit_before = audit_state(db)
    at = signed_in(role, page=page.path, timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    tab_key, tab_labels = TABS_DRAWN_WHEN_OPEN.get(page.key, (None, {}))
    done: set[str] = set()
    for tab in tab_labels.get(role) or (None,):  # a page that draws only its open tab: each tab's forms
        if tab is not None:
            on_tab(at, tab_key, tab)
            assert not at.exception, (tab, [e.value for e in at.exception])
        forms = sorted({w.proto.form_id for w in _text_widgets(at)} - done)
        while forms:  # forms that appear after a submission (a review form once a plan is open) are filled too
            form_id = forms.pop(0)
            done.add(form_id)
            fields = [w for w in _text_widgets(at) if w.proto.form_id == form_id]
            if not fields:
                continue  # the form went away after an earlier submission
            for w in fields:
                type_into(w, COMBINED)
            _choose_something(at, form_id)
            submit = [b for b in at.button if b.proto.form_id == form_id and b.proto.is_form_submitter]
            if submit:
                submit[0].click()
            at.run()
            assert_rendered_as_text(at)
            forms += sorted({w.proto.form_id for w in _text_widgets(at)} - done - set(forms))
            if len(done) > 30:
                break
    if not done:
        pytest.skip(f"{page.key} has no free-text field for {role} on the fixture school")
    after = checksums(db)
    changed = changed_tables(before, after)
    assert not changed & NO_WRITE, (page.key, changed & NO_WRITE)
    audit_only_appended(db, *audit_before)
    # Anything stored that came from a payload is stored verbatim (a prefix of the text typed), never altered
    cur = db.cursor()
    for table in changed - {"audit_log", "data_version"}:
        cols = [r[0] for r in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $t AND data_type = 'VARCHAR'",
            {"t": table}).fetchall()]
        for col in cols:
            for (value,) in cur.execute(f'SELECT "{col}" FROM "{table}" WHERE "{col}" LIKE \'%onerror%\'').fetchall():
                assert COMBINED.startswith(value.strip()) or value.strip() in COMBINED or "alert(1)" in value, value


# ------------------------------------------------------------------ uploads


def test_uploads_are_limited_in_size():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    limit = config["server"]["maxUploadSize"]
    assert isinstance(limit, int) and 1 <= limit <= 500


def test_the_data_page_accepts_only_csv_and_xml(fixture_path):
    at = signed_in("senco", page="pages/data.py", timeout=60)
    assert not at.exception
    uploaders = at.get("file_uploader")
    assert uploaders, "the Data import page has no file uploader"
    for uploader in uploaders:
        types = {t.lower().lstrip(".") for t in uploader.proto.type}
        assert types and types <= {"csv", "xml", "zip", "xlsx", "xlsm", "xls"}, types  # .xls only to be told how to convert it
