"""Class SEND profiles: who in this class has SEND, what helps them, and what is coming up.

Readers return plain dicts and DataFrames (cacheable with ui.cached). The viewer's scope is applied in
SQL: a teacher asking for a group they do not teach gets None.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..db import Database
from ..scope import Scope
from . import AREA_NAMES, RATING_LABELS, need_area_code, need_name

NEW_TO_REGISTER_DAYS = 42  # six weeks
# Alert kinds, each shown with an icon AND words (never colour alone).
ALERT_ICONS = {"overdue": ":material/warning:", "new": ":material/fiber_new:", "concern": ":material/visibility:"}
GROUP_ORDER = {"EHC plan": 0, "SEN support": 1, "No SEN": 2}


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


def group_row(db: Database, scope: Scope, group_id: int) -> dict | None:
    rows = db.query("classroom_group", scope=scope, group_id=group_id)
    return None if rows.empty else rows.iloc[0].to_dict()


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
        on_register = row["sen_group"] != "No SEN"
        of_concern = int(row["open_concerns"] or 0) > 0
        if not (on_register or of_concern or include_all):
            continue
        needs = by["needs"].get(pid)
        need_list = [] if needs is None else [
            {"code": n["need_code"], "name": need_name(n["need_code"], n["description"]),
             "area_code": need_area_code(n["need_code"], n["area_code"]), "rank": int(n["need_rank"])}
            for n in needs
        ]
        passport = by["passports"].get(pid)
        pp = {} if passport is None else passport[0]
        targets = by["targets"].get(pid)
        interventions = by["interventions"].get(pid)
        strategies = by["strategies"].get(pid)
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
        cards.append({
            "pupil_id": pid,
            "name": f"{row['first_name']} {row['last_name']}",
            "year_group": None if pd.isna(row["year_group"]) else int(row["year_group"]),
            "sen_group": row["sen_group"],
            "status": row["sen_group"] if on_register else "Not on the SEND register",
            "needs": need_list,
            "strengths": _text(pp.get("strengths")),
            "interests": _text(pp.get("interests")),
            "what_helps": _text(pp.get("what_helps")),
            "what_does_not_help": _text(pp.get("what_does_not_help")),
            "pupil_voice": _text(pp.get("pupil_voice")),
            "parent_voice": _text(pp.get("parent_voice")),
            "targets": [] if targets is None else [target_line(t) for t in targets],
            "interventions": [] if interventions is None else [intervention_line(i) for i in interventions
                                                                if i.get("delivery") != "in_class"],
            "in_class_support": [] if interventions is None else [intervention_line(i) for i in interventions
                                                                   if i.get("delivery") == "in_class"],
            "strategies": [] if strategies is None else [st["name"] for st in strategies],
            "next_review": next_review,
            "ehc_review_due": ehc_due if row["sen_group"] == "EHC plan" else None,
            "on_register_since": since,
            "of_concern": of_concern,
            "concern_reasons": _text(row["concern_reasons"]),
            "alerts": alerts,
        })
    cards.sort(key=lambda c: (GROUP_ORDER.get(c["sen_group"], 3), c["name"]))
    return cards


def class_profile(db: Database, scope: Scope, group_id: int, as_at: date) -> dict | None:
    """The class profile of one group, or None if the viewer may not open it."""
    scope.viewer.require_pupils()
    group = group_row(db, scope, group_id)
    if group is None:
        return None
    ids = [int(r[0]) for r in db.query_rows("classroom_group_member_ids", scope=scope,
                                            group_id=group_id, as_at=as_at)]
    frames = pupil_frames(db, scope, ids, as_at)
    summary = frames["summary"]
    needs = frames["needs"].copy()
    if not needs.empty:
        needs["area_code"] = [need_area_code(c, a) for c, a in zip(needs["need_code"], needs["area_code"])]
    send_ids = {int(p) for p, group in zip(summary["pupil_id"], summary["sen_group"]) if group != "No SEN"}
    in_area: dict[str, set[int]] = {}  # one pass over the needs, not a pandas filter per area
    for pupil, code in zip(needs["pupil_id"], needs["area_code"]):
        if int(pupil) in send_ids:
            in_area.setdefault(code, set()).add(int(pupil))
    mix_rows = [{"area_code": code, "area": area, "pupils": len(in_area[code])}
                for code, area in AREA_NAMES.items() if in_area.get(code)]
    cards = build_cards(frames, as_at)
    return {
        "group": group,
        "as_at": as_at,
        "summary": {
            "pupils": len(summary),
            "sen_support": int((summary["sen_group"] == "SEN support").sum()),
            "ehc_plans": int((summary["sen_group"] == "EHC plan").sum()),
            "of_concern_only": int(((summary["sen_group"] == "No SEN") & (summary["open_concerns"] > 0)).sum()),
            "reviews_overdue": sum(1 for c in cards if any("review overdue" in a[1] for a in c["alerts"])),
            "new_to_register": sum(1 for c in cards if any(a[1].startswith("New to the SEND register") for a in c["alerts"])),
        },
        "need_mix": pd.DataFrame(mix_rows, columns=["area_code", "area", "pupils"]),
        "cards": cards,
        "needs": needs,
    }


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
