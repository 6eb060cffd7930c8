"""EHC plans: annual reviews due, needs-assessment requests, phase-transfer deadlines and compliance.

Readers take the Viewer; pupil rows are scoped in SQL (visible_pupils). The dates come from
:mod:`sendboard.statutory.deadlines`, where every rule is written down.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from .. import charts, clock
from ..access import Viewer
from ..db import Database
from ..domain import academic_year_of
from . import academic_year_label, as_date, deadlines, pupil_name

AGGREGATE_ROLES = frozenset({"head", "senco", "governor", "trust"})

KIND_REVIEW = "Annual review"
KIND_DECISION = "Assessment decision (6 weeks)"
KIND_FINAL = "Final plan (20 weeks)"
KIND_TRANSFER = "Phase transfer"
KIND_SYMBOLS = {KIND_REVIEW: "circle", KIND_DECISION: "square", KIND_FINAL: "diamond", KIND_TRANSFER: "star"}
STATUS_COLOURS = {deadlines.OVERDUE: "#D55E00", deadlines.DUE_SOON: "#E69F00", deadlines.ON_TRACK: "#0072B2"}

REQUESTED_BY_LABELS = {"school": "The school", "parent": "A parent", "young_person": "The young person",
                       "other": "Someone else"}

DEADLINE_COLUMNS = ["pupil_id", "pupil", "year_group", "deadline", "due_on", "hold_by", "status", "status_label",
                    "days_left", "detail", "local_authority"]


_d = as_date


def _fmt(d: date | None) -> str:
    return f"{d.day} {d:%b %Y}" if d else ""


def step_status(done_on: date | None, due_on: date, as_at: date) -> str:
    """One statutory step: done on time, done late, overdue (not done and the date has passed) or due by
    a date. Plain words and a symbol, never colour alone."""
    if done_on is not None:
        return (f"✓ Done on time ({_fmt(done_on)})" if done_on <= due_on
                else f"⚠ Done late ({_fmt(done_on)}, {(done_on - due_on).days} days after the due date)")
    if due_on < as_at:
        return f"⚠ Overdue: was due {_fmt(due_on)}"
    return f"◔ Due by {_fmt(due_on)}"


def _hold_note(due: date) -> str:
    held = deadlines.hold_by(due)
    return "" if held == due else f"falls on a {due:%A}: hold by {held:%a} {_fmt(held)}"


# --------------------------------------------------------------------------- annual reviews


def plan_reviews(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date) -> pd.DataFrame:
    """Every EHC plan open at ``as_at``: local authority, issue date, last annual review (else the issue
    date), the next review due, the "hold by" working day and a status with its icon."""
    viewer.require_pupils()
    frame = db.query("statutory_ehc_plans", viewer_id=viewer.user_id, today=today, school_id=school_id, as_at=as_at)
    rows = []
    for r in frame.to_dict("records"):
        issued, last = _d(r["issued_on"]), _d(r["last_review_on"])
        dob = _d(r["date_of_birth"])
        base = last or issued
        due = deadlines.next_review_due(base, dob)
        state = deadlines.status(due, as_at)
        months = deadlines.review_interval_months(dob, base)
        rows.append({
            "pupil_id": int(r["pupil_id"]), "ehcp_id": int(r["ehcp_id"]),
            "pupil": pupil_name(r["first_name"], r["last_name"]),
            "year_group": None if pd.isna(r["year_group"]) else int(r["year_group"]),
            "date_of_birth": dob, "local_authority": r["local_authority"], "issued_on": issued,
            "last_review_on": last, "reviews_held": int(r["reviews_held"]),
            "review_interval_months": months, "next_due": due, "hold_by": deadlines.hold_by(due),
            "days_left": (due - as_at).days, "status": state, "status_label": deadlines.status_label(state),
        })
    out = pd.DataFrame(rows, columns=[
        "pupil_id", "ehcp_id", "pupil", "year_group", "date_of_birth", "local_authority", "issued_on",
        "last_review_on", "reviews_held", "review_interval_months", "next_due", "hold_by", "days_left",
        "status", "status_label"])
    return out.sort_values(["next_due", "pupil"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- needs-assessment requests


def request_deadlines(db: Database, viewer: Viewer, school_id: int, as_at: date, today: date,
                      *, keep_days: int = 365) -> pd.DataFrame:
    """Needs-assessment requests still open at ``as_at`` or made in the last ``keep_days`` days, with the
    LA's 6-week decision date and 20-week final-plan date, and a flag when one passed without the step."""
    viewer.require_pupils()
    frame = db.query("statutory_ehc_requests", viewer_id=viewer.user_id, today=today, school_id=school_id, as_at=as_at)
    rows = []
    for r in frame.to_dict("records"):
        requested = _d(r["requested_on"])
        decided = _d(r["decision_on"])
        if decided and decided > as_at:
            decided = None  # not known yet at the as-at date
        final = _d(r["final_plan_on"])
        if final and final > as_at:
            final = None
        decision = r["decision"] if decided else None
        refused = decision == "refused"
        open_request = not refused and final is None
        if not open_request and (as_at - requested).days > keep_days:
            continue
        d_due, f_due = deadlines.decision_due(requested), deadlines.final_plan_due(requested)
        flags = []
        if decided is None and as_at > d_due:
            flags.append(f"⚠ No decision: 6-week date passed {_fmt(d_due)}")
        elif decided is not None and decided > d_due:
            flags.append(f"Decision made late ({_fmt(decided)})")
        if not refused and final is None and as_at > f_due:
            flags.append(f"⚠ No final plan: 20-week date passed {_fmt(f_due)}")
        elif final is not None and final > f_due:
            flags.append(f"Plan issued late ({_fmt(final)})")
        if refused:
            stage, next_due = "Refused: no assessment", None
        elif final is not None:
            stage, next_due = "Plan issued", None
        elif decided is None:
            stage, next_due = "Awaiting decision", d_due
        else:
            stage, next_due = "Assessing: awaiting final plan", f_due
        if next_due is None:
            state = "Closed"
        elif decided is None and as_at > d_due or (not refused and final is None and as_at > f_due):
            state = deadlines.OVERDUE
        else:
            state = deadlines.status(next_due, as_at)
        rows.append({
            "request_id": int(r["request_id"]), "pupil_id": int(r["pupil_id"]),
            "pupil": pupil_name(r["first_name"], r["last_name"]),
            "year_group": None if pd.isna(r["year_group"]) else int(r["year_group"]),
            "local_authority": r["local_authority"], "requested_on": requested,
            "requested_by": REQUESTED_BY_LABELS.get(r["requested_by"], "Not recorded") if isinstance(r["requested_by"], str)
            else "Not recorded",
            "decision_due": d_due, "decision_on": decided, "decision": decision or "",
            "final_plan_due": f_due, "final_plan_on": final, "stage": stage,
            "decision_step": step_status(decided, d_due, as_at),
            "final_step": "Not needed (refused)" if refused else step_status(final, f_due, as_at),
            "status": state, "status_label": deadlines.status_label(state) if state != "Closed" else "Closed",
            "flags": "; ".join(flags) or "",
        })
    cols = ["request_id", "pupil_id", "pupil", "year_group", "local_authority", "requested_on", "requested_by", "decision_due",
            "decision_on", "decision", "final_plan_due", "final_plan_on", "stage", "status", "status_label", "flags",
            "decision_step", "final_step"]
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["_order"] = out["status"].map(deadlines.STATUS_ORDER).fillna(3)  # open ones first, closed last
    return out.sort_values(["_order", "requested_on"], kind="stable").drop(columns="_order").reset_index(drop=True)


