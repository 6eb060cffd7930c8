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
