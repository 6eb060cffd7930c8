"""The governors' pack made lighter for the browser: its charts drawn on the server as SVG images (every
value printed, hidden figures marked, names from the data escaped), and the head's commentary forms drawn
only while "Edit commentary" is on (a commentary saved through them is stored and audited)."""
import math
import xml.etree.ElementTree as ET

from sendboard import clock
from sendboard.app_db import open_database
from sendboard.charts import PALETTE
from sendboard.governors.figures import build_pack
from sendboard.governors.pack_parts import Bars
from sendboard.governors.svg import _pale, bars_alt, bars_svg
from sendboard.scope import Scope
from tests.apptest_helpers import all_text, signed_in

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & \"quotes\""


def _bars() -> Bars:
    # Ours: 30% shown; the second a share whose count is hidden, shown as the range 10-20%; the third hidden.
    return Bars("Is it <b>fair</b>? (%)", ["A & B", HOSTILE, "C"],
                {"Ours": [30.0, float("nan"), float("nan")], "National": [15.0, 20.0, 10.0]},
                unit="%", hidden=1, ranges={"Ours": [None, (10.0, 20.0), None]})


def _heights(root, fill: str) -> list[float]:
    return [float(r.get("height")) for r in root.iter(f"{SVG}rect") if r.get("fill") == fill and r.get("class") == "bar"]


def test_the_svg_chart_draws_every_value_to_scale_marks_hidden_ones_and_escapes_names():
    svg = bars_svg(_bars(), 5)
    root = ET.fromstring(svg)  # well-formed: every name from the data was escaped
    assert not list(root.iter(f"{SVG}script")) and "<script" not in svg and "<b>" not in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Is it <b>fair</b>? (%)" in texts  # the title as text, not markup
    assert any(t and t.startswith("<script>alert(1)</script>") for t in texts)  # a category name, as text
    for label in ("30.0%", "15.0%", "20.0%", "10.0%", "10–20%", "x", "Ours", "National"):
        assert label in texts, label
    assert any(t.startswith("x = not plotted.") for t in texts)  # the note on the hidden figure
    ours, national, pale = _heights(root, PALETTE[0]), _heights(root, PALETTE[1]), _heights(root, _pale(PALETTE[0]))
    # to scale: 30% is twice 15%; 20% twice 10%; the range 10-20% spans what 10% does
    assert len(ours) == 1 and len(national) == 3 and len(pale) == 1
    assert math.isclose(ours[0], 2 * national[0], rel_tol=1e-3)
    assert math.isclose(national[1], 2 * national[2], rel_tol=1e-3)
    assert math.isclose(pale[0], national[2], rel_tol=1e-3)
    # the alternative text gives every figure the chart shows, hidden ones as hidden
    assert bars_alt(_bars()) == (
        "Bar chart: Is it <b>fair</b>? (%). Ours: A & B 30%; " + HOSTILE + " between 10.0 and 20.0% (the count is "
        "hidden); C hidden. National: A & B 15%; " + HOSTILE + " 20%; C 10%.")


def test_a_chart_with_nothing_shown_still_draws():
    svg = bars_svg(Bars("Nothing yet", ["A"], {"Only": [float("nan")]}, unit="£", hidden=1), 5)
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "x" in texts and "Nothing yet" in texts


def test_the_head_edits_commentary_only_when_asked_and_a_save_is_stored_and_audited(fixture_path):
    db = open_database(fixture_path)
    at = signed_in("head", page="pages/governors.py", timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.text_area  # previewing: the commentary read-only, as governors see it
    assert "No commentary has been added to this section." in all_text(at)
    at.toggle(key="gov-edit-commentary").set_value(True).run()
    assert not at.exception
    head = at.session_state["viewer"]
    sections = build_pack(db, Scope(head, clock.today()), head.school_ids[0], 2025, clock.today()).sections
    assert {a.key for a in at.text_area} == {"commentary-text-overall"} | {f"commentary-text-{s.key}" for s in sections}
    area = next(a for a in at.text_area if a.key == "commentary-text-need_mix")
    area.input("Cognition and learning is now our largest area.")
    next(b for b in at.button if b.label == "Save commentary" and b.form_id == "commentary-need_mix").click().run()
    assert not at.exception
    saved = db.cursor().execute("SELECT text, updated_by FROM governor_commentary WHERE section = 'need_mix'").fetchall()
    assert saved == [("Cognition and learning is now our largest area.", "head")]
    audited = db.cursor().execute(
        "SELECT username, object_id, old_value, new_value FROM audit_log WHERE action = 'governor_commentary_changed'"
    ).fetchall()
    assert [(u, o.split(":")[-1], old, new) for u, o, old, new in audited] == [
        ("head", "need_mix", None, "Cognition and learning is now our largest area.")]
    assert at.toggle(key="gov-edit-commentary").value  # still editing after the save's rerun
    assert "Cognition and learning is now our largest area." in [a.value for a in at.text_area]


def test_a_refused_commentary_keeps_what_was_typed(fixture_path):
    db = open_database(fixture_path)
    name = " ".join(db.cursor().execute("SELECT first_name, last_name FROM pupils WHERE school_id = 1 LIMIT 1").fetchone())
    at = signed_in("head", page="pages/governors.py", timeout=120, **{"gov-edit-commentary": True})
    typed = f"{name} has made progress."
    next(a for a in at.text_area if a.key == "commentary-text-register").input(typed)
    next(b for b in at.button if b.label == "Save commentary" and b.form_id == "commentary-register").click().run()
    assert any("names a pupil" in e.value for e in at.error)
    assert next(a for a in at.text_area if a.key == "commentary-text-register").value == typed
    assert db.cursor().execute("SELECT count(*) FROM governor_commentary").fetchone()[0] == 0


def test_a_governor_has_no_commentary_editing(fixture_path):
    at = signed_in("governor", page="pages/governors.py", timeout=120)
    assert not at.exception
    assert not at.toggle and not at.text_area


def test_the_read_only_commentary_is_one_element_with_the_text_escaped(fixture_path):
    from sendboard.governors.commentary import save_commentary
    from sendboard.text import md_escape

    db = open_database(fixture_path)
    head = signed_in("head", page="pages/governors.py", timeout=120).session_state["viewer"]
    typed = "**Not bold** [a link](http://example.org) <b>tag</b>\nSecond line"
    save_commentary(db, Scope(head, clock.today()), head.school_ids[0], 2025, "register", typed)
    at = signed_in("governor", page="pages/governors.py", timeout=120, term_id=20252)
    assert not at.exception
    shown = [m.value for m in at.markdown if m.value.startswith("**Headteacher's commentary**")]
    assert f"**Headteacher's commentary**  \n{md_escape(typed)}" in shown  # markdown characters shown as typed


def test_a_headline_carrying_a_typed_policy_title_is_escaped(fixture_path):
    from datetime import date

    from sendboard.publishing.policies import save_policy
    from sendboard.text import md_escape

    db = open_database(fixture_path)
    head = signed_in("head", page="pages/governors.py", timeout=120).session_state["viewer"]
    title = "Behaviour **now** [see](http://evil.example/p)"
    save_policy(db, Scope(head, clock.today()), head.school_ids[0], policy="other", title=title,
                last_approved=date(2019, 9, 1), cycle_months=12)  # long overdue: named in the headline
    at = signed_in("governor", page="pages/governors.py", timeout=120)
    assert not at.exception
    lines = [m.value for m in at.markdown if "overdue for approval" in m.value]
    assert lines and md_escape(title) in lines[0], lines  # shown as typed, not as a link or bold
    assert "[see](" not in lines[0]
