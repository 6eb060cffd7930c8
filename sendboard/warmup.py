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


def _first_charts() -> None:
    """Build and serialise one chart of each kind the pages draw: plotly imports a kind's validators the
    first time one is built, and its JSON encoder the first time one is sent."""
    import plotly.graph_objects as go
    import plotly.io

    from . import charts

    figure = go.Figure(data=[go.Bar(x=[1], y=["a"], orientation="h"), go.Scatter(x=[1], y=[1], mode="lines+markers"),
                             go.Heatmap(z=[[1]]), go.Box(y=[1])], layout=charts.layout("warm-up"))
    plotly.io.to_json(figure, validate=False)


def warm() -> None:
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


def start() -> threading.Thread:
    """Warm up on a daemon thread; a failure is logged and left to the first session to meet and show."""
    def run():
        try:
            warm()
        except Exception:  # the first page will hit the same problem and show it properly
            _LOG.warning("sendboard warm-up did not finish", exc_info=True)

    thread = threading.Thread(target=run, name="sendboard-warm-up", daemon=True)
    thread.start()
    return thread
