"""The warm-up's work that takes cost off the first page after a start: Streamlit's once-per-process
checks, plotly's reading of pandas columns, and every page script compiled into Streamlit's script cache.
No timing is asserted (the figures come from the bench): these check that the work is really done."""
from __future__ import annotations

from sendboard import warmup


def test_first_elements_runs_streamlits_once_per_process_check(monkeypatch):
    from streamlit import delta_generator, env_util

    walked = []
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    monkeypatch.setattr(env_util, "is_repl", lambda: walked.append(True) or False)
    warmup._first_elements()
    assert walked == [True]  # the stack walk happened here, on the warm-up thread
    assert delta_generator._use_warning_has_been_displayed  # so no session's first element does it again


def test_first_charts_read_pandas_columns():
    """The warm-up's chart is built from a DataFrame's columns (the pages' path through narwhals)."""
    import narwhals

    warmup._first_charts()
    frame = warmup._sample_frame()
    assert narwhals.dependencies.is_pandas_series(frame["pupils"])
    assert list(frame.columns) == ["label", "pupils", "pct", "census_date"]


class _FakeRuntime:
    def __init__(self, cache):
        self._script_cache = cache


def test_compile_pages_fills_streamlits_script_cache(monkeypatch):
    from streamlit import runtime
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    cache = ScriptCache()
    monkeypatch.setattr(runtime.Runtime, "exists", staticmethod(lambda: True))
    monkeypatch.setattr(runtime.Runtime, "instance", staticmethod(lambda: _FakeRuntime(cache)))
    compiled = warmup._compile_pages(wait_seconds=1)
    pages = sorted((warmup.APP_DIR / "pages").glob("*.py"))
    assert compiled == len(pages) + 1  # every page and the app's own script
    for script in [warmup.APP_DIR / "streamlit_app.py", *pages]:
        assert str(script) in cache._cache  # the key Streamlit looks a page up by (its absolute path)
    overview = str(warmup.APP_DIR / "pages" / "overview.py")
    assert cache.get_bytecode(overview) is cache._cache[overview]  # a session's first visit finds it compiled


def test_compile_pages_gives_up_without_a_server(monkeypatch):
    from streamlit import runtime

    monkeypatch.setattr(runtime.Runtime, "exists", staticmethod(lambda: False))
    assert warmup._compile_pages(wait_seconds=0.2) == 0
