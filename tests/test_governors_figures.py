"""Governors' pack figures on the hand-checkable fixture school, the question rules, the commentary."""
from datetime import date

import pytest

from sendboard import clock, disclosure
from sendboard.access import AccessDenied
from sendboard.governors import GovernorsError
from sendboard.governors import questions as Q
from sendboard.governors.commentary import get_commentary, save_commentary
from sendboard.governors.figures import build_pack
from sendboard.governors.judgements import GOOD, NOT_ENOUGH, REVIEW, judge
from sendboard.scope import Scope

AS_AT = date(2026, 1, 15)  # spring 2026 census: K = 1, 2, 3, 11; E = 4, 12; roll 20


def _pack(db, viewer):
    return build_pack(db, Scope(viewer, clock.today()), 1, 2025, AS_AT, "Oak Lane Academy", "secondary")


def _add_attendance(db):
    """Autumn 2025: SEND (1, 2, 3, 4, 11, 12) 92 of 100 sessions, others 95; spring 2026: 90 and 95."""
    cur = db.cursor()
    send = {1, 2, 3, 4, 11, 12}
    for pid in range(1, 21):
        for term, s_att in ((20251, 92), (20252, 90)):
            cur.execute("INSERT INTO attendance VALUES ($p, $t, 100, $a)",
                        {"p": pid, "t": term, "a": s_att if pid in send else 95})


def _add_provision(db, pupils):
    """A CL intervention by a TA (£18/h), 2 x 60 min a week, 1:1, 10 weeks from 1 Sep 2025: £36 a week,
    £360 a pupil this year. Funding: notional £10,000; top-up £6,000 each for pupils 4 and 12."""
    cur = db.cursor()
    cur.execute("INSERT INTO interventions (intervention_id, school_id, name, areas, wave, delivered_by, group_size, "
                "sessions_per_week, minutes_per_session, planned_weeks, other_costs, measure, measure_scale) "
                "VALUES (900, 1, 'Reading catch-up', 'CL', 'targeted', 'teaching_assistant', 1, 2, 60, 10, 0, "
                "'Reading test', 'standardised score')")
    for pid in pupils:
        cur.execute("INSERT INTO allocations (pupil_id, intervention_id, start_date, end_date, entry_score, exit_score) "
                    "VALUES ($p, 900, DATE '2025-09-01', DATE '2025-11-09', 100, 106)", {"p": pid})
    cur.execute("INSERT INTO funding (school_id, academic_year, line, pupil_id, amount) VALUES "
                "(1, 2025, 'notional_sen', NULL, 10000), (1, 2025, 'top_up', 4, 6000), (1, 2025, 'top_up', 12, 6000)")


def test_register_counts_below_five_are_hidden_and_their_rates_banded_not_dropped(fixture_db, viewers):
    pack = _pack(fixture_db, viewers["governor"])
    reg = pack.section("register")
    last = reg.tables[0].display.iloc[-1]
    assert last["Term"] == "Spring 2026"
    assert last["Pupils on roll"] == "20"
    assert last["SEN support"] == "<5" and last["EHC plans"] == "<5"   # 4 and 2
    # 6 of 20 have SEN (both parts hidden, so the total names nobody): 30.0%. Each part is 1-4 and they
    # add up to 6, so each is 2-4 of 20: shown as the range 10.0-20.0, not hidden.
    assert last["All with SEN"] == "6" and last["All with SEN %"] == "30.0"
    assert last["SEN support %"] == "10.0–20.0" and last["EHC plan %"] == "10.0–20.0"
    assert reg.facts["on_roll"] == 20 and reg.facts["sen_support_pct"] is None and reg.facts["send_pct"] == 30.0
    assert reg.chart.series["Our school"][0] == 30.0
    assert all(v != v for v in reg.chart.series["Our school"][1:])  # ranges are not plotted as points...
    assert reg.chart.hidden == 0  # ...but drawn as pale bars spanning 10-20%, and said so under the chart
    assert reg.chart.ranges["Our school"][1:] == [(10.0, 20.0), (10.0, 20.0)]
    assert "pale bar is a range" in reg.chart.note(5)
    import xml.etree.ElementTree as ET

    from sendboard.charts import PALETTE
    from sendboard.governors.figures import chart_frame
    from sendboard.governors.svg import _pale, bars_svg
    drawn = ET.fromstring(bars_svg(reg.chart, 5))
    heights = {fill: [float(r.get("height")) for r in drawn.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == fill and r.get("class") == "bar"]
               for fill in (PALETTE[0], _pale(PALETTE[0]))}
    (solid,), pale = heights[PALETTE[0]], heights[_pale(PALETTE[0])]  # 30% drawn; two pale bars spanning 10-20%
    assert len(pale) == 2 and all(abs(h - solid / 3) < 0.02 for h in pale)
    assert [t.text for t in drawn.iter("{http://www.w3.org/2000/svg}text")].count("10–20%") == 2
    assert chart_frame(reg.chart, 5)["Our school"].tolist() == ["30", "10.0–20.0", "10.0–20.0"]


