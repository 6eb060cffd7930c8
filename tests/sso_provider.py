"""A real OpenID Connect provider on loopback (oidc-provider-mock) and the app served against it with a
secrets.toml of the shape the README shows, for single sign-on tests."""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNING = {}  # the process id of the app last started here (to read its memory)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, what: str, timeout: float = 90) -> None:
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
def provider():
    """The provider on 127.0.0.1 on a free port; yields its base URL."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=free_port()) as server:
        url = f"http://127.0.0.1:{server.server_port}"
        wait_until(lambda: urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2).status == 200,
                   "the identity provider answering")
        yield url


def set_identity(provider_url: str, subject: str, claims: dict) -> None:
    """What the provider will say about `subject` when it signs in (e-mail, email_verified, hd, tid ...)."""
    request = urllib.request.Request(f"{provider_url}/users/{subject}", data=json.dumps(claims).encode(),
                                     method="PUT", headers={"Content-Type": "application/json"})
    assert urllib.request.urlopen(request, timeout=5).status == 204


def write_secrets(path: Path, app_url: str, provider_url: str, *, allowed_domain: str = "") -> Path:
    """secrets.toml as the README's single sign-on section shows it."""
    text = f'''[auth]
redirect_uri = "{app_url}/oauth2callback"
cookie_secret = "a-long-random-string-for-this-test-only-0123456789"
client_id = "sendboard-test"
client_secret = "not-a-real-secret"
server_metadata_url = "{provider_url}/.well-known/openid-configuration"
'''
    if allowed_domain:
        text += f'\n[sendboard_sso]\nallowed_domain = "{allowed_domain}"\n'
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def running_app_with_secrets(db_path: Path, today: str, secrets_path: Path, port: int, log: Path | None = None):
    """`streamlit run streamlit_app.py` with the secrets file; yields the base URL; stops the app."""
    env = dict(os.environ, SENDBOARD_DB=str(db_path), SENDBOARD_TODAY=today)
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (the app writes to it until it stops; closed then)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--secrets.files", str(secrets_path)],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    RUNNING["pid"] = proc.pid
    try:
        def healthy():
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with {proc.returncode}")
            return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200

        wait_until(healthy, "the app answering", timeout=120)
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