# --------------------------------------------------------------------------- phase transfers


def transfer_deadlines(plans: pd.DataFrame, school_phase: str | None, as_at: date,
                       *, infant_school: bool = False) -> pd.DataFrame:
    """Pupils with a plan in a transfer year at ``as_at`` and their phase-transfer deadline (pure)."""
    academic_year = academic_year_of(as_at)
    rows = []
    for r in plans.to_dict("records"):
        if r["year_group"] is None or pd.isna(r["year_group"]):
            continue
        found = deadlines.phase_transfer(int(r["year_group"]), academic_year, school_phase, infant_school)
        if found is None:
            continue
        move, due = found
        state = deadlines.status(due, as_at)
        detail = move + (": date passed, check the amended plan naming the next setting was issued"
                         if state == deadlines.OVERDUE else ": amended plan naming the next setting")
        rows.append({"pupil_id": r["pupil_id"], "pupil": r["pupil"], "year_group": int(r["year_group"]),
                     "move": move, "due_on": due, "hold_by": deadlines.hold_by(due), "days_left": (due - as_at).days,
                     "status": state, "status_label": deadlines.status_label(state), "detail": detail,
                     "local_authority": r["local_authority"]})
    cols = ["pupil_id", "pupil", "year_group", "move", "due_on", "hold_by", "days_left", "status", "status_label",
            "detail", "local_authority"]
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- every deadline in one list


