import contextlib
import fcntl
import os
import shutil
from pathlib import Path

import pytest

# Set before sendboard is imported, and inherited by every app server and `sendboard` command the tests start:
# argon2 at the library's cost (64 MiB, ~0.25 CPU s a hash) is tested once, in tests/test_access.py.
os.environ["SENDBOARD_TEST_ONLY_CHEAP_HASHES"] = "1"

from sendboard import app_db, domain
from sendboard import db as dbmod
from tests.fixture_school import TODAY, build_fixture

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def _scan_installed_components_once() -> None:
    """Every new AppTest scans the metadata of every installed distribution for Streamlit components (about
    300 packages in the test environment, over half the CPU of a typical AppTest run). What is installed does
    not change during a run, so the scan is done once per process and its answer reused."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    if not hasattr(manifest_scanner.scan_component_manifests, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.lru_cache(maxsize=None)(
            manifest_scanner.scan_component_manifests)


_scan_installed_components_once()

# An AppTest run that takes longer than its timeout fails. A page that runs in a second on a quiet machine has
# been seen to take over 30 s on two cores shared with other work, so every AppTest waits at least this long
# (a ceiling, not a pause: a run that finishes sooner returns at once).
APPTEST_TIMEOUT_FLOOR = 240.0


def _generous_apptest_timeouts() -> None:
    from streamlit.testing.v1 import AppTest

    if getattr(AppTest.__init__, "_with_floor", False):
        return
    original = AppTest.__init__

    def init(self, *args, default_timeout: float, **kwargs):
        original(self, *args, default_timeout=max(default_timeout, APPTEST_TIMEOUT_FLOOR), **kwargs)

    init._with_floor = True
    AppTest.__init__ = init


_generous_apptest_timeouts()


@pytest.fixture(autouse=True)
def _fresh_connections(tmp_path):
    """Every test starts and ends with no database held open by this process. It asks for tmp_path so that
    its teardown (closing the databases) runs before tmp_path's: a passing test's folder, with its database
    copies, is deleted at once (tmp_path_retention_policy = "failed" in pyproject.toml), not left to fill the
    disk and the page cache with a copy per test."""
    yield
    dbmod.close_all()


@contextlib.contextmanager
def _built_once_per_run(tmp_path_factory, name: str):
    """(path, needs_building) for a template database shared by every worker of this run: the first worker
    to ask builds it under a lock, the others wait and then copy it (each test copies it again before use)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the run's folder, above gw0, gw1
    path = shared / "templates" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path) + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield path, not path.exists()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def _fixture_template(tmp_path_factory) -> Path:
    os.environ.setdefault("SENDBOARD_TODAY", TODAY.isoformat())
    with _built_once_per_run(tmp_path_factory, "fixture.duckdb") as (path, build):
        if build:
            part = path.with_suffix(".part")
            build_fixture(part)
            dbmod.close_all()
            os.replace(part, path)
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
    return app_db.open_database(fixture_path)


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


