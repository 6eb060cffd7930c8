"""The HTTP edge of sign-in: a plain sign-in form served by the server itself, which sets the session
cookie, and a gate that sends a browser with no live session to it.

Why a route and not a Streamlit form: only an HTTP response can set a cookie the page's scripts cannot
read (HttpOnly). The password goes in one POST over the page's own origin, the server answers with the
cookie and a redirect to the page that was asked for, and Streamlit reads the cookie from then on
(`st.context.cookies`), so a reload, a second tab or a bookmark finds the person still signed in.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from . import auth, signin
from .app_db import open_database
from .db import database_path

SIGN_IN_PATH = "/signin"
STREAMLIT_AUTH_COOKIE = "_streamlit_user"   # set by Streamlit's own single sign-on (st.login)
NEXT_COOKIE = "sendboard_next"               # the page asked for, kept across a single sign-on round trip
# Paths the gate never holds back: Streamlit's machinery, its single sign-on routes, and the form itself.
_OPEN_PREFIXES = ("/_stcore", "/static", "/auth", "/oauth2callback", "/media", "/component", "/app/static",
                  SIGN_IN_PATH, "/favicon", "/manifest")
_SAFE_NEXT = re.compile(r"^/[A-Za-z0-9_\-/]*$")
MAX_FORM_BYTES = 4096

# Set when the server is started through `streamlit_app.py`'s st.App, so the in-app pages know the
# sign-in form above exists (under AppTest there is no HTTP server, and the in-app form is used).
served = {"routes": False}


def safe_next(value: str | None) -> str:
    """Only a plain path on this site: never another host, a scheme, or a query that could carry data."""
    value = (value or "/").strip()
    return value if _SAFE_NEXT.match(value) and not value.startswith("//") else "/"


def _db():
    return open_database(database_path())


def _sso_configured() -> bool:
    try:
        import streamlit as st

        return "auth" in st.secrets
    except Exception:
        return False


_ASSET_PATH = re.compile(r"^\./static/[A-Za-z0-9_.\-/]+\.(?:js|css|woff2)$")
_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.DOTALL)
_ATTR = re.compile(r'([a-z\-]+)(?:="([^"]*)")?')


def _streamlit_index() -> str:
    from streamlit import file_util

    return (Path(file_util.get_static_dir()) / "index.html").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def app_assets() -> tuple[tuple[str, str], ...]:
    """The scripts, style sheet and font the app's own page (Streamlit's index.html) loads first, as
    (kind, relative path): "module" for its entry script and the modules it preloads, "style", "font".
    Read from the installed Streamlit at start, so they follow whatever version is installed; a path
    that does not look like one of its hashed static files, or is not on disk, is left out."""
    try:
        index = _streamlit_index()
        from streamlit import file_util

        root = Path(file_util.get_static_dir())
    except (OSError, ImportError):
        return ()
    found: list[tuple[str, str]] = []
    for tag in _TAG.findall(index):
        attrs = {k: (v or "") for k, v in _ATTR.findall(tag[1:-1])}
        rel, path = attrs.get("rel", ""), attrs.get("src") or attrs.get("href") or ""
        if (tag.startswith("<script") and attrs.get("type") == "module") or rel == "modulepreload":
            kind = "module"
        elif rel == "stylesheet":
            kind = "style"
        elif rel == "preload" and attrs.get("as") == "font":
            kind = "font"
        else:
            continue
        if _ASSET_PATH.match(path) and ".." not in path and (root / path[2:]).is_file() and (kind, path) not in found:
            found.append((kind, path))
    return tuple(found)


def _preload_links() -> str:
    """Link tags that make the browser fetch (and, for modules, compile) the app's code while the person
    types, so the app's page after the redirect finds it in the browser's cache. The same crossorigin mode
    as index.html's own tags, or the cached copies would not be reused."""
    tags = []
    for kind, path in app_assets():
        href = html.escape(path)
        if kind == "module":
            tags.append(f'<link rel="modulepreload" crossorigin href="{href}">')
        elif kind == "style":
            tags.append(f'<link rel="preload" as="style" crossorigin href="{href}">')
        else:
            tags.append(f'<link rel="preload" as="font" type="font/woff2" crossorigin href="{href}">')
    return "\n".join(tags)


