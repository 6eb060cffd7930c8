"""A burst of password sign-ins does not run a password hash (64 MiB each) per request: the server's peak
memory grows by about two hashes, not sixteen. Measured on the real server (`streamlit run`), from the
kernel's record of the process's peak resident memory (VmHWM)."""
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from sendboard import db as dbmod
from tests.fixture_school import TODAY
from tests.sso_provider import RUNNING, free_port, running_app_with_secrets

pytestmark = [pytest.mark.browser]  # starts the real server, like the browser tests
BURST = 16


def peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def with_hashes_at_the_real_cost(db_path: Path, monkeypatch) -> None:
    """The suite hashes cheaply (tests/conftest.py), which would make this test unable to fail: the app started
    here hashes at the library's cost, and the head's stored hash (whose own parameters a check follows) is
    made at that cost too."""
    from sendboard import identity
    from sendboard.app_db import open_database

    monkeypatch.delenv(identity.TEST_ONLY_CHEAP_HASHES, raising=False)
    real_cost = identity._make_hasher().hash("not the password any attempt below sends")
    assert "$m=65536," in real_cost
    db = open_database(db_path)
    db.cursor().execute("UPDATE users SET password_hash = $h WHERE username = 'head'", {"h": real_cost})
    dbmod.close_all()


def test_sixteen_sign_ins_at_once_hash_at_most_two_at_a_time(fixture_path, tmp_path, monkeypatch):
    dbmod.close_all()
    with_hashes_at_the_real_cost(fixture_path, monkeypatch)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("", encoding="utf-8")
    port = free_port()
    with running_app_with_secrets(fixture_path, TODAY.isoformat(), secrets, port) as url:
        pid = RUNNING["pid"]
        urllib.request.urlopen(f"{url}/signin", timeout=30).read()  # warm the route and the database
        before = peak_mib(pid)
        statuses, start = [], threading.Barrier(BURST)

        def attempt(i):
            body = urllib.parse.urlencode({"username": "head", "password": f"wrong {i}", "next": "/"}).encode()
            # Each from its own address (the server trusts X-Forwarded-For from loopback, as from a reverse
            # proxy), so throttling does not stop them before they reach the hash.
            request = urllib.request.Request(f"{url}/signin", data=body, headers={
                "Origin": url, "X-Forwarded-For": f"192.0.2.{i + 1}",
                "Content-Type": "application/x-www-form-urlencoded"})
            start.wait()
            try:
                urllib.request.urlopen(request, timeout=120)
            except urllib.error.HTTPError as exc:
                statuses.append((exc.code, "busy" in exc.read().decode()))

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(BURST)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(150)
        grown = peak_mib(pid) - before
    busy = sum(1 for _, was_busy in statuses if was_busy)
    print(f"peak resident memory grew by {grown:.0f} MiB during {BURST} simultaneous sign-ins ({busy} told to retry)")
    assert len(statuses) == BURST and all(code == 401 for code, _ in statuses)
    assert grown < 4 * 64, f"peak memory grew by {grown:.0f} MiB: more than two 64 MiB hashes ran at once"
