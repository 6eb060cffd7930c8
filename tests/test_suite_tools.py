"""The suite's own machinery (tests/conftest.py, tests/cpu_report.py): the order tests are handed out in, the
CPU report's totals, and the load-proofing that every AppTest and browser test relies on."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from tests import conftest, cpu_report


class FakeItem(SimpleNamespace):
    def get_closest_marker(self, name):
        return name if name in self.marks else None


def item(nodeid: str, *marks: str) -> FakeItem:
    return FakeItem(nodeid=nodeid, marks=marks)


def test_longest_files_first_then_browser_files_then_the_rest_each_file_kept_together():
    items = [item("tests/test_a.py::one"), item("tests/test_b_browser.py::x", "browser"), item("tests/test_a.py::two"),
             item("tests/test_speed.py::quick"), item("tests/test_speed.py::bench", "browser"),
             item("tests/test_demo.py::d"), item("tests/test_b_browser.py::y", "browser")]
    conftest.slowest_first(items)
    assert [i.nodeid for i in items] == [
        "tests/test_speed.py::quick", "tests/test_speed.py::bench",   # LONGEST_FIRST, in its own order
        "tests/test_demo.py::d",
        "tests/test_b_browser.py::x", "tests/test_b_browser.py::y",   # other browser files
        "tests/test_a.py::one", "tests/test_a.py::two"]               # the rest, in collection order


def test_every_longest_first_file_exists():
    """A renamed or deleted file would silently fall out of the ordering."""
    missing = [name for name in conftest.LONGEST_FIRST if not (conftest.ROOT / "tests" / name).exists()]
    assert missing == []


def test_cpu_report_totals_per_file_and_kind(tmp_path):
    rows = [
        {"test": "tests/test_accessibility.py::a", "phase": "setup", "wall": 2.0, "cpu_self": 0.5, "cpu_children": 1.5,
         "cpu_descendants_seen": 2.0},
        {"test": "tests/test_accessibility.py::a", "phase": "call", "wall": 3.0, "cpu_self": 1.0, "cpu_children": 0.0,
         "cpu_descendants_seen": 4.25},
        {"test": "tests/test_upn.py::b", "phase": "call", "wall": 1.0, "cpu_self": 1.0, "cpu_children": 0.0},  # an older log
    ]
    (tmp_path / "gw0.jsonl").write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n")
    (tmp_path / "gw1.jsonl").write_text(json.dumps(rows[2]) + "\n")
    text = cpu_report.report(cpu_report.load(tmp_path))
    # accessibility: 0.5 + 1.5 + 1.0 = 3.0 CPU s of 4.0 (75%), 1.5 of it in child processes, 5 s of wall time
    # and 0.5 + 1.0 own + 2.0 + 4.25 sampled below it = 7.75
    assert "| test_accessibility.py | 1 | 3.0 | 1.5 | 7.8 | 5.0 | 75.0% |" in text
    assert "| test_upn.py | 1 | 1.0 | 0.0 | 1.0 | 1.0 | 25.0% |" in text
    assert "in all: 4.0 CPU s (self + reaped), 8.8 CPU s (self + descendants sampled), 6.0 s of wall time" in text
    assert "| browser (app server + Chromium) | 1 | 3.0 | 75.0% |" in text
    assert "| in the pytest process | 1 | 1.0 | 25.0% |" in text


def test_cpu_report_counts_the_browser_pages_and_loads_per_file(tmp_path):
    rows = [
        {"test": "tests/test_journeys.py::a", "phase": "setup", "wall": 1.0, "cpu_self": 0.1, "cpu_children": 0.0,
         "browser_pages": 1, "browser_document_loads": 1, "browser_chart_code_loads": 0},
        {"test": "tests/test_journeys.py::a", "phase": "call", "wall": 1.0, "cpu_self": 0.1, "cpu_children": 0.0,
         "browser_pages": 2, "browser_document_loads": 3, "browser_chart_code_loads": 2},
        {"test": "tests/test_upn.py::b", "phase": "call", "wall": 1.0, "cpu_self": 1.0, "cpu_children": 0.0},  # an older log
    ]
    (tmp_path / "gw0.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    text = cpu_report.report(cpu_report.load(tmp_path))
    assert "| test_journeys.py | 3 | 4 | 2 |" in text
    assert "| **all** | 3 | 4 | 2 |" in text
    assert "test_upn.py | 0" not in text  # a file that opened no browser is not listed


def test_browser_counts_pages_documents_and_chart_code():
    from types import SimpleNamespace

    from tests import browser

    before = dict(browser.BROWSER_COUNTS)
    try:
        browser._count_pages(None)
        for url, kind in (("http://127.0.0.1:1/overview", "document"), ("http://127.0.0.1:1/static/js/index.D.js", "script"),
                          ("http://127.0.0.1:1/static/js/PlotlyChart.D9.js", "script"),
                          ("http://127.0.0.1:1/static/js/DataFrame.x.js", "script")):
            browser._count_requests(SimpleNamespace(url=url, resource_type=kind))
        assert {k: v - before[k] for k, v in browser.BROWSER_COUNTS.items()} == \
            {"pages": 1, "document_loads": 1, "chart_code_loads": 1}
    finally:
        browser.BROWSER_COUNTS.update(before)  # this test opened no browser: the CPU log must not count it


def _run_two_workers(folder: Path, conftest_hook: str) -> list[str]:
    """Runs a module with a module-scoped fixture beside another module on two loadgroup workers; returns the
    workers that made the fixture (one line each time it was made)."""
    (folder / "conftest.py").write_text(
        "import pytest\nfrom tests.conftest import keep_modules_together, name_groups_for_xdist\n\n\n"
        "@pytest.hookimpl(tryfirst=True)\ndef pytest_collection_modifyitems(config, items):\n"
        f"    {conftest_hook}\n")
    (folder / "test_shared.py").write_text(
        "import os\nimport pytest\n\n\n@pytest.fixture(scope='module')\ndef made():\n"
        "    with open(os.environ['MADE_LOG'], 'a') as log:\n"
        "        log.write(os.environ.get('PYTEST_XDIST_WORKER', 'main') + '\\n')\n\n\n"
        + "".join(f"def test_shared_{i}(made):\n    pass\n\n\n" for i in range(8)))
    (folder / "test_other.py").write_text("".join(f"def test_other_{i}():\n    pass\n\n\n" for i in range(8)))
    log = folder / "made.log"
    log.unlink(missing_ok=True)
    env = dict(os.environ, MADE_LOG=str(log), PYTHONPATH=str(conftest.ROOT))
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider",
                           "-p", "no:randomly", "--rootdir", str(folder), str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return log.read_text().split()


def test_a_module_with_its_own_set_up_runs_on_one_worker_and_makes_it_once(tmp_path):
    """The xdist group written into the node id where pytest reads it (tests/conftest.py:
    name_groups_for_xdist): without it the module's set-up is made on both workers."""
    made = _run_two_workers(tmp_path, "keep_modules_together(items); name_groups_for_xdist(config, items)")
    assert len(made) == 1, made


