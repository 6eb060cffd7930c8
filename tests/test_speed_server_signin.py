"""The sign-in form fetches the app's own code while the person types: it names exactly the scripts, style
sheet and font the installed Streamlit's page loads first, each a file that exists, and nothing else; its
security headers still allow nothing to run on the form itself."""
import re
from html.parser import HTMLParser
from pathlib import Path

from streamlit import file_util

from sendboard import web

STATIC = Path(file_util.get_static_dir())


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(text: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


def _form_page():
    response = web._page("/")
    return response, response.body.decode()


def test_the_form_preloads_every_script_the_app_page_loads_first():
    index = _tags((STATIC / "index.html").read_text(encoding="utf-8"))
    entry = [a["src"] for t, a in index if t == "script" and a.get("type") == "module"]
    preloaded_by_app = [a["href"] for t, a in index if t == "link" and a.get("rel") == "modulepreload"]
    assert len(entry) == 1 and len(preloaded_by_app) > 10  # the installed Streamlit's own page, as read here

    _, body = _form_page()
    form = _tags(body)
    modules = [a["href"] for t, a in form if t == "link" and a.get("rel") == "modulepreload"]
    assert modules == entry + preloaded_by_app  # the entry script and every module it preloads, in order
    for tag, attrs in form:
        if tag == "link" and attrs.get("rel") in ("modulepreload", "preload"):
            assert "crossorigin" in attrs  # the same request mode as the app's page, so its cache is reused
            path = attrs["href"]
            assert path.startswith("./static/") and (STATIC / path[2:]).is_file(), path
    style = [a["href"] for t, a in index if t == "link" and a.get("rel") == "stylesheet"]
    assert [a["href"] for t, a in form if t == "link" and a.get("as") == "style"] == style
    assert [a["href"] for t, a in form if t == "link" and a.get("as") == "font"]


def test_nothing_runs_on_the_form_and_its_policy_allows_only_its_own_site():
    response, body = _form_page()
    assert "<script" not in body  # fetched ahead, never run here
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no inline script, no other site
    assert directives["font-src"] == "'self'"
    assert directives["form-action"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_paths_that_are_not_the_apps_own_static_files_are_left_out(monkeypatch):
    real = next(p for k, p in web.app_assets() if k == "module")
    crafted = f"""<html><head>
      <script type="module" crossorigin src="{real}"></script>
      <link rel="modulepreload" crossorigin href="./static/js/not-installed.abc.js">
      <link rel="modulepreload" crossorigin href="https://elsewhere.example/x.js">
      <link rel="modulepreload" crossorigin href="./static/../../secret.js">
      <link rel="stylesheet" crossorigin href="./static/css/&quot;onload=x.css">
      <link rel="icon" href="./favicon.png">
    </head></html>"""
    monkeypatch.setattr(web, "_streamlit_index", lambda: crafted)
    web.app_assets.cache_clear()
    try:
        assert web.app_assets() == (("module", real),)
        assert re.findall(r'href="([^"]*)"', web._preload_links()) == [real]
    finally:
        web.app_assets.cache_clear()
