import os
import shutil
from pathlib import Path

import pytest

from sendboard import db as dbmod
from tests.fixture_school import TODAY, build_fixture

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(autouse=True)
def _fresh_connections():
    """Every test starts and ends with no database held open by this process."""
    yield
    dbmod.close_all()


@pytest.fixture(scope="session")
def _fixture_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fixture") / "template.duckdb"
    os.environ.setdefault("SENDBOARD_TODAY", TODAY.isoformat())
    build_fixture(path)
    dbmod.close_all()
    return path


@pytest.fixture
def fixture_path(_fixture_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the hand-checkable fixture school, with SENDBOARD_DB and today pinned to it."""
    path = tmp_path / "school.duckdb"
    shutil.copy(_fixture_template, path)
    monkeypatch.setenv("SENDBOARD_DB", str(path))
    monkeypatch.setenv("SENDBOARD_TODAY", TODAY.isoformat())
    return path


@pytest.fixture
def fixture_db(fixture_path):
    return dbmod.open_database(fixture_path)


@pytest.fixture
def viewers(fixture_db):
    """A Viewer for each fixture account, by username."""
    from sendboard.auth import viewer_for

    rows = fixture_db.cursor().execute("SELECT username, user_id FROM users").fetchall()
    return {name: viewer_for(fixture_db, uid) for name, uid in rows}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


DEMO_AS_OF = "2026-11-23"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo school (1,200-pupil secondary, seed 42, as of 2026-11-23), built once per test run."""
    from datetime import date

    from sendboard.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, pupils=1200, schools=1, seed=42, phase="secondary", as_of=date.fromisoformat(DEMO_AS_OF))
    dbmod.close_all()
    return path


@pytest.fixture
def demo_path(demo_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo school, with SENDBOARD_DB and today pinned to it."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("SENDBOARD_DB", str(path))
    monkeypatch.setenv("SENDBOARD_TODAY", DEMO_AS_OF)
    return path


def pytest_collection_modifyitems(config, items):
    """Browser tests fail loudly, never skip, when Chromium is missing: a suite that quietly leaves out the
    journeys, accessibility scans and hostile-input checks in a browser would pass without proving them."""
    from tests.browser import CHROMIUM, chromium_available

    if any(item.get_closest_marker("browser") for item in items) and not chromium_available():
        raise pytest.UsageError(
            f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); "
            "to run only the other tests, add: -m 'not browser'")