def deadline_list(plans: pd.DataFrame, requests: pd.DataFrame, transfers: pd.DataFrame, as_at: date) -> pd.DataFrame:
    """Every open statutory deadline, one row each, most urgent first (pure; the SENCO's export)."""
    rows = []
    for r in plans.to_dict("records"):
        last = r["last_review_on"]
        basis = f"last review {_fmt(last)}" if last else f"no review yet: issued {_fmt(r['issued_on'])}"
        if r["review_interval_months"] != 12:
            basis += "; under 5 at that date, so 6-monthly"
        note = _hold_note(r["next_due"])
        rows.append({**{k: r[k] for k in ("pupil_id", "pupil", "year_group", "local_authority", "status",
                                          "status_label", "hold_by", "days_left")},
                     "deadline": KIND_REVIEW, "due_on": r["next_due"],
                     "detail": basis + (f"; {note}" if note else "")})
    for r in requests.to_dict("records"):
        if r["status"] == "Closed":
            continue
        if _d(r["decision_on"]) is None:
            kind, due = KIND_DECISION, r["decision_due"]
        else:
            kind, due = KIND_FINAL, r["final_plan_due"]
        detail = f"requested {_fmt(r['requested_on'])}" + (f"; {r['flags']}" if r["flags"] else "")
        note = _hold_note(due)
        rows.append({"pupil_id": r["pupil_id"], "pupil": r["pupil"], "year_group": r["year_group"],
                     "local_authority": r["local_authority"], "status": r["status"], "status_label": r["status_label"],
                     "deadline": kind, "due_on": due, "hold_by": deadlines.hold_by(due), "days_left": (due - as_at).days,
                     "detail": detail + (f"; {note}" if note else "")})
    for r in transfers.to_dict("records"):
        note = _hold_note(r["due_on"])
        rows.append({**{k: r[k] for k in ("pupil_id", "pupil", "year_group", "local_authority", "status",
                                          "status_label", "due_on", "hold_by", "days_left")},
                     "deadline": KIND_TRANSFER, "detail": r["detail"] + (f"; {note}" if note else "")})
    out = pd.DataFrame(rows, columns=DEADLINE_COLUMNS)
    if out.empty:
        return out
    out["_order"] = out["status"].map(deadlines.STATUS_ORDER).fillna(3)
    return out.sort_values(["_order", "due_on", "pupil"], kind="stable").drop(columns="_order").reset_index(drop=True)


def deadline_counts(items: pd.DataFrame) -> pd.DataFrame:
    """Deadlines counted by kind and status, most urgent status first, with no pupil in them (pure): what the
    EHC plans page shows the trust lead in place of :func:`deadline_list` when pupils' names are not shared."""
    columns = ["Deadline", "Status", "Deadlines"]
    if items.empty:
        return pd.DataFrame(columns=columns)
    counted = items.groupby(["deadline", "status", "status_label"], as_index=False).size()
    counted["_order"] = counted["status"].map(deadlines.STATUS_ORDER).fillna(3)
    counted = counted.sort_values(["_order", "deadline"], kind="stable")
    return pd.DataFrame({"Deadline": counted["deadline"].to_numpy(), "Status": counted["status_label"].to_numpy(),
                         "Deadlines": counted["size"].astype(int).to_numpy()})


def statutory_deadlines(db: Database, viewer: Viewer, school_id: int, school_phase: str | None, as_at: date,
                        today: date) -> dict[str, pd.DataFrame]:
    """Everything the EHC plans page shows, computed once (cache this)."""
    plans = plan_reviews(db, viewer, school_id, as_at, today)
    requests = request_deadlines(db, viewer, school_id, as_at, today)
    transfers = transfer_deadlines(plans, school_phase, as_at)
    return {"plans": plans, "requests": requests, "transfers": transfers,
            "deadlines": deadline_list(plans, requests, transfers, as_at)}


