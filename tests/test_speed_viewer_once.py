"""The signed-in viewer is checked once per script run (the frame), not again by the page's own
page_context in the same run; every new run checks afresh, so an ended session still ends the next run."""
from __future__ import annotations

from sendboard import signin
from sendboard.app_db import open_database
from tests.apptest_helpers import all_text, app


def test_the_session_is_checked_once_per_run_and_again_on_the_next(fixture_path, monkeypatch):
    db = open_database()
    user_id = db.scalar("security_user_id_by_username", username="teacher")
    hashed = signin.token_hash(signin.start_session(db, user_id, "password"))
    checks = []
    real = signin.check_session

    def counting(db, hashed, *, now=None, touch=True):
        if touch:  # the idle watch's own look (touch=False) is not the frame's or the page's check
            checks.append(hashed)
        return real(db, hashed, now=now, touch=touch)

    monkeypatch.setattr(signin, "check_session", counting)
    at = app()
    at.session_state["session_token_hash"] = hashed
    at.run()  # the frame and its default page (home) in one run, as a click on a page's link runs them
    assert not at.exception
    assert "Welcome" in all_text(at)
    assert len(checks) == 1  # the frame's check; the page's page_context in the same run reused it

    at.run()
    assert len(checks) == 2  # a new run: checked afresh

    signin.end_session(db, hashed)  # signed out elsewhere: the next run must see it
    at.run()
    assert len(checks) == 3
    assert "Welcome" not in all_text(at)
    assert "viewer" not in at.session_state and "_viewer_this_run" not in at.session_state