DEMO_AS_OF = domain.DEMO_TODAY.isoformat()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo school (1,200-pupil secondary, seed 42, as of 2026-11-23), built once per test run."""
    from datetime import date

    from sendboard.demo import build_demo

    with _built_once_per_run(tmp_path_factory, "demo.duckdb") as (path, build):
        if build:
            part = path.with_name("demo.part.duckdb")
            build_demo(part, pupils=1200, schools=1, seed=42, phase="secondary", as_of=date.fromisoformat(DEMO_AS_OF))
            dbmod.close_all()
            os.replace(part, path)
    return path


@pytest.fixture
def demo_path(demo_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo school, with SENDBOARD_DB and today pinned to it."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    monkeypatch.setenv("SENDBOARD_DB", str(path))
    monkeypatch.setenv("SENDBOARD_TODAY", DEMO_AS_OF)
    return path


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (its own hook runs after ours)
def pytest_collection_modifyitems(config, items):
    """Browser tests fail loudly, never skip, when Chromium is missing: a suite that quietly leaves out the
    journeys, accessibility scans and hostile-input checks in a browser would pass without proving them."""
    from tests.browser import CHROMIUM, chromium_available

    keep_modules_together(items)
    name_groups_for_xdist(config, items)
    slowest_first(items)

    if any(item.get_closest_marker("browser") for item in items) and not chromium_available():
        raise pytest.UsageError(
            f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); "
            "to run only the other tests, add: -m 'not browser'")


def name_groups_for_xdist(config, items) -> None:
    """pytest-xdist's loadgroup finds a test's group in its node id ("path::test[params]@group"), which its own
    collection hook writes into `item._nodeid`. Since pytest 9.2 a node keeps its id in `item._id` (a NodeId), so
    that write is lost: no test had a group, tests were handed out one by one, and each module's shared set-up
    (the accessibility module's app, Chromium and six sign-ins) was made on both workers, and made again each
    time a worker came back to the module. The suffix is written here, where pytest reads the id; with a pytest
    whose nodes still have `_nodeid`, xdist's own hook does it. Only on a worker of a `--dist loadgroup` run."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        if not names or hasattr(item, "_nodeid") or not hasattr(item, "_id"):
            continue
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")


# Files with the longest tests, longest first (measured with SENDBOARD_TEST_CPU_LOG and --durations; see
# docs/performance.md, "The test suite"). They are handed out first, then the other browser test files, then
# the rest, so that the run does not end with one worker on a long test while the other has nothing to do.
LONGEST_FIRST = ("test_speed.py", "test_sso_browser.py", "test_signin_browser.py", "test_setup_from_nothing.py",
                 "test_integrity_browser.py", "test_records_browser.py", "test_setup_browser.py",
                 "test_publishing_browser.py", "test_import_library_browser.py", "test_security_browser.py",
                 "test_ehc_browser.py", "test_demo.py", "test_demo_trust.py", "test_setup_commands.py",
                 "test_house_packaging.py", "test_integrity_backup.py", "test_integrity_versions.py",
                 "test_hostile_input.py", "test_governors_pack.py")


def slowest_first(items) -> None:
    """The LONGEST_FIRST files in that order, then the other browser test files, then the rest; each file's
    tests kept in their order and together (so a module's own set-up still runs once when everything runs in
    one process). xdist hands out the groups kept together (largest first), then the single tests in this
    order: the long ones start while both workers are busy, and the run ends with many short tests shared
    between the two."""
    browser_modules = {item.nodeid.split("::", 1)[0] for item in items if item.get_closest_marker("browser")}

    def weight(module: str) -> int:
        name = module.rsplit("/", 1)[-1]
        if name in LONGEST_FIRST:
            return LONGEST_FIRST.index(name)
        return len(LONGEST_FIRST) + (0 if module in browser_modules else 1)

    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(item.nodeid.split("::", 1)[0], index)
    items.sort(key=lambda item: (weight(module := item.nodeid.split("::", 1)[0]), first_seen[module]))


def keep_modules_together(items) -> None:
    """With `--dist loadgroup` tests are shared out one by one, so a big file no longer leaves one worker
    busy while the other idles. The tests that use something their module sets up once for all of them (a
    module-scoped fixture of the module's own: an app server, a browser, a built database) are kept together
    on one worker, so that set-up runs once there and is not torn down each time the worker moves between
    files."""
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        defs = getattr(item, "_fixtureinfo", None)
        shared = [name for name, fixturedefs in (defs.name2fixturedefs.items() if defs else ())
                  if any(d.scope in ("module", "class") and d.baseid.startswith(module) for d in fixturedefs)]
        if shared:
            item.add_marker(pytest.mark.xdist_group(module))


# --- CPU accounting (opt-in): SENDBOARD_TEST_CPU_LOG=folder writes one JSON line per test phase, per worker ---
# On a shared machine wall time says more about the neighbours than about the suite; CPU seconds do not. Each
# line holds the phase's own CPU (this worker) and its reaped children's (app servers, Playwright and Chromium,
# `sendboard` subprocesses: counted when they exit, so a module's app server is counted at its teardown).
# `python -m tests.cpu_report folder` totals them per file.
_CPU_LOG = os.environ.get("SENDBOARD_TEST_CPU_LOG")


def _cpu_now() -> tuple[float, float]:
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


# CPU of every process below this one, as last seen ((pid, start time) -> seconds). RUSAGE_CHILDREN counts a process only when
# its parent waits for it, and Chromium's renderers and zygote are not waited for by anything of ours: in one
# measurement they used 17 CPU s of which 2 reached RUSAGE_CHILDREN. So each phase also walks the process tree
# (/proc/<pid>/task/*/children), and so does a thread twice a second, adding up what every descendant has used
# since it was last seen; what a process uses after the last look before it exits is missed, so this is a floor.
_TREE_SEEN: dict[tuple[int, str], float] = {}


def _descendants_cpu() -> float:
    """CPU seconds newly used by descendants since the last call (0 where there are none: two small reads)."""
    tick = os.sysconf("SC_CLK_TCK")
    added, todo, seen = 0.0, [os.getpid()], set()
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
            except OSError:
                continue
            for kid in kids:
                if kid in seen:
                    continue
                seen.add(kid)
                todo.append(kid)
                try:
                    with open(f"/proc/{kid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                key = (kid, fields[19])  # the pid and its start time: a reused pid is a new process
                cpu = (int(fields[11]) + int(fields[12])) / tick
                added += cpu - _TREE_SEEN.get(key, 0.0)
                _TREE_SEEN[key] = cpu
    return added


if _CPU_LOG:
    import json
    import threading
    import time

    # An app server and a Chromium started and stopped inside one test are seen only while they run: a thread
    # looks at the tree twice a second (two small reads when there is nothing below the worker).
    _TREE_LOCK = threading.Lock()
    _TREE_TOTAL = [0.0]

    def _sample_tree() -> float:
        with _TREE_LOCK:
            _TREE_TOTAL[0] += _descendants_cpu()
            return _TREE_TOTAL[0]

    def _watch_tree() -> None:
        while True:
            _sample_tree()
            time.sleep(0.5)  # the sampling interval of a measurement, not a wait in a test

    threading.Thread(target=_watch_tree, name="cpu-log-tree", daemon=True).start()

    def _logged_phase(item, phase):
        from tests.browser import BROWSER_COUNTS

        start_wall, (start_self, start_kids), start_tree = time.monotonic(), _cpu_now(), _sample_tree()
        start_counts = dict(BROWSER_COUNTS)
        yield
        end_self, end_kids = _cpu_now()
        tree = _sample_tree() - start_tree
        counts = {f"browser_{k}": v - start_counts[k] for k, v in BROWSER_COUNTS.items()}
        Path(_CPU_LOG).mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(Path(_CPU_LOG) / f"{worker}.jsonl", "a") as out:
            out.write(json.dumps({"test": item.nodeid, "phase": phase, "wall": time.monotonic() - start_wall,
                                  "cpu_self": end_self - start_self, "cpu_children": end_kids - start_kids,
                                  "cpu_descendants_seen": tree, **counts}) + "\n")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(item):
        yield from _logged_phase(item, "setup")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(item):
        yield from _logged_phase(item, "call")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_teardown(item):
        yield from _logged_phase(item, "teardown")
