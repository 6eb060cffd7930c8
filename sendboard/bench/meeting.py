"""``sendboard bench --meeting 30``: a staff meeting at the server. Thirty teachers open their class
profiles at the same moment; how long does each wait, from the server's side?

Why not thirty browsers: on a two-core machine thirty Chromium tabs would measure the machine, not the
app. One class-profile visit costs its browser tab more CPU than the server (``--browser`` measures both),
and in a staff meeting each teacher's browser runs on their own laptop. So each teacher here is a light
websocket session speaking Streamlit's own protocol, exactly as the browser does: the sign-in form is
posted over HTTP (the server sets the session cookie), the websocket ``/_stcore/stream`` is opened with
that cookie, the home page is run (as after signing in), and then, for everyone at once, the run of the
Class profile page is asked for, as a click on its link does. A session counts as rendered when the server
reports the run finished successfully and sent the page's metrics (or its empty state), with no exception
element.

The app runs with ``SENDBOARD_RUN_LOG`` so the server itself records every script run's start and end;
the figure is the 95th percentile of those run times for the class-profile runs (target under 3 s). The
time each client waited, from asking to the run's end, is reported beside it.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .server import PASSWORD, TODAY, cpu_split, running_app

PAGE = "class_profile"


def _say(message: str) -> None:
    print(f"[meeting {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(url: str, username: str, password: str = PASSWORD) -> str:
    """Post the sign-in form; return the session cookie the server sets."""
    from ..signin import COOKIE_NAME

    body = urllib.parse.urlencode({"username": username, "password": password, "next": "/"}).encode()
    request = urllib.request.Request(f"{url}/signin", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": url})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(request, timeout=60)
    except urllib.error.HTTPError as answer:  # the 303 to the app, with the cookie
        for header in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == COOKIE_NAME:
                return rest.split(";")[0]
        raise RuntimeError(f"{username}: sign-in answered {answer.code} without a session cookie") from None
    raise RuntimeError(f"{username}: sign-in did not redirect")


def _rerun(page_name: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page_name
    msg.rerun_script.context_info.timezone = "Europe/London"
    msg.rerun_script.context_info.locale = "en-GB"
    return msg.SerializeToString()


class Session:
    """One teacher's tab, as the websocket sees it."""

    def __init__(self, url: str, username: str, cookie: str):
        self.url, self.username, self.cookie = url, username, cookie
        self.ws = None

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(
            self.url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
            additional_headers={"Cookie": f"sendboard_session={self.cookie}", "Origin": self.url},
            max_size=None, open_timeout=120)

    async def run(self, page_name: str, drawn_label: str | None = None) -> dict:
        """Ask for a run of ``page_name`` and read the server's messages until it has finished."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        started = time.perf_counter()
        await self.ws.send(_rerun(page_name))
        out = {"username": self.username, "exception": False, "drawn": drawn_label is None, "bytes": 0}
        while True:
            data = await asyncio.wait_for(self.ws.recv(), timeout=300)
            out["bytes"] += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    out["exception"] = True
                elif drawn_label and which == "metric" and drawn_label in element.metric.label:
                    out["drawn"] = True
                elif drawn_label and which == "alert" and "teaching groups" in element.alert.body:
                    out["drawn"] = True  # the empty state of a teacher with no classes
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # the frame asked for a rerun (e.g. a page switch): the page's own run follows
                out["status"] = status
                out["seconds"] = round(time.perf_counter() - started, 3)
                return out

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _teachers(count: int) -> list[str]:
    return ["teacher"] + [f"teacher{i}" for i in range(2, count + 1)]


async def _meeting(url: str, names: list[str], cookies: dict[str, str]) -> dict:
    sessions = [Session(url, n, cookies[n]) for n in names]
    for s in sessions:  # each tab open on its home page, as after signing in
        await s.connect()
        await s.run("")
    _say(f"{len(sessions)} sessions on their home pages; opening the class profile together")
    cpu_before, wall_started, at = cpu_split(), time.perf_counter(), time.time()
    results = await asyncio.gather(*(s.run(PAGE, "Reviews overdue") for s in sessions), return_exceptions=True)
    wall, cpu_after = time.perf_counter() - wall_started, cpu_split()
    for s in sessions:
        await s.close()
    rows = []
    for name, r in zip(names, results):
        if isinstance(r, BaseException):
            rows.append({"username": name, "error": f"{type(r).__name__}: {r}"})
        else:
            rows.append(r)
    return {"rows": rows, "started_at": at, "wall_seconds": round(wall, 2),
            "cpu_app_seconds": round(cpu_after["app"] - cpu_before["app"], 2)}


def _p95(values: list[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * (len(ordered) - 1))))]


def run_meeting(db_path: Path, teachers: int = 30, today: str = TODAY, password: str = PASSWORD,
                root: Path | None = None) -> dict:
    """Start the app (scripts/run.sh, SENDBOARD_RUN_LOG on), sign ``teachers`` teachers in, and have them
    open the class profile at once. Page views are audited in ``db_path``, as the app would."""
    folder = Path(tempfile.mkdtemp(prefix="sendboard-meeting-"))
    run_log = folder / "runs.jsonl"
    names = _teachers(teachers)
    out: dict = {"teachers": teachers, "page": PAGE, "via": "websocket sessions (Streamlit's own protocol)",
                 "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    where = {} if root is None else {"root": root}  # another copy of sendboard (a before-and-after comparison)
    with running_app(db_path, today, env={"SENDBOARD_RUN_LOG": str(run_log)}, **where) as url:
        cookies = {n: sign_in(url, n, password) for n in names}  # one at a time: signing in is not what is measured
        # warm the app once (imports, first queries): the head opens the page first
        warm = asyncio.run(_meeting(url, ["head"], {"head": sign_in(url, "head", password)}))
        _say(f"warm-up: {warm['rows'][0].get('seconds')} s")
        meeting = asyncio.run(_meeting(url, names, cookies))
    runs = [json.loads(line) for line in run_log.read_text().splitlines() if line.strip()]
    shutil.rmtree(folder, ignore_errors=True)
    during = [r for r in runs if r["page"] == PAGE and r["start"] >= meeting["started_at"] - 0.5]
    seconds = [r["seconds"] for r in during]
    rows = meeting["rows"]
    waited = [r["seconds"] for r in rows if "seconds" in r]
    out.update({
        "rendered": sum(1 for r in rows if r.get("status") == "FINISHED_SUCCESSFULLY" and r.get("drawn")
                        and not r.get("exception")),
        "with_exception": sum(1 for r in rows if r.get("exception")),
        "errors": [f"{r['username']}: {r['error']}" for r in rows if "error" in r],
        "server_runs": len(during),
        "server_run_outcomes": sorted({r["outcome"] for r in during}),
        "server_run_p95_s": _p95(seconds),
        "server_run_median_s": round(statistics.median(seconds), 3) if seconds else None,
        "server_run_max_s": max(seconds) if seconds else None,
        "server_run_cpu_median_s": round(statistics.median(r["cpu_seconds"] for r in during), 3) if during else None,
        "client_wait_p95_s": _p95(waited),
        "client_wait_median_s": round(statistics.median(waited), 3) if waited else None,
        "client_wait_max_s": max(waited) if waited else None,
        "warm_up_s": warm["rows"][0].get("seconds"),
        "wall_seconds": meeting["wall_seconds"], "cpu_app_seconds": meeting["cpu_app_seconds"],
        "kb_per_session_median": round(statistics.median(r["bytes"] for r in rows if "bytes" in r) / 1024, 1)
        if rows else None,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    })
    out["passes"] = bool(out["rendered"] == teachers and not out["errors"] and out["server_run_p95_s"] is not None
                         and out["server_run_p95_s"] < 3)
    print(f"\nstaff meeting: {teachers} teachers open the class profile at once (websocket sessions)")
    for key in _SHOWN:
        print(f"  {key:<26}{out[key]}")
    return out


_SHOWN = ("rendered", "with_exception", "errors", "server_runs", "server_run_median_s", "server_run_p95_s",
          "server_run_max_s", "server_run_cpu_median_s", "client_wait_median_s", "client_wait_p95_s",
          "wall_seconds", "cpu_app_seconds", "load_average_at_start", "passes")
# Figures taken as the median over the meetings; the counts are the worst meeting's, errors all of them.
_MEDIANS = ("server_run_median_s", "server_run_p95_s", "server_run_max_s", "server_run_cpu_median_s",
            "client_wait_median_s", "client_wait_p95_s", "client_wait_max_s", "warm_up_s", "wall_seconds",
            "cpu_app_seconds", "kb_per_session_median")


def run_meetings(db_path: Path, teachers: int = 30, runs: int = 5, today: str = TODAY,
                 password: str = PASSWORD, root: Path | None = None) -> dict:
    """``runs`` meetings, each on a freshly started app: the medians of their figures (each meeting's own
    figures under "runs"). It passes only if every meeting rendered every session without an error and the
    median of the meetings' 95th percentiles is under 3 s."""
    meetings = []
    for number in range(runs):
        _say(f"meeting {number + 1} of {runs}")
        meetings.append(run_meeting(db_path, teachers, today, password, **({} if root is None else {"root": root})))
    out: dict = {"teachers": teachers, "page": PAGE, "via": meetings[0]["via"], "meetings": runs,
                 "load_average_at_start": meetings[0]["load_average_at_start"]}
    for key in _MEDIANS:
        values = [m[key] for m in meetings if m.get(key) is not None]
        out[key] = round(statistics.median(values), 3) if values else None
    out["rendered"] = min(m["rendered"] for m in meetings)
    out["with_exception"] = max(m["with_exception"] for m in meetings)
    out["server_runs"] = min(m["server_runs"] for m in meetings)
    out["errors"] = [e for m in meetings for e in m["errors"]]
    out["server_run_p95_s_each"] = [m["server_run_p95_s"] for m in meetings]
    out["load_average_at_end"] = meetings[-1]["load_average_at_end"]
    out["passes"] = bool(out["rendered"] == teachers and not out["errors"] and out["server_run_p95_s"] is not None
                         and out["server_run_p95_s"] < 3)
    out["runs"] = meetings
    if runs > 1:
        print(f"\nstaff meeting, median of {runs} meetings (p95 of each: {out['server_run_p95_s_each']})")
        for key in _SHOWN:
            print(f"  {key:<26}{out[key]}")
    return out


def main() -> None:
    """``python -m sendboard.bench.meeting --root DIR``: the meeting on another copy of sendboard (an earlier
    commit unpacked in DIR, started with this copy's bench), for a before-and-after comparison."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--db", type=Path, default=Path(__file__).resolve().parents[2] / "data" / "bench" / "school.duckdb")
    parser.add_argument("--teachers", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--root", type=Path)
    args = parser.parse_args()
    run_meetings(args.db.resolve(), args.teachers, args.runs, root=args.root.resolve() if args.root else None)


if __name__ == "__main__":
    main()