def term_frame(db: Database) -> pd.DataFrame:
    return db.query("term_list")


def coming_term_end(terms: pd.DataFrame, as_at: date) -> date:
    """The last day of the term after the one holding ``as_at`` (as_at + 13 weeks if terms are missing)."""
    if terms is not None and not terms.empty:
        starts = [pd.Timestamp(s).date() for s in terms["start_date"]]
        ends = [pd.Timestamp(e).date() for e in terms["end_date"]]
        later = sorted(e for s, e in zip(starts, ends) if s > as_at)
        if later:
            return later[0]
    return as_at + timedelta(days=91)


# --------------------------------------------------------------------------- compliance (aggregate)


def review_compliance_by_year(db: Database, viewer: Viewer, school_id: int, as_at: date | None = None) -> pd.DataFrame:
    """Annual reviews that fell due, by the academic year they were due in, as known at ``as_at`` (default
    today): held on time, held late, and overdue and not held (open plans whose next review date has
    passed). ``pct_on_time`` = held on time / all three (``reviews_due``), so a review not held counts
    against the rate instead of vanishing from it. Counts only, no pupil rows (governors' pack and trust
    may call this). The method is in docs/methods.md."""
    viewer.require_role(AGGREGATE_ROLES)
    as_at = as_at or clock.today()
    frame = db.query("ehc_compliance", viewer_id=viewer.user_id, school_id=school_id, as_at=as_at)
    frame["academic_year_label"] = [academic_year_label(y) for y in frame["academic_year"]]
    frame["reviews_held"] = frame["held_on_time"] + frame["held_late"]
    frame["reviews_due"] = frame["reviews_held"] + frame["overdue"]
    frame["pct_on_time"] = (100.0 * frame["held_on_time"] / frame["reviews_due"].where(frame["reviews_due"] > 0)).round(1)
    return frame[["academic_year", "academic_year_label", "reviews_due", "reviews_held", "held_on_time", "held_late",
                  "overdue", "pct_on_time"]]


def compliance_now(db: Database, viewer: Viewer, school_id: int, as_at: date) -> dict:
    """Two counts every page about EHC plans shows (no pupil rows): annual reviews overdue and not held at
    ``as_at``, and EHC plans open at ``as_at`` whose pupil gets fewer hours a week in current
    interventions than the plan sets out (of those plans that record their hours)."""
    viewer.require_role(AGGREGATE_ROLES)
    due = db.query("ehc_compliance", viewer_id=viewer.user_id, school_id=school_id, as_at=as_at)
    plans, with_hours, short = db.query_rows("ehc_hours_short", viewer_id=viewer.user_id, school_id=school_id,
                                             as_at=as_at)[0]
    return {"overdue_now": int(due["overdue"].sum()) if not due.empty else 0, "plans": int(plans or 0),
            "plans_with_hours": int(with_hours or 0), "hours_short": int(short or 0)}


def compliance_sentence(now: dict) -> str:
    """The two counts in words, for a caption or the pack."""
    overdue = now["overdue_now"]
    reviews = "No annual review is overdue" if overdue == 0 else (
        f"{overdue} annual review{'s are' if overdue != 1 else ' is'} overdue and not yet held")
    if not now["plans_with_hours"]:
        hours = "no open EHC plan records its hours a week"
    else:
        hours = (f"{now['hours_short']} of {now['plans_with_hours']} EHC plans that set out hours a week get fewer "
                 "hours in recorded interventions than the plan sets out")
    return f"{reviews}; {hours}."


def pack_facts(now: dict, threshold: int) -> dict:
    """The two counts for the governors' pack, each None where disclosure control withholds it."""
    from .. import disclosure

    return {"overdue_now": disclosure.safe_count(now["overdue_now"], threshold),
            "plans_with_hours": disclosure.safe_count(now["plans_with_hours"], threshold),
            "hours_short": disclosure.safe_count(now["hours_short"], threshold)}


