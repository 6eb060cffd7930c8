"""The HTTP sign-in form and the gate, through Starlette's test client: the cookie's flags (Secure over
HTTPS), the page asked for, sign-in forced from another site, the form keeping what was typed, and the
gate sending a browser without a live session to the form."""
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from sendboard import signin, web
from tests.fixture_school import PASSWORD

HTML = {"Accept": "text/html"}


@pytest.fixture
def client_for(fixture_path, monkeypatch):
    monkeypatch.setitem(web.served, "routes", False)  # routes() marks the process as served: undo after

    def make(base_url="http://testserver"):
        app = Starlette(routes=web.routes(), middleware=[Middleware(web.SignInGate)])
        return TestClient(app, base_url=base_url, follow_redirects=False)

    return make


def post(client, origin, **fields):
    return client.post("/signin", data=fields, headers={"Origin": origin})


def test_signing_in_sets_an_httponly_strict_cookie_and_goes_to_the_page_asked_for(client_for):
    client = client_for()
    response = post(client, "http://testserver", username="head", password=PASSWORD, next="/overview")
    assert response.status_code == 303 and response.headers["location"] == "/overview"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{signin.COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Max-Age=43200" in cookie and "Secure" not in cookie  # 12 hours; plain http here
    token = cookie.split(";")[0].split("=", 1)[1]
    assert token not in response.headers["location"]


def test_over_https_the_cookie_is_secure(client_for):
    response = post(client_for("https://sendboard.example"), "https://sendboard.example",
                    username="head", password=PASSWORD, next="/")
    assert "Secure" in response.headers["set-cookie"]


def test_behind_a_reverse_proxy_serving_https_the_cookie_is_secure(client_for):
    response = client_for().post("/signin", data={"username": "head", "password": PASSWORD, "next": "/"},
                                 headers={"Origin": "http://testserver", "X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["set-cookie"]


def test_a_sign_in_posted_from_another_site_is_refused(client_for):
    response = post(client_for(), "https://evil.example", username="head", password=PASSWORD, next="/")
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_a_wrong_password_shows_the_form_again_with_the_name_kept_and_no_cookie(client_for):
    response = post(client_for(), "http://testserver", username="senco<script>", password="wrong", next="/outcomes")
    assert response.status_code == 401 and "set-cookie" not in response.headers
    assert "do not match an active account" in response.text
    assert 'value="senco&lt;script&gt;"' in response.text and "<script>" not in response.text
    assert 'name="next" value="/outcomes"' in response.text


def test_the_next_page_cannot_point_off_the_site(client_for):
    response = post(client_for(), "http://testserver", username="head", password=PASSWORD, next="//evil.example/")
    assert response.headers["location"] == "/"


def test_the_gate_sends_a_browser_without_a_session_to_the_form_and_lets_a_live_one_through(client_for):
    client = client_for()
    response = client.get("/overview", headers=HTML)
    assert response.status_code == 303 and response.headers["location"] == "/signin?next=/overview"
    assert client.get("/_stcore/health", headers=HTML).status_code == 404  # not held back (no such route here)
    signed = post(client, "http://testserver", username="head", password=PASSWORD, next="/overview")
    token = signed.cookies[signin.COOKIE_NAME]
    client.cookies.set(signin.COOKIE_NAME, token)
    assert client.get("/overview", headers=HTML).status_code == 404  # through the gate (no page route in this test app)
    assert client.get("/signin?next=/overview").headers["location"] == "/overview"  # already signed in

    from sendboard.app_db import open_database

    signin.end_session(open_database(), signin.token_hash(token))
    response = client.get("/overview", headers=HTML)
    assert response.headers["location"] == "/signin?next=/overview"
    form = client.get("/signin?next=/overview")
    assert "You have signed out." in form.text
    assert f'{signin.COOKIE_NAME}=""' in form.headers["set-cookie"]  # the dead cookie is dropped


def test_the_form_cannot_be_framed_or_load_anything_else(client_for):
    headers = client_for().get("/signin").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in headers["content-security-policy"] and headers["cache-control"] == "no-store"


def test_an_oversized_form_is_refused_unread(client_for):
    response = client_for().post("/signin", content=b"username=head&password=" + b"x" * 10000,
                                 headers={"Origin": "http://testserver",
                                          "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "set-cookie" not in response.headers
