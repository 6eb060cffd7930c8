"""An off-by-default record of every script run, for measuring the app under load from the server's side.

With ``SENDBOARD_RUN_LOG=/path/runs.jsonl`` in the app's environment, each run of the app script (a page
opened, a widget changed) appends one JSON line: when it started and ended (epoch seconds), its wall time,
the CPU time of the thread that ran it, the session, the page and how it ended ("ok", "stopped" for
``st.stop``, "rerun" when a newer run replaced it, or the exception's name). Without the variable it does
nothing. ``sendboard bench`` reads the file; nothing in the app does.
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
import time

_WRITING = threading.Lock()  # sessions run on their own threads; one line at a time


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


@contextlib.contextmanager
def timed_run():
    """Time the app script's run that happens inside this block (a no-op unless SENDBOARD_RUN_LOG is set)."""
    path = os.environ.get("SENDBOARD_RUN_LOG")
    if not path:
        yield None
        return
    entry = {"page": None}
    started, cpu_started = time.time(), time.thread_time()
    outcome = "ok"
    try:
        yield entry
    except BaseException as exc:  # st.stop and st.rerun end a run by raising; the app's own handling goes on
        name = type(exc).__name__
        outcome = {"StopException": "stopped", "RerunException": "rerun"}.get(name, name)
        raise
    finally:
        ended = time.time()
        line = json.dumps({"start": round(started, 4), "end": round(ended, 4), "seconds": round(ended - started, 4),
                           "cpu_seconds": round(time.thread_time() - cpu_started, 4), "session": _session_id(),
                           "page": entry["page"], "outcome": outcome})
        with _WRITING, open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
