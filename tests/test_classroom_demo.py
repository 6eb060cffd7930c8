"""The classroom pages on the 1,200-pupil demo school, for every role that may open them."""
import pytest

from sendboard.app_db import open_database
from sendboard.classroom import strategies
from tests.apptest_helpers import all_text, signed_in


@pytest.mark.parametrize("user", ["teacher", "senco", "head"])
def test_classroom_pages_render_on_the_demo(demo_path, user):
    strategies.load_shipped_strategies(open_database(demo_path))
    for page in ("class_profile", "passport", "strategies"):
        at = signed_in(user, page=f"pages/{page}.py")
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        text = all_text(at)
        if page == "class_profile":
            assert "Pupils" in text and "SEN support" in text
        if page == "strategies":
            assert "serves" in text or "No pupil in this class" in text


def test_governor_and_admin_are_refused(demo_path):
    for user in ("governor", "admin"):
        at = signed_in(user, page="pages/home.py")
        for page in ("class_profile", "passport", "strategies"):
            at.switch_page(f"pages/{page}.py")
            at.run()
            assert not at.exception
            assert "not available for your role" in all_text(at)
            assert "Pupil" not in all_text(at)
