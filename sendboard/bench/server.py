"""The real app for the browser benchmarks: started through ``scripts/run.sh`` (the launcher the README
tells a school to use) on a free port, and the CPU time of the server and of the browser processes read
from /proc."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from ..domain import DEMO_PASSWORD, DEMO_TODAY

ROOT = Path(__file__).resolve().parent.parent.parent
LAUNCHER = ROOT / "scripts" / "run.sh"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = DEMO_PASSWORD
TODAY = DEMO_TODAY.isoformat()

APP_PID: dict = {}  # the process id of the app last started by running_app (its CPU is counted apart)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, timeout: float = 120) -> None:
    """Poll ``check()`` until it is true; an OSError (nothing listening yet) counts as not yet."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not happen within {timeout} s")


@contextlib.contextmanager
def running_app(db_path: Path, today: str = TODAY, log: Path | None = None, env: dict | None = None,
                script: Path | None = None, root: Path = ROOT, port: int | None = None):
    """The app on ``db_path`` through scripts/run.sh on a free port; yields its base URL; stops it.

    ``script`` replaces streamlit_app.py (the empty page the floor is measured with); ``env`` adds
    variables (``SENDBOARD_RUN_LOG``); ``root`` is another copy of sendboard to start with this copy's
    .venv and run.sh's flags (a before-and-after comparison: its own package is found first, next to
    its streamlit_app.py); ``port`` a fixed port (a browser profile kept between runs caches per address)."""
    port = port or free_port()
    full_env = dict(os.environ, SENDBOARD_DB=str(db_path), SENDBOARD_TODAY=today, **(env or {}))
    command = [str(root / "scripts" / "run.sh"), "--server.port", str(port)]
    if script is not None or root != ROOT:  # run.sh's own flags, on another script or another copy
        command = [str(ROOT / ".venv" / "bin" / "streamlit"), "run", str(script or root / "streamlit_app.py"), "--server.headless", "true",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                   "--server.address", "127.0.0.1", "--server.port", str(port)]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (the app writes to it until it stops)
    proc = subprocess.Popen(command, cwd=root, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    APP_PID["pid"] = proc.pid  # run.sh execs streamlit, so this is the server itself
    try:
        def healthy():
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with {proc.returncode}")
            return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200

        wait_until(healthy, "the app answering", timeout=180)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()


def descendants(root: int) -> set[int]:
    """Every process under ``root`` (Linux /proc), for attributing CPU time."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
            except (OSError, ValueError):
                pass
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes so far (utime + stime in /proc/PID/stat)."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def _is_browser(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip().startswith(("chrom", "headless_shell"))
    except OSError:
        return False


def cpu_split() -> dict:
    """CPU seconds used so far by the app server, by the Chromium processes this process started, and by
    the rest of them (Playwright's driver).

    A browser process that has exited is no longer counted, so take both readings while the browser runs."""
    app = APP_PID.get("pid")
    others = descendants(os.getpid()) - {app} - ({*descendants(app)} if app else set())
    browser = {pid for pid in others if _is_browser(pid)}
    return {"app": cpu_seconds({app} if app else set()), "browser": cpu_seconds(browser),
            "driver": cpu_seconds(others - browser)}