def test_a_lower_threshold_shows_what_it_may(fixture_db, viewers):
    disclosure.set_threshold(fixture_db, viewers["admin"], 3)
    reg = _pack(fixture_db, viewers["governor"]).section("register")
    last = reg.tables[0].display.iloc[-1]
    # 4 of 20 on SEN support would now reveal the 2 EHC plans from the total of 6, so it is hidden (x);
    # with EHC plans 1-2 of those 6, SEN support is 4-5 of 20: 20.0-25.0.
    assert last["SEN support"] == "x" and last["SEN support %"] == "20.0–25.0"
    assert last["All with SEN"] == "6" and last["All with SEN %"] == "30.0"
    assert last["EHC plans"] == "<3"


def test_need_mix_by_broad_area_hand_checked(fixture_db, viewers):
    disclosure.set_threshold(fixture_db, viewers["admin"], 3)
    table = _pack(fixture_db, viewers["governor"]).section("need_mix").tables[0].display.set_index("Broad area of need")
    # CI: SLCN (11, K) + ASD (4, 12: E) -> K 1, E 2, all 3; CL: SPLD 1, 2 (K) -> 2; SEMH: 3 (K) -> 1.
    assert table.loc["Communication and interaction", "All with SEND"] == "3"
    assert table.loc["All areas", "All with SEND"] == "6"
    assert table.loc["Cognition and learning", "SEN support"] == "<3"
    assert table.loc["Social, emotional and mental health", "SEN support"] == "<3"
    # Column "SEN support": CI 1, CL 2, SEMH 1 hidden, total 4 shown: three hidden cells, none alone.
    hidden = (table["SEN support"].isin(["<3", "x"])).sum()
    assert hidden >= 2


def test_attendance_gap_and_the_question_it_raises(fixture_db, viewers):
    _add_attendance(fixture_db)
    pack = _pack(fixture_db, viewers["governor"])
    gaps = pack.section("gaps")
    table = gaps.tables[0].display
    assert table["Term"].tolist() == ["Autumn 2025", "Spring 2026"]
    assert table["Pupils with SEND"].tolist() == ["6", "6"]
    assert table["Attendance % (SEND)"].tolist() == ["92.0", "90.0"]
    assert table["Gap (percentage points)"].tolist() == ["-3.0", "-5.0"]
    texts = [q.text for q in pack.questions]
    assert any("attendance gap" in t and "widened from 3.0 to 5.0 percentage points since Autumn 2025" in t for t in texts)


def test_spend_by_area_small_groups_hidden_with_the_total(fixture_db, viewers):
    _add_provision(fixture_db, [1])
    spend = _pack(fixture_db, viewers["governor"]).section("spend")
    table = spend.tables[0].display.set_index("Broad area of need")
    assert table.loc["Cognition and learning", "Pupils with provision"] == "<5"
    assert table.loc["Cognition and learning", "Planned spend"] == "x"
    assert table.loc["All areas", "Planned spend"] == "x"  # else it would give the one pupil's £360 away
    assert all(v != v or v == 0 for v in spend.chart.series["Planned spend"])


