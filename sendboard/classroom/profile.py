"""Class SEND profiles: who in this class has SEND, what helps them, and what is coming up.

Readers return plain dicts and DataFrames (cacheable with ui.cached). The viewer's scope is applied in
SQL: a teacher asking for a group they do not teach gets None.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import timetable
from ..db import Database
from ..scope import Scope
from . import AREA_NAMES, RATING_LABELS, need_area_code, need_name

NEW_TO_REGISTER_DAYS = 42  # six weeks
# Alert kinds, each shown with an icon AND words (never colour alone).
ALERT_ICONS = {"overdue": ":material/warning:", "new": ":material/fiber_new:", "concern": ":material/visibility:"}
GROUP_ORDER = {"EHC plan": 0, "SEN support": 1, "No SEN": 2}
SESSION_COLUMNS = ["pupil_id", "allocation_id", "intervention", "delivery", "day_of_week", "start_time",
                   "minutes_per_session"]


def groups_for(db: Database, scope: Scope, school_id: int, academic_year: int) -> pd.DataFrame:
    """The teaching groups a viewer may open in a school and year (a teacher: only the ones they teach)."""
    scope.viewer.require_pupils()
    frame = db.query("teaching_groups_visible", scope=scope, school_id=school_id,
                     academic_year=academic_year)
    frame["label"] = [
        f"{row.name}" + (f" ({row.subject})" if isinstance(row.subject, str) and row.subject else "")
        + f" · Year {row.year_group}"
        for row in frame.itertuples()
    ]
    return frame


def pupil_frames(db: Database, scope: Scope, pupil_ids: list[int], as_at: date) -> dict[str, pd.DataFrame]:
    """Everything a card or passport shows for a list of pupils, each frame scoped by the viewer in SQL."""
    params = dict(scope=scope, as_at=as_at, pupil_ids=[int(p) for p in pupil_ids])
    return {
        "summary": db.query("classroom_pupil_summary", **params),
        "needs": db.query("classroom_needs", **params),
        "passports": db.query("classroom_passports", **params),
        "targets": db.query("classroom_current_targets", **params),
        "interventions": db.query("classroom_current_interventions", **params),
        "strategies": db.query("classroom_pupil_strategies", **params),
    }


def _d(value) -> date | None:
    if value is None or value is pd.NaT or (not isinstance(value, (date, str)) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def fmt_date(value) -> str:
    d = _d(value)
    return f"{d.day} {d:%b %Y}" if d else ""


def _day(value) -> str:
    text = _text(value)
    return text[:3].title() if text else ""


def _length(minutes) -> str:
    if minutes is None or pd.isna(minutes):
        return ""
    m = int(minutes)
    return f"{m // 60} h" + (f" {m % 60} min" if m % 60 else "") if m >= 60 else f"{m} min"


def _times(row) -> str:
    """'Mon, Wed, Fri 10:40' when every session starts at one time, else 'Mon 10:40, Thu 13:15'."""
    text = _text(row.get("session_times"))
    if not text:
        return ""
    parts = [p.split(" ") for p in text.split(", ")]
    times = {t for _, t in parts}
    if len(times) == 1:
        days = [d for d, _ in parts]
        days_text = "every day" if days == ["Mon", "Tue", "Wed", "Thu", "Fri"] else ", ".join(days)
        return f"{days_text} {times.pop()}"
    return text


def intervention_line(row) -> str:
    """When, for a teacher: 'Reading catch-up: Mon, Wed 10:40 (30 min each)'; the card lists withdrawal under
    "Out of class for" and in-class support under "Support in class"."""
    when = _times(row)
    if not when:  # an allocation from before sessions were recorded: its one day and time, if any
        when = " ".join(x for x in (_day(row["day_of_week"]), _text(row["start_time"])) if x and x.lower() != "daily")
        if when.lower().startswith("in "):
            when = ""
    length = _length(row["minutes_per_session"])
    length = f" ({length} each)" if length else ""
    # the card's heading says whether it is out of class or in class
    return f"{row['intervention']}: " + (f"{when}{length}" if when else f"times not set{length}")


def target_line(row) -> str:
    rating = row["last_rating"]
    if isinstance(rating, str) and rating:
        return f"{row['description']} (last review: {RATING_LABELS.get(rating, rating)}, {fmt_date(row['last_reviewed_on'])})"
    return f"{row['description']} (not reviewed yet)"


def build_cards(frames: dict[str, pd.DataFrame], as_at: date, *, include_all: bool = False) -> list[dict]:
    """One card per pupil with SEND or an open concern (every pupil if include_all), EHC plans first."""
    # Each frame's rows as plain dicts, grouped by pupil in their query order: one to_dict per frame instead
    # of a pandas group and a to_dict per pupil (a class's cards are built on every first visit).
    by: dict[str, dict[int, list[dict]]] = {}
    for key, frame in frames.items():
        if key == "summary":
            continue
        grouped: dict[int, list[dict]] = {}
        for rec in frame.to_dict("records"):
            if not pd.isna(rec["pupil_id"]):
                grouped.setdefault(int(rec["pupil_id"]), []).append(rec)
        by[key] = grouped
    cards = []
    for row in frames["summary"].to_dict("records"):
        pid = int(row["pupil_id"])
        passport = by["passports"].get(pid)
        card = _card(row, as_at, include_all=include_all, needs=by["needs"].get(pid) or [],
                     passport={} if passport is None else passport[0], targets=by["targets"].get(pid) or [],
                     interventions=by["interventions"].get(pid) or [],
                     strategy_names=[s["name"] for s in by["strategies"].get(pid) or []])
        if card is not None:
            cards.append(card)
    cards.sort(key=lambda c: (GROUP_ORDER.get(c["sen_group"], 3), c["name"]))
    return cards


def _card(row: dict, as_at: date, *, include_all: bool, needs: list[dict], passport: dict, targets: list[dict],
          interventions: list[dict], strategy_names: list[str]) -> dict | None:
    """One pupil's card from their summary row and lists (None if they have no SEND or open concern and
    not include_all). Rows may come from a frame (Timestamps, NaN) or straight from DuckDB (dates, None)."""
    on_register = row["sen_group"] != "No SEN"
    of_concern = int(row["open_concerns"] or 0) > 0
    if not (on_register or of_concern or include_all):
        return None
    alerts = []
    next_review = _d(row["next_review"])
    if next_review and next_review < as_at:
        alerts.append(("overdue", f"Plan review overdue (was due {fmt_date(next_review)})"))
    ehc_due = _d(row["ehc_review_due"])
    if row["sen_group"] == "EHC plan" and ehc_due and ehc_due < as_at:
        alerts.append(("overdue", f"EHC annual review overdue (was due {fmt_date(ehc_due)})"))
    since = _d(row["on_register_since"])
    if on_register and since and since > as_at - timedelta(days=NEW_TO_REGISTER_DAYS):
        alerts.append(("new", f"New to the SEND register (since {fmt_date(since)})"))
    if of_concern:
        alerts.append(("concern", "Of concern: the SENCO is monitoring" + ("" if on_register else " (not on the register)")))
    return {
        "pupil_id": int(row["pupil_id"]),
        "name": f"{row['first_name']} {row['last_name']}",
        "year_group": None if pd.isna(row["year_group"]) else int(row["year_group"]),
        "sen_group": row["sen_group"],
        "status": row["sen_group"] if on_register else "Not on the SEND register",
        "needs": [{"code": n["need_code"], "name": need_name(n["need_code"], n["description"]),
                   "area_code": need_area_code(n["need_code"], n["area_code"]), "rank": int(n["need_rank"])}
                  for n in needs],
        "strengths": _text(passport.get("strengths")),
        "interests": _text(passport.get("interests")),
        "what_helps": _text(passport.get("what_helps")),
        "what_does_not_help": _text(passport.get("what_does_not_help")),
        "pupil_voice": _text(passport.get("pupil_voice")),
        "parent_voice": _text(passport.get("parent_voice")),
        "targets": [target_line(t) for t in targets],
        "interventions": [intervention_line(i) for i in interventions if i.get("delivery") != "in_class"],
        "in_class_support": [intervention_line(i) for i in interventions if i.get("delivery") == "in_class"],
        "strategies": strategy_names,
        "next_review": next_review,
        "ehc_review_due": ehc_due if row["sen_group"] == "EHC plan" else None,
        "on_register_since": since,
        "of_concern": of_concern,
        "concern_reasons": _text(row["concern_reasons"]),
        "alerts": alerts,
    }


def class_profile(db: Database, scope: Scope, group_id: int, as_at: date) -> dict | None:
    """The class profile of one group, or None if the viewer may not open it."""
    scope.viewer.require_pupils()
    # One statement for the group and all its cards (sql/classroom_cards.sql): thirty teachers open this
    # page at once in a staff meeting, and each separate statement cost its own expansion of the scope macros.
    rows = db.query_rows("classroom_class_cards", scope=scope, group_id=group_id, as_at=as_at)
    if not rows:
        return None
    group, lessons = rows[0][0], rows[0][2]
    pupils = [pupil for _, pupil, _ in rows if pupil is not None]
    need_rows = []
    send_ids = set()
    in_area: dict[str, set[int]] = {}  # one pass over the needs, not a pandas filter per area
    for pupil in pupils:
        pid = pupil["pupil_id"]
        on_register = pupil["sen_group"] != "No SEN"
        if on_register:
            send_ids.add(pid)
        for n in pupil["needs"]:
            area_code = need_area_code(n["need_code"], n["area_code"])
            need_rows.append((pid, n["need_code"], n["need_rank"], area_code, n["area"], n["description"]))
            if on_register:
                in_area.setdefault(area_code, set()).add(pid)
    need_rows.sort(key=lambda n: (n[0], n[2], n[1]))  # by pupil, as classroom_needs orders them
    mix_rows = [{"area_code": code, "area": area, "pupils": len(in_area[code])}
                for code, area in AREA_NAMES.items() if in_area.get(code)]
    cards = []
    for pupil in pupils:
        card = _card(pupil, as_at, include_all=False, needs=pupil["needs"], passport=pupil,
                     targets=pupil["targets"], interventions=pupil["interventions"],
                     strategy_names=pupil["strategies"])
        if card is not None:
            cards.append(card)
    cards.sort(key=lambda c: (GROUP_ORDER.get(c["sen_group"], 3), c["name"]))
    carded = {c["pupil_id"] for c in cards}
    sessions = [{"pupil_id": p["pupil_id"], **s} for p in pupils if p["pupil_id"] in carded for s in p["sessions"]]
    return {
        "group": group,
        "as_at": as_at,
        "summary": {
            "pupils": len(pupils),
            "sen_support": sum(1 for p in pupils if p["sen_group"] == "SEN support"),
            "ehc_plans": sum(1 for p in pupils if p["sen_group"] == "EHC plan"),
            "of_concern_only": sum(1 for p in pupils if p["sen_group"] == "No SEN" and p["open_concerns"] > 0),
            "reviews_overdue": sum(1 for c in cards if any("review overdue" in a[1] for a in c["alerts"])),
            "new_to_register": sum(1 for c in cards if any(a[1].startswith("New to the SEND register") for a in c["alerts"])),
        },
        "need_mix": pd.DataFrame(mix_rows, columns=["area_code", "area", "pupils"]),
        "cards": cards,
        # the group's lessons as timetable.group_lessons gives them, for the lesson picker
        "lessons": timetable.lessons_frame(lessons),
        # the weekly sessions of the carded pupils' current interventions, for lesson_notes
        "sessions": pd.DataFrame(sessions, columns=SESSION_COLUMNS),
        # every need of the class's pupils, with its broad area (the strategies page ranks from it)
        "needs": pd.DataFrame(need_rows, columns=["pupil_id", "need_code", "need_rank", "area_code", "area", "description"]),
    }


def lesson_notes(prof: dict, lesson_id: int | None) -> dict[int, list[str]]:
    """The cards' words about one of the group's lessons (one of ``prof["lessons"]``), for each carded pupil:
    see timetable.lesson_notes. Empty when no lesson is chosen or it is not one of the group's. From the
    lessons and sessions the profile already read, so choosing a lesson reads nothing more."""
    if lesson_id is None or not prof["cards"]:
        return {}
    chosen = [lesson for lesson in prof["lessons"].to_dict("records") if int(lesson["lesson_id"]) == int(lesson_id)]
    if not chosen:
        return {}
    return timetable.lesson_notes(prof["sessions"], chosen[0])


def need_mix_chart(mix: pd.DataFrame):
    import plotly.graph_objects as go

    from .. import charts

    fig = go.Figure(go.Bar(
        x=mix["pupils"], y=mix["area"], orientation="h", text=mix["pupils"], textposition="outside",
        marker_color=[charts.AREA_COLOURS.get(a, "#999999") for a in mix["area"]],
    ))
    fig.update_yaxes(autorange="reversed")
    return charts.style(fig, "Which broad areas of need are in this class?", height=90 + 40 * max(len(mix), 1),
                        x_title="Pupils with SEND (a pupil with needs in two areas counts in each)")