def test_apptest_waits_at_least_the_floor():
    from streamlit.testing.v1 import AppTest

    assert AppTest.from_file(str(conftest.ROOT / "streamlit_app.py"), default_timeout=3).default_timeout == \
        conftest.APPTEST_TIMEOUT_FLOOR


def test_component_scan_is_made_once_per_process():
    from streamlit.components.v2 import manifest_scanner

    first = manifest_scanner.scan_component_manifests()
    assert manifest_scanner.scan_component_manifests() is first


def test_the_suite_hashes_cheaply():
    import os

    from sendboard import identity

    assert os.environ[identity.TEST_ONLY_CHEAP_HASHES] == "1" and identity._HASHER.memory_cost < 65536


def test_descendants_cpu_counts_a_grandchild_that_nothing_of_ours_waits_for():
    """A process started by a child that exits without waiting for it (as Chromium's renderers are) never reaches
    RUSAGE_CHILDREN; the tree walk counts its CPU while it lives."""
    import os
    import resource
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import _descendants_cpu

    burn = "import time; t = time.process_time()\nwhile time.process_time() - t < 1.0: pass\ntime.sleep(60)"
    # the child starts the grandchild, and exits (when told) without waiting for it
    child = subprocess.Popen([sys.executable, "-c", "import os, subprocess, sys; p = subprocess.Popen([sys.executable, '-c', "
                              f"{burn!r}]); print(p.pid, flush=True); sys.stdin.readline(); os._exit(0)"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    grandchild = int(child.stdout.readline())
    _descendants_cpu()
    reaped_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        deadline = time.monotonic() + 60
        seen = 0.0
        # the grandchild's second of CPU, as it happens (/proc counts in clock ticks, which can fall a little short)
        while seen < 0.8 and time.monotonic() < deadline:
            seen += _descendants_cpu()
            time.sleep(0.05)
        assert seen >= 0.8
    finally:
        os.kill(grandchild, signal.SIGTERM)
        child.communicate("\n")
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the child is reaped, but its own CPU is tiny and the grandchild it never waited for is not in it
    assert (reaped.ru_utime + reaped.ru_stime) - (reaped_before.ru_utime + reaped_before.ru_stime) < 0.5
