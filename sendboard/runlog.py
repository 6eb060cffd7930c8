"""An off-by-default record of every script run, for measuring the app under load from the server's side.

With ``SENDBOARD_RUN_LOG=/path/runs.jsonl`` in the app's environment, each run of the app script (a page
opened, a widget changed) appends one JSON line: when it started and ended (epoch seconds), its wall time,
the CPU time of the thread that ran it, the session, the page and how it ended ("ok", "stopped" for
``st.stop``, "rerun" when a newer run replaced it, or the exception's name). With
``SENDBOARD_RUN_PROFILE=/a/folder`` each run is also profiled (cProfile, which sees only the thread it runs
on: the session's) and its statistics written there as ``<page>-<n>.prof``. Without the variables nothing
happens. ``sendboard bench`` reads these files; nothing in the app does.
"""
from __future__ import annotations

import contextlib
import cProfile
import itertools
import json
import os
import threading
import time

_WRITING = threading.Lock()  # sessions run on their own threads; one line at a time
_PROFILES = itertools.count(1)


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


@contextlib.contextmanager
def timed_run():
    """Time (and profile) the app script's run inside this block: a no-op unless one of the variables is set."""
    path = os.environ.get("SENDBOARD_RUN_LOG")
    profile_dir = os.environ.get("SENDBOARD_RUN_PROFILE")
    if not path and not profile_dir:
        yield None
        return
    entry = {"page": None}
    profiler = cProfile.Profile() if profile_dir else None
    if profiler is not None:
        profiler.enable()
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
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(os.path.join(profile_dir, f"{entry['page'] or 'frame'}-{next(_PROFILES)}.prof"))
        if path:  # (no return in here: it would swallow st.stop and st.rerun)
            line = json.dumps({"start": round(started, 4), "end": round(ended, 4),
                               "seconds": round(ended - started, 4),
                               "cpu_seconds": round(time.thread_time() - cpu_started, 4), "session": _session_id(),
                               "page": entry["page"], "outcome": outcome})
            with _WRITING, open(path, "a", encoding="utf-8") as log:
                log.write(line + "\n")