def test_spend_and_funding_hand_checked(fixture_db, viewers):
    _add_provision(fixture_db, [1, 2, 3, 11, 4])
    pack = _pack(fixture_db, viewers["governor"])
    spend = pack.section("spend")
    table = spend.tables[0].display.set_index("Broad area of need")
    # spend goes to each pupil's own primary need: 1, 2 cognition and learning, 3 SEMH, 4 and 11
    # communication and interaction; every area has under 5 pupils, so only the total is shown
    assert table.loc["Cognition and learning", "Pupils with provision"] == "<5"
    assert table.loc["All areas", "Pupils with provision"] == "5"
    assert table.loc["All areas", "Planned spend"] == "£1,800"  # 5 x £36 x 10 weeks
    funding = spend.tables[1].display.set_index("Funding line")["Amount"]
    assert funding["High-needs top-up (element 3)"] == "x"  # two pupils' top-up
    assert funding["Notional SEN budget (element 2)"] == "x"  # else top-up = total - notional
    assert funding["Total SEND funding"] == "£22,000"
    assert spend.facts["spend"] == pytest.approx(1800) and spend.facts["funding"] == pytest.approx(22000)
    assert any("£1,800" in q.text and "£22,000" in q.text for q in pack.questions)
    impact = pack.section("impact")
    # 5 measured, all +6 on a standardised test: effect 0.8 x 6/15 = 0.32 (Hedges' J on 4 df = 0.8), every
    # gain the same so its 95% interval is 0.32 to 0.32: above zero, good value
    assert impact.facts[GOOD] == 1
    assert impact.tables[1].display.iloc[0]["Effect size (Hedges' g)"] == "0.32"


def test_no_pupil_level_field_in_any_table(fixture_db, viewers):
    _add_attendance(fixture_db)
    _add_provision(fixture_db, [1, 2, 3, 11, 4])
    pack = _pack(fixture_db, viewers["head"])
    text = " ".join(t.display.to_csv() for s in pack.sections for t in s.tables)
    for pid in range(1, 22):
        assert f"Pupil{pid:02d}" not in text and f"Fixture{pid:02d}" not in text
    assert "3832000250" not in text


def test_only_governor_and_head_get_the_pack(fixture_db, viewers):
    for role in ("teacher", "senco", "admin", "trust"):
        with pytest.raises(AccessDenied):
            _pack(fixture_db, viewers[role])


# --------------------------------------------------------------------------- question rules