def pack_lines(now: dict, threshold: int, as_at: date) -> list[str]:
    """The two counts in sentences for the governors' pack, small counts shown as the pack's mark."""
    from .. import disclosure

    def shown(n) -> str:
        return disclosure.protect_value(n, threshold) if n else "0"

    lines = [f"Annual reviews overdue and not yet held on {as_at.day} {as_at:%B %Y}: {shown(now['overdue_now'])}."]
    if now["plans_with_hours"]:
        lines.append(f"EHC plans getting fewer hours a week in recorded interventions than the plan sets out: "
                     f"{shown(now['hours_short'])} of {shown(now['plans_with_hours'])} plans that record their hours.")
    return lines


# --------------------------------------------------------------------------- charts


def timeline_chart(items: pd.DataFrame, start: date, end: date) -> go.Figure:
    """One row per pupil, a marker per deadline between ``start`` and ``end``: shape = kind of deadline,
    colour (and the hover text) = status."""
    window = items[(items["due_on"] >= start) & (items["due_on"] <= end)].sort_values("due_on")
    fig = go.Figure()
    order = list(dict.fromkeys(window["pupil"]))
    for kind, symbol in KIND_SYMBOLS.items():
        part = window[window["deadline"] == kind]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=pd.to_datetime(part["due_on"]), y=part["pupil"], mode="markers", name=kind, showlegend=False,
            marker={"symbol": symbol, "size": 13, "color": [STATUS_COLOURS.get(s, "#999999") for s in part["status"]],
                    "line": {"width": 1, "color": "#333333"}},
            customdata=list(zip(part["status_label"], part["detail"], [f"{d:%a} {_fmt(d)}" for d in part["hold_by"]])),
            hovertemplate="<b>%{y}</b><br>" + kind + " due %{x|%a %d %b %Y}<br>%{customdata[0]}<br>"
                          "Hold by %{customdata[2]}<br>%{customdata[1]}<extra></extra>",
        ))
        # Legend entry for the shape, in a neutral colour (colour means status, not kind).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=kind, legendgroup="kind",
                                 marker={"symbol": symbol, "size": 11, "color": "#BBBBBB", "line": {"width": 1, "color": "#333333"}}))
    for state in (deadlines.OVERDUE, deadlines.DUE_SOON, deadlines.ON_TRACK):
        if (window["status"] == state).any():
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=deadlines.status_label(state),
                                     legendgroup="status", marker={"symbol": "square", "size": 11, "color": STATUS_COLOURS[state]}))
    fig.add_vline(x=pd.Timestamp(start).value / 1e6, line={"dash": "dot", "color": "#555555"})
    charts.style(fig, f"Which EHC deadlines fall between {_fmt(start)} and {_fmt(end)}?",
                 height=max(300, 190 + 26 * len(order)))
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "xanchor": "left"},
                      margin={"b": 90})
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], title=None)
    fig.update_xaxes(range=[pd.Timestamp(start - timedelta(days=3)), pd.Timestamp(end + timedelta(days=3))],
                     dtick="M1", tickformat="%b %Y")
    return fig


def compliance_chart(frame: pd.DataFrame) -> go.Figure:
    """Reviews due each year, stacked: held on time, held late, overdue and not held; the label is the
    on-time rate over all of them."""
    parts = (("held_on_time", "Held on time", "#0072B2"), ("held_late", "Held late", "#E69F00"),
             ("overdue", "Overdue, not held", "#D55E00"))
    fig = go.Figure([go.Bar(x=frame["academic_year_label"], y=frame[col], name=label, marker_color=colour,
                            hovertemplate="%{x}: %{y} " + label.lower() + "<extra></extra>") for col, label, colour in parts])
    labels = [f"{p:.0f}% on time ({o} of {n})" if pd.notna(p) else "" for p, o, n in
              zip(frame["pct_on_time"], frame["held_on_time"], frame["reviews_due"])]
    fig.add_trace(go.Scatter(x=frame["academic_year_label"], y=frame["reviews_due"], mode="text", text=labels,
                             textposition="top center", showlegend=False, hoverinfo="skip"))
    charts.style(fig, "Of the annual reviews that fell due each year, how many were held on time?", height=340,
                 y_title="Annual reviews due", x_title="Academic year the review was due")
    fig.update_layout(barmode="stack", legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0})
    fig.update_yaxes(range=[0, max(1, float(frame["reviews_due"].max() or 0)) * 1.25])
    return fig
