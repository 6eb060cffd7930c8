"""Work the first person after a restart would otherwise wait for, done when the server starts instead.

The first page a person opens after the app starts used to pay for importing pandas, plotly and every
sendboard module the pages use, for plotly loading the validators of each kind of chart the first time
one is built, and for opening the database (migrations checked, shipped data checked). All of that is the
same for everyone, so the server does it once, on a background thread, as soon as it starts: the HTTP
server answers meanwhile, and a session that arrives before it has finished simply does the rest itself
(imports and opening the database are each done once, under Python's and sendboard's own locks).
"""
from __future__ import annotations

import ast
import importlib
import logging
import threading
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent
_LOG = logging.getLogger(__name__)


def page_modules(pages_dir: Path = APP_DIR / "pages") -> list[str]:
    """Every module the page scripts import (read from their source, so a new page is covered)."""
    names: set[str] = set()
    for script in sorted(pages_dir.glob("*.py")):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                # `from sendboard import ui, charts`: the names are modules too
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(names)


def _sample_frame():
    """A few rows with the column types the named queries return (pandas 3: text as the arrow-backed str)."""
    import pandas as pd

    return pd.DataFrame({"label": ["a", "b", None], "pupils": [1, 2, 3], "pct": [0.5, 1.5, None],
                         "census_date": pd.to_datetime(["2026-01-15", "2026-05-21", "2026-10-01"])})


def _first_charts() -> None:
    """Build and serialise one chart of each kind the pages draw: plotly imports a kind's validators the
    first time one is built, and its JSON encoder the first time one is sent. The pages build their charts
    from pandas columns, which plotly reads through narwhals: its first pandas column cost the first chart
    page about 0.7 CPU-s, so the warm-up builds from a frame too."""
    import plotly.graph_objects as go
    import plotly.io

    from . import charts

    frame = _sample_frame()
    figure = go.Figure(data=[go.Bar(x=[1], y=["a"], orientation="h"), go.Scatter(x=[1], y=[1], mode="lines+markers"),
                             go.Heatmap(z=[[1]]), go.Box(y=[1]),
                             go.Bar(x=frame["pupils"], y=frame["label"], text=frame["pct"],
                                    customdata=frame[["pupils", "pct"]]),
                             go.Scatter(x=frame["census_date"], y=frame["pct"])],
                       layout=charts.layout("warm-up"))
    plotly.io.to_json(figure, validate=False)


def _first_elements() -> None:
    """What Streamlit does once per process the first time a page draws, cache-hashes or sends a table:

    - the first element any session draws makes Streamlit check whether it runs in a REPL, by walking the
      calling stack and finding the module of every frame (``inspect.stack()``): from a session's deep stack
      that took a tenth to a third of a CPU-second; from this thread's shallow one, almost nothing, and it is
      never done again;
    - a frame hashed for a cache key, pickled into the data cache and converted to Arrow for a table each
      load code (pandas' hashing, pyarrow's IPC writer) the first time."""
    import hashlib
    import pickle

    from streamlit import dataframe_util, delta_generator
    from streamlit.runtime.caching import hashing

    check = getattr(delta_generator, "_maybe_print_use_warning", None)  # Streamlit's own, once per process
    if check is not None:
        check()
    frame = _sample_frame()
    hashing.update_hash(frame, hasher=hashlib.new("md5", usedforsecurity=False),
                        cache_type=hashing.CacheType.DATA)
    pickle.loads(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL))
    dataframe_util.convert_arrow_table_to_arrow_bytes(dataframe_util.convert_pandas_df_to_arrow_table(frame))


def _compile_pages(wait_seconds: float = 120) -> int:
    """Put every page script, compiled, into Streamlit's script cache: the first visit to each page after a
    start otherwise parses it, rewrites it for Streamlit's "magic" and compiles it (0.02-0.15 CPU-s a page,
    while holding the cache's lock). The cache belongs to Streamlit's runtime, which exists only once the
    server has started, so this waits for it (the warm-up itself starts while the app module is imported).
    Returns how many scripts were compiled (0 outside a running server)."""
    import time

    from streamlit.runtime import Runtime

    deadline = time.monotonic() + wait_seconds
    while not Runtime.exists():
        if time.monotonic() > deadline:
            return 0
        time.sleep(0.1)
    script_cache = getattr(Runtime.instance(), "_script_cache", None)  # Streamlit's own; absent: nothing to do
    if script_cache is None:
        return 0
    scripts = [APP_DIR / "streamlit_app.py", *sorted((APP_DIR / "pages").glob("*.py"))]
    for script in scripts:
        script_cache.get_bytecode(str(script))
    return len(scripts)


def warm(*, compile_pages: bool = False) -> None:
    from .db import database_path, open_database

    for name in page_modules():
        try:
            importlib.import_module(name)
        except ImportError:  # `from sendboard.x import function`: the function is not a module
            pass
    _first_charts()
    path = database_path()
    if path.exists():  # never create a database here: the app says what to do about a missing one
        open_database(path)
    # These two reach into Streamlit's own workings (a changed Streamlit may not have them): a failure
    # there costs the first person a little time, never the database opened above.
    try:
        _first_elements()
    except Exception:
        _LOG.warning("sendboard warm-up: Streamlit's first-element work not done", exc_info=True)
    if compile_pages:
        _compile_pages()


def start() -> threading.Thread:
    """Warm up on a daemon thread; a failure is logged and left to the first session to meet and show."""
    def run():
        try:
            warm(compile_pages=True)
        except Exception:  # the first page will hit the same problem and show it properly
            _LOG.warning("sendboard warm-up did not finish", exc_info=True)

    thread = threading.Thread(target=run, name="sendboard-warm-up", daemon=True)
    thread.start()
    return thread
