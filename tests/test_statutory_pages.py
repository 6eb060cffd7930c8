"""The three statutory pages render on the demo school for the roles that may open them, and are refused
(and the attempt audited) for those that may not."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sendboard.app_db import open_database
from tests.apptest_helpers import all_text, signed_in

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"ehc_plans": ("senco", "head"), "expertise": ("senco", "head", "admin"), "self_evaluation": ("senco", "head")}


@pytest.fixture
def demo_with_ratings(demo_path):
    from datetime import date

    from sendboard.statutory.self_evaluation import seed_demo_self_evaluations

    db = open_database(demo_path)
    school = db.cursor().execute("SELECT min(school_id) FROM schools").fetchone()[0]
    seed_demo_self_evaluations(db, school, date(2026, 11, 23), 42)  # no-op if the demo already seeded them
    return demo_path


@pytest.mark.parametrize("key,username", [(k, u) for k, users in PAGES.items() for u in users])
def test_renders_on_the_demo(demo_with_ratings, key, username):
    at = signed_in(username, page=f"pages/{key}.py", timeout=60)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    text = all_text(at)
    expected = {"ehc_plans": "Every open deadline", "expertise": "Held by the top",
                "self_evaluation": "Culture, leadership and management"}[key]
    assert expected in text


@pytest.mark.parametrize("key", list(PAGES))
@pytest.mark.parametrize("username", ["governor", "teacher"])
def test_refused_for_governor_and_teacher(fixture_path, key, username):
    from sendboard.auth import viewer_for

    db = open_database(fixture_path)
    user_id = db.cursor().execute("SELECT user_id FROM users WHERE username = $u", {"u": username}).fetchone()[0]
    at = AppTest.from_file(str(ROOT / "pages" / f"{key}.py"), default_timeout=30)
    at.session_state["viewer"] = viewer_for(db, user_id)
    at.run()
    assert "not available for your role" in all_text(at)
    assert not at.dataframe and not at.metric
    refused = db.cursor().execute("SELECT count(*) FROM audit_log WHERE action = 'page_refused' AND username = $u "
                                  "AND object_id = $k", {"u": username, "k": key}).fetchone()[0]
    assert refused == 1
