"""``sendboard bench``: the measurements behind docs/performance.md. Not used by the running app.

- ``command``: the command line (``add_arguments``, ``run``), datasets, child processes, tables, JSON.
- ``scales``: the school, trust and local-authority datasets and the date they are built as of.
- ``pages``: server time of every page through Streamlit's AppTest, and aggregations against pandas.
- ``server``: the real app started through scripts/run.sh, and CPU time read from /proc.
- ``browser``: ``--browser``, every page as a person feels it in Chromium (click to drawn).
- ``concurrency``: many teachers at once in browsers, and reviews saved at the same moment.
- ``meeting``: a staff meeting at the server, thirty class profiles opened at once.
"""
from .command import add_arguments, run

__all__ = ["add_arguments", "run"]
