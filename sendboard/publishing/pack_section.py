"""The governors' pack section on what the board keeps current: the policy calendar (overdue and due this
term first) and the accessibility plan's progress. No pupil figure: nothing to suppress."""
from __future__ import annotations

from datetime import date

import pandas as pd

from .. import disclosure
from ..db import Database
from ..scope import Scope
from .policies import (
    DUE_THIS_TERM,
    NOT_RECORDED,
    OVERDUE,
    STRANDS,
    actions_frame,
    calendar_display,
    calendar_frame,
    progress_counts,
)

ORDER = {OVERDUE: 0, DUE_THIS_TERM: 1, NOT_RECORDED: 2}


def policies_section(db: Database, scope: Scope, school_id: int, as_at: date, t: int):
    from ..governors.pack_parts import Bars, Section, Table

    s = Section("policies", "Policies and the accessibility plan",
                "Which policies are due for the board's approval, and is the accessibility plan on track?",
                "Disabled pupils: admission, equal treatment and our accessibility plan")
    cal = calendar_frame(db, scope, school_id, as_at)
    cal = cal.assign(_o=cal["status"].map(ORDER).fillna(3)).sort_values(["_o", "due"], kind="stable").drop(columns="_o")
    shown = calendar_display(cal).reset_index(drop=True)
    p = disclosure.protect(shown, [], {}, threshold=t)
    s.tables.append(Table("policy_calendar", "Policy calendar: when each policy was last approved and when it is due", p,
                          {c: c for c in shown.columns}))
    overdue = cal[cal["status"] == OVERDUE]["title"].tolist()
    due = cal[cal["status"] == DUE_THIS_TERM]["title"].tolist()
    s.headline.append(f"{len(overdue)} polic{'ies' if len(overdue) != 1 else 'y'} overdue for approval"
                      + (f" ({', '.join(overdue)})" if overdue else "") + f"; {len(due)} due this term"
                      + (f" ({', '.join(due)})" if due else "") + ".")
    actions = actions_frame(db, scope, school_id, as_at)
    counts = progress_counts(actions)
    s.facts = {"overdue": overdue, "due_this_term": due, "actions": {k: v for k, v in counts.items() if k != "by_strand"}}
    if counts["total"]:
        s.headline.append(f"Accessibility plan: {counts['total']} actions, {counts['Done']} done, {counts['On track']} on "
                          f"track, {counts['Overdue']} past their target date.")
        frame = pd.DataFrame([{"Strand": label, **counts["by_strand"][key]} for key, label in STRANDS.items()])
        ap = disclosure.protect(frame, [], {"Done": [], "On track": [], "Overdue": []}, threshold=t,
                                decimals={"Done": 0, "On track": 0, "Overdue": 0})
        s.tables.append(Table("accessibility_progress", "Accessibility plan actions by strand (counts of actions)", ap,
                              {c: c for c in frame.columns}))
        s.chart = Bars("Is the accessibility plan on track? (number of actions)", ["Done", "On track", "Overdue"],
                       {"Actions": [float(counts["Done"]), float(counts["On track"]), float(counts["Overdue"])]}, unit="")
    else:
        s.headline.append("No accessibility plan actions are recorded yet.")
    return s