def test_question_rules_fire_on_hand_made_facts():
    assert Q.attendance_rule({"attendance_gaps": [(-3.0, "Autumn 2024"), (None, "x"), (-4.5, "Spring 2026")]})[0].text.startswith(
        "The attendance gap between pupils with SEND and their peers widened from 3.0 to 4.5 percentage points since Autumn 2024")
    assert "narrowed" in Q.attendance_rule({"attendance_gaps": [(-6.0, "A"), (-4.0, "B")]})[0].text
    assert Q.attendance_rule({"attendance_gaps": [(-4.0, "A"), (-4.5, "B")]}) == []  # under a point
    assert Q.attendance_rule({"attendance_gaps": [(None, "A"), (-4.5, "B")]}) == []  # hidden: no question
    assert "higher" in Q.register_rule({"sen_support_pct": 19.0, "national_sen_support_pct": 14.2})[0].text
    assert "missing" in Q.register_rule({"ehc_pct": 1.0, "national_ehc_pct": 5.3})[0].text
    assert Q.register_rule({"sen_support_pct": None, "national_sen_support_pct": 14.2}) == []
    assert Q.suspension_rule({"suspension_rates": [(6.0, 2.0, "2025/26")]})
    assert not Q.suspension_rule({"suspension_rates": [(3.0, 2.0, "2025/26")]})
    assert "more than" in Q.spend_rule({"spend": 120.0, "funding": 100.0})[0].text
    assert "rest of the notional" in Q.spend_rule({"spend": 50.0, "funding": 100.0})[0].text
    assert Q.spend_rule({"spend": 90.0, "funding": 100.0}) == []
    assert "2 interventions did not show" in Q.impact_rule({GOOD: 1, REVIEW: 2, NOT_ENOUGH: 0})[0].text
    assert "could not be judged" in Q.impact_rule({GOOD: 1, REVIEW: 0, NOT_ENOUGH: 3})[0].text
    assert "Only 80%" in Q.review_rule({"years": [("2024/25", 100.0), ("2025/26", 80.0)]})[0].text
    assert Q.review_rule({"years": [("2025/26", None)]}) == []
    assert "social, emotional and mental health" in Q.training_rule(
        {"pct_send": {"SEMH": 30.0, "CI": 10.0}, "pct_trained": {"SEMH": 10.0, "CI": 5.0}})[0].text
    assert len(Q.training_rule({"pct_send": {"SEMH": 30.0}, "pct_trained": {"SEMH": 10.0}})) == 1
    assert "not recorded" in Q.self_evaluation_rule({}, date(2026, 1, 1))[0].text
    old = Q.self_evaluation_rule({"latest": date(2024, 1, 1), "ratings": {"Leadership": 2}}, date(2026, 1, 1))
    assert len(old) == 2 and "leadership" in old[1].text


def test_judgement_rule():
    assert judge(4, 100.0, 3.0, 5) == NOT_ENOUGH
    assert judge(6, 100.0, 3.0, 5) == GOOD
    assert judge(6, 50.0, 3.0, 5) == REVIEW
    assert judge(6, 100.0, -1.0, 5) == REVIEW


# --------------------------------------------------------------------------- commentary


def test_the_head_saves_commentary_audited_and_governors_read_it(fixture_db, viewers):
    head, gov = viewers["head"], viewers["governor"]
    save_commentary(fixture_db, Scope(head, clock.today()), 1, 2025, "register", "Register steady this term.")
    save_commentary(fixture_db, Scope(head, clock.today()), 1, 2025, "register", "Register steady; EHC requests up.")
    assert get_commentary(fixture_db, Scope(gov, clock.today()), 1, 2025) == {"register": "Register steady; EHC requests up."}
    rows = fixture_db.cursor().execute(
        "SELECT old_value, new_value FROM audit_log WHERE action = 'governor_commentary_changed' ORDER BY audit_id").fetchall()
    assert rows == [(None, "Register steady this term."), ("Register steady this term.", "Register steady; EHC requests up.")]
    with pytest.raises(AccessDenied):
        save_commentary(fixture_db, Scope(gov, clock.today()), 1, 2025, "register", "A governor's note")


def test_commentary_naming_a_pupil_or_giving_a_upn_is_refused(fixture_db, viewers):
    upn = fixture_db.cursor().execute("SELECT upn FROM pupils WHERE pupil_id = 3").fetchone()[0]
    for text in ("Well done to pupil03 fixture03 this term", f"See {upn.lower()}"):
        with pytest.raises(GovernorsError):
            save_commentary(fixture_db, Scope(viewers["head"], clock.today()), 1, 2025, "overall", text)
    assert get_commentary(fixture_db, Scope(viewers["head"], clock.today()), 1, 2025) == {}