def _page(next_path: str, *, username: str = "", error: str = "", note: str = "", status: int = 200) -> HTMLResponse:
    """The sign-in page. Labels (Username, Password, Sign in) are the same as the in-app form's."""
    e = html.escape
    sso = ""
    if _sso_configured():
        sso = (f'<p class="or">or</p><a class="button secondary" href="/?sso=start&amp;next={quote(next_path)}">'
               "Sign in with your school account</a>")
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · sendboard</title>
{_preload_links()}
<style>
 body {{ font-family: system-ui, sans-serif; background: #f6f7f9; color: #1f2430; margin: 0; }}
 main {{ max-width: 26rem; margin: 8vh auto; background: #fff; padding: 2rem; border-radius: .75rem;
        box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
 h1 {{ margin: 0 0 .25rem; font-size: 1.8rem; }}
 p.lead {{ margin: 0 0 1.5rem; color: #4a5160; }}
 label {{ display: block; font-weight: 600; margin: 1rem 0 .3rem; }}
 input {{ width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; border: 1px solid #8a91a0;
         border-radius: .4rem; }}
 input:focus, .button:focus {{ outline: 3px solid #1c64d9; outline-offset: 1px; }}
 .button {{ display: block; width: 100%; margin-top: 1.5rem; padding: .7rem; font-size: 1rem; font-weight: 600;
           border: 0; border-radius: .4rem; background: #1c4fa8; color: #fff; cursor: pointer; text-align: center;
           text-decoration: none; box-sizing: border-box; }}
 .button.secondary {{ background: #fff; color: #1c4fa8; border: 2px solid #1c4fa8; margin-top: .5rem; }}
 .error {{ background: #fdecec; border-left: 4px solid #b3261e; padding: .7rem; margin: 1rem 0; }}
 .note {{ background: #eaf2fd; border-left: 4px solid #1c4fa8; padding: .7rem; margin: 1rem 0; }}
 .or {{ text-align: center; color: #4a5160; margin: 1.2rem 0 0; }}
 small {{ display: block; margin-top: 1.5rem; color: #4a5160; }}
</style></head>
<body><main>
<h1>sendboard</h1>
<p class="lead">The whole-school SEND picture, for leaders, teachers, the SENCO and governors.</p>
{f'<div class="note" role="status">{e(note)}</div>' if note else ''}
{f'<div class="error" role="alert" id="sign-in-error">{e(error)}</div>' if error else ''}
<form method="post" action="{SIGN_IN_PATH}">
 <input type="hidden" name="next" value="{e(next_path)}">
 <label for="username">Username</label>
 <input id="username" name="username" autocomplete="username" value="{e(username)}" required
        {'aria-describedby="sign-in-error"' if error else ''} {'' if username else 'autofocus'}>
 <label for="password">Password</label>
 <input id="password" name="password" type="password" autocomplete="current-password" required
        {'autofocus' if username else ''}>
 <button class="button" type="submit">Sign in</button>
</form>
{sso}
<small>Pupil records here are special category data under UK GDPR. Every view and change is recorded.</small>
</main></body></html>"""
    response = HTMLResponse(body, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    # Nothing but this page's own style, a form posting back here, and the app's own code fetched ahead
    # (preloaded, never run on this page: it has no script element); never inside another site's frame.
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'self' 'unsafe-inline'; "
                                                   "script-src 'self'; font-src 'self'; "
                                                   "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _secure(request: Request) -> bool:
    """Served over HTTPS, directly or by a reverse proxy that says so. Trusting the proxy's header can only
    ever add the Secure flag (a client faking it just loses its own cookie over plain HTTP)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(signin.COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=_secure(request))


def _live(token: str | None) -> bool:
    if not token or not database_path().exists():
        return False
    return signin.session_alive(_db(), signin.token_hash(token))


async def sign_in_form(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    token = request.cookies.get(signin.COOKIE_NAME)
    if token and await run_in_threadpool(_live, token):
        return RedirectResponse(next_path, status_code=303)
    note = ""
    if token:  # a cookie whose session has ended: say why, and drop the cookie
        state = await run_in_threadpool(lambda: signin.check_session(_db(), signin.token_hash(token), touch=False))
        note = state.ended or ""
    response = _page(next_path, note=note)
    if token:
        _clear_cookie(response, request)
    return response


def _same_origin(request: Request) -> bool:
    """A sign-in POST must come from this site's own page (no sign-in forced from elsewhere)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # browsers send Origin on every form POST; a missing one is not a browser
    hosts = {request.headers.get("host", request.url.netloc), request.headers.get("x-forwarded-host", "")}
    return urlsplit(origin).netloc in hosts - {""}


async def sign_in_post(request: Request) -> Response:
    if not _same_origin(request):
        return Response("This sign-in did not come from sendboard's own page.", status_code=403)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return Response("Expected a sign-in form.", status_code=415)
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_FORM_BYTES:  # refuse before reading, not after
        return Response("That sign-in form is too large.", status_code=413)
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_FORM_BYTES:
            return Response("That sign-in form is too large.", status_code=413)
    fields = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
    username = fields.get("username", "")[:100]
    password = fields.get("password", "")[:1024]
    next_path = safe_next(fields.get("next"))
    source = request.client.host if request.client else "unknown"

    def attempt():
        db = _db()
        viewer = auth.sign_in(db, username, password, source=source)
        return signin.start_session(db, viewer.user_id, "password"), signin.max_age(db)

    try:
        token, age = await run_in_threadpool(attempt)
    except auth.SignInError as exc:
        return _page(next_path, username=username, error=str(exc), status=401)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(signin.COOKIE_NAME, token, max_age=int(age.total_seconds()), path="/", httponly=True,
                        samesite="strict", secure=_secure(request))
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[Route]:
    served["routes"] = True
    # The app routes with st.navigation. Streamlit otherwise treats a `pages/` folder as its older
    # multipage layout until the first run that calls st.navigation, so a bookmark opened first after a
    # restart would run that page without the frame (no sign-in check of the frame, no sidebar).
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    return [Route(SIGN_IN_PATH, sign_in_form, methods=["GET"]),
            Route(SIGN_IN_PATH, sign_in_post, methods=["POST"])]


class SignInGate:
    """ASGI middleware: a browser asking for a page with no live session is sent to the sign-in form,
    with the page it asked for kept in `next`. Streamlit's own machinery, and a browser that carries
    Streamlit's single sign-on cookie (checked by the app itself), pass through. This gate saves a
    round trip; the app still checks the session on every run, so nothing depends on it alone."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET":
            return await self.app(scope, receive, send)
        request = Request(scope)
        path = request.url.path
        wants_page = "text/html" in request.headers.get("accept", "")
        if wants_page and path == "/" and request.query_params.get("sso") == "start":
            # Remember the page asked for across the trip to the identity provider (a path, nothing secret).
            return await self.app(scope, receive, _with_cookie(send, NEXT_COOKIE, safe_next(request.query_params.get("next"))))
        landing = safe_next(request.cookies.get(NEXT_COOKIE))
        if wants_page and path == "/" and NEXT_COOKIE in request.cookies and STREAMLIT_AUTH_COOKIE in request.cookies:
            # Back from the provider (Streamlit lands on "/"): go on to the page that was asked for.
            response = RedirectResponse(landing, status_code=303)
            response.delete_cookie(NEXT_COOKIE, path="/")
            if landing != "/":
                await response(scope, receive, send)
                return
            return await self.app(scope, receive, _with_cookie(send, NEXT_COOKIE, None))
        if (not wants_page or path.startswith(_OPEN_PREFIXES) or "." in path.rsplit("/", 1)[-1]
                or request.query_params.get("sso") == "start" or not database_path().exists()):
            return await self.app(scope, receive, send)
        if STREAMLIT_AUTH_COOKIE in request.cookies and _sso_configured():
            return await self.app(scope, receive, send)
        if await run_in_threadpool(_live, request.cookies.get(signin.COOKIE_NAME)):
            return await self.app(scope, receive, send)
        target = SIGN_IN_PATH + ("?next=" + quote(safe_next(path)) if safe_next(path) != "/" else "")
        response = RedirectResponse(target, status_code=303)
        response.headers["Cache-Control"] = "no-store"
        await response(scope, receive, send)


def _with_cookie(send, name: str, value: str | None):
    """Wrap an ASGI `send` so the response sets (or, with None, deletes) one short-lived cookie."""
    if value is None:
        header = f"{name}=; Max-Age=0; Path=/; SameSite=Lax; HttpOnly"
    else:
        header = f"{name}={value}; Max-Age=600; Path=/; SameSite=Lax; HttpOnly"

    async def wrapped(message):
        if message["type"] == "http.response.start":
            message = dict(message, headers=list(message.get("headers", [])) + [(b"set-cookie", header.encode("latin-1"))])
        await send(message)

    return wrapped
