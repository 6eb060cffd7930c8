"""A real OpenID Connect provider on loopback (oidc-provider-mock) and the app served against it with a
secrets.toml of the shape the README shows, for single sign-on tests."""
from __future__ import annotations

import contextlib
import json
import urllib.request
from pathlib import Path

from tests.browser import RUNNING, free_port, running_app, wait_until  # noqa: F401  (RUNNING, free_port: for tests)


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
    with running_app(db_path, today, log, port=port, extra_args=("--secrets.files", str(secrets_path))) as url:
        yield url