def test_self_evaluation_shows_the_latest_rating_of_each_factor_without_free_text(fixture_db, viewers):
    cur = fixture_db.cursor()
    cur.execute("INSERT INTO ref_key_factors VALUES ('LEAD', 1, 'Culture, leadership and management', 'a|b'), "
                "('TEACH', 2, 'High-quality teaching', 'c')")
    cur.execute("INSERT INTO key_factor_ratings (school_id, factor_code, rated_on, rating, evidence, next_actions, rated_by) VALUES "
                "(1, 'LEAD', DATE '2025-03-01', 2, 'Pupil03 Fixture03 case shows gaps', 'Train staff', 'head'), "
                "(1, 'LEAD', DATE '2025-12-01', 3, 'Better now', NULL, 'head'), "
                "(1, 'TEACH', DATE '2025-12-01', 2, 'Mixed picture', NULL, 'head')")
    pack = _pack(fixture_db, viewers["governor"])
    se = pack.section("self_evaluation")
    table = se.tables[0].display
    assert table["Key factor"].tolist() == ["Culture, leadership and management", "High-quality teaching"]
    assert table["Rating (1 to 4)"].tolist() == ["3 – Established", "2 – Developing"]
    assert "Fixture03" not in table.to_csv() and "Better now" not in table.to_csv()
    assert any("high-quality teaching" in q.text for q in pack.questions)


def test_every_weak_key_factor_is_named_in_the_question():
    ratings = {"Culture, leadership and management": 2, "High-quality teaching": 1, "Use of expertise": 2,
               "Individually tailored support": 3, "Progress tracking": 2, "Communication and collaboration": 1,
               "Preparing for adulthood": 2, "Flexible use of evidence-based strategies": 4}
    text = Q.self_evaluation_rule({"latest": date(2025, 12, 1), "ratings": ratings}, date(2026, 1, 15))[0].text
    for name, rating in ratings.items():
        assert (name.lower() in text) == (rating <= 2), name  # all six weak ones, and no other
    assert "progress tracking; communication and collaboration; and preparing for adulthood" in text


def test_the_register_question_compares_totals_when_the_national_split_is_older():
    facts = {"compare_totals": True, "send_pct": 22.0, "national_send_pct": 17.6, "national_send_year": "2025/26",
             "sen_support_pct": 18.0, "national_sen_support_pct": 12.4, "national_split_year": "2022/23",
             "roll_date": date(2026, 1, 15)}
    (q,) = Q.register_rule(facts)
    assert q.text.startswith("22.0% of our pupils have SEN (roll on 15 January 2026), against 17.6% nationally in 2025/26")
    facts["send_pct"] = 18.5  # in line with the newer total: no question, though SEN support is 5.6 points above 2022/23
    assert Q.register_rule(facts) == []


def test_a_banded_review_rate_still_raises_the_question():
    facts = {"years": [("2024/25", 100.0), ("2025/26", None)], "year_bands": [("2024/25", None), ("2025/26", (33.3, 66.7))]}
    assert Q.review_rule(facts)[0].text.startswith("At most 67% of EHC plan annual reviews due in 2025/26")


def test_the_pack_names_the_national_years_and_the_roll_date(fixture_db, viewers):
    reg = _pack(fixture_db, viewers["governor"]).section("register")
    # Fixture school is secondary; the shipped reference holds secondary any-SEN to 2025/26 (17.6%) but the
    # SEN support / EHC split only to 2022/23 (12.4% and 2.4%).
    assert reg.facts["compare_totals"] and reg.facts["national_send_pct"] == 17.6
    assert reg.facts["national_send_year"] == "2025/26" and reg.facts["national_split_year"] == "2022/23"
    assert reg.facts["roll_date"] == date(2026, 1, 15)
    text = " ".join(reg.headline)
    assert "on 15 January 2026 (Spring 2026 census date)" in text and "state-funded secondary schools" in text
    assert "against 17.6% nationally in 2025/26" in text and "national split in 2022/23 is SEN support 12.4%" in text
    last = reg.tables[0].display.iloc[-1]
    assert last["National figures from"] == "all with SEN 2025/26; split 2022/23"
    assert last["National all with SEN %"] == "17.6" and last["National SEN support %"] == "12.4"
    assert "2025/26" in reg.chart.title and "2022/23" in reg.chart.title
