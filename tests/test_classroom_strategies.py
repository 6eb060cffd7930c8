"""The shipped strategies, ranking for a class, and the SENCO's edits."""
import pytest

from sendboard.access import AccessDenied
from sendboard.classroom import AREA_NAMES, NEED_NAMES, passport, strategies
from sendboard.classroom.strategies import StrategyError
from sendboard.scope import Scope
from tests.classroom_helpers import TODAY, add_classroom_rows, audit_rows


def test_the_shipped_list_is_complete_and_valid():
    frame = strategies.shipped_strategies()
    assert len(frame) >= 40 and frame["name"].is_unique
    for row in frame.itertuples():
        assert set(row.areas.split("|")) <= set(AREA_NAMES), row.name
        assert not isinstance(row.needs, str) or set(row.needs.split("|")) <= set(NEED_NAMES), row.name
        assert row.what_to_do and row.evidence_source and "http" not in row.evidence_source


@pytest.fixture
def school(fixture_db):
    add_classroom_rows(fixture_db)
    strategies.load_shipped_strategies(fixture_db)
    return fixture_db


def test_loading_is_idempotent(school):
    shipped = len(strategies.shipped_strategies())
    assert len(strategies.all_strategies(school)) == shipped
    assert strategies.load_shipped_strategies(school) == 0
    assert strategies.ensure_strategies(school) == 0


def test_ranking_for_7a(school, viewers):
    ranked = strategies.ranked_for_group(school, Scope(viewers["teacher"], TODAY), 201, TODAY).set_index("strategy")
    # 7A's pupils with SEND: 1, 2 (SPLD), 3 (SEMH), 4 (ASD + SLCN). Pupil 6 (concern only) is not counted.
    assert ranked.loc["Chunk tasks into short steps", "pupils_served"] == 4
    assert ranked.loc["Dyslexia-friendly text layout", "pupils_served"] == 2  # areas CL|SP: pupils 1 and 2
    assert "Pupil01 Fixture01 (SPLD)" in ranked.loc["Dyslexia-friendly text layout", "pupils"]
    assert "Check radio aid and hearing technology" not in ranked.index  # hearing only: nobody in 7A
    assert ranked["pupils_served"].is_monotonic_decreasing
    assert strategies.ranked_for_group(school, Scope(viewers["teacher"], TODAY), 202, TODAY) is None


def test_the_senco_adds_edits_and_retires_and_it_is_audited(school, viewers):
    senco = viewers["senco"]
    values = {"name": "Colour-coded equipment", "areas": ["SP", "CL"], "needs": ["VI"],
              "what_to_do": "Label trays by colour and shape.", "evidence_source": "RNIB guidance for teachers"}
    sid = strategies.add_strategy(school, senco, values)
    with pytest.raises(StrategyError, match="already exists"):
        strategies.add_strategy(school, senco, values)
    with pytest.raises(StrategyError, match="at least one broad area"):
        strategies.add_strategy(school, senco, dict(values, name="Other", areas=[]))
    assert strategies.edit_strategy(school, senco, sid, dict(values, what_to_do="Label trays by colour."))
    assert strategies.set_retired(school, senco, sid, True)
    assert "Colour-coded equipment" not in set(strategies.all_strategies(school)["name"])
    changed = audit_rows(school, "strategy_changed")
    assert len(changed) == 2 and "Label trays by colour and shape." in changed[0][3]
    with pytest.raises(AccessDenied):
        strategies.add_strategy(school, viewers["teacher"], dict(values, name="Teacher idea"))


def test_attaching_a_strategy_to_a_passport(school, viewers):
    library = strategies.all_strategies(school).set_index("name")
    sid = int(library.loc["Visual timetable and task board", "strategy_id"])
    strategies.attach_to_pupil(school, Scope(viewers["senco"], TODAY), 4, sid)
    strategies.attach_to_pupil(school, Scope(viewers["senco"], TODAY), 4, sid)  # twice: still once
    assert passport.passport(school, Scope(viewers["teacher"], TODAY), 4, TODAY)["strategies"] == ["Visual timetable and task board"]
    assert audit_rows(school, "pupil_strategy_added")[0][:2] == ("senco", 4)
    with pytest.raises(AccessDenied):
        strategies.attach_to_pupil(school, Scope(viewers["teacher"], TODAY), 4, sid)
    strategies.detach_from_pupil(school, Scope(viewers["senco"], TODAY), 4, sid)
    assert passport.passport(school, Scope(viewers["teacher"], TODAY), 4, TODAY)["strategies"] == []
