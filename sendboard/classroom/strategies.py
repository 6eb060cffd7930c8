"""Evidence-informed classroom strategies: the shipped list, ranking for a class, the SENCO's edits and
the strategies attached to a pupil's passport.

The shipped list is sendboard/data/strategies.csv; load_shipped_strategies(db) adds those not yet present (by
name), so it is safe to call on every start and never undoes a SENCO's edits.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from .. import audit
from ..access import AccessDenied, Viewer
from ..db import Database
from ..package_data import shipped
from ..scope import Scope, may_see_pupil
from . import AREA_NAMES, NEED_NAMES, ClassroomError, need_area_code, passport, profile

SHIPPED_CSV = shipped("strategies.csv")
EDITOR_ROLES = frozenset({"senco", "head"})
COLUMNS = ["name", "areas", "needs", "what_to_do", "evidence_source"]
LIMITS = {"name": 120, "what_to_do": 600, "evidence_source": 300}


class StrategyError(ClassroomError):
    """A strategy change that cannot be saved as it is."""


def shipped_strategies(path: Path = SHIPPED_CSV) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[COLUMNS].apply(lambda col: col.str.strip())
    frame["needs"] = frame["needs"].replace("", None)
    return frame


def load_shipped_strategies(db: Database, actor: str = "sendboard") -> int:
    """Insert the shipped strategies whose names are not in the table yet. Returns how many were added."""
    shipped = shipped_strategies()
    have = {str(n).lower() for n in db.query("classroom_strategy_names")["name"]}
    if shipped["name"].str.lower().isin(have).all():
        return 0  # nothing to add: no write, so caches keep their data version

    def work(w):
        have = {str(n).lower() for n in w.query("classroom_strategy_names")["name"]}
        missing = shipped[~shipped["name"].str.lower().isin(have)].copy()
        missing["added_by"] = actor
        return w.insert_frame("strategies", missing)

    return db.write(work)


def ensure_strategies(db: Database) -> int:
    """Load the shipped list into a database that has no strategies at all (a school built from imports).
    A database that has some is left alone, so a strategy the SENCO renamed does not come back."""
    if int(db.query("classroom_strategy_count").iloc[0, 0]):
        return 0
    return load_shipped_strategies(db)


def all_strategies(db: Database, *, include_retired: bool = False) -> pd.DataFrame:
    frame = db.query("classroom_strategies_all")
    return frame if include_retired else frame[~frame["retired"]].reset_index(drop=True)


def _codes(value) -> set[str]:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return set()
    return {c.strip().upper() for c in str(value).split("|") if c.strip()}


def rank_for_pupils(strategies: pd.DataFrame, needs: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    """Rank strategies by how many of the given pupils they serve. A pupil is served when one of their
    needs is named by the strategy, or falls in one of its broad areas. Ties: strategies matched on a
    specific need first, then narrower strategies (fewer areas) before general ones."""
    pupil_codes: dict[int, set[str]] = {}
    pupil_areas: dict[int, set[str]] = {}
    for row in needs.itertuples():
        pid = int(row.pupil_id)
        pupil_codes.setdefault(pid, set()).add(row.need_code)
        pupil_areas.setdefault(pid, set()).add(need_area_code(row.need_code, row.area_code))
    rows = []
    for s in strategies.itertuples():
        s_needs, s_areas = _codes(s.needs), _codes(s.areas)
        served, specific = [], 0
        for pid in sorted(pupil_codes, key=lambda p: names.get(p, "")):
            by_need = pupil_codes[pid] & s_needs
            if by_need or pupil_areas[pid] & s_areas:
                served.append(f"{names.get(pid, pid)}" + (f" ({', '.join(sorted(by_need))})" if by_need else ""))
                specific += bool(by_need)
        if served:
            rows.append({"strategy_id": int(s.strategy_id), "strategy": s.name, "pupils_served": len(served),
                         "by_specific_need": specific, "breadth": len(s_areas), "pupils": ", ".join(served),
                         "what_to_do": s.what_to_do, "evidence": s.evidence_source,
                         "areas": ", ".join(AREA_NAMES.get(a, a) for a in sorted(s_areas))})
    frame = pd.DataFrame(rows, columns=["strategy_id", "strategy", "pupils_served", "by_specific_need", "breadth",
                                        "pupils", "what_to_do", "evidence", "areas"])
    frame = frame.sort_values(["pupils_served", "by_specific_need", "breadth", "strategy"],
                              ascending=[False, False, True, True]).reset_index(drop=True)
    return frame.drop(columns=["breadth"])


def ranked_for_group(db: Database, scope: Scope, group_id: int, as_at: date) -> pd.DataFrame | None:
    """Strategies ranked for the pupils with SEND in a class; None if the viewer may not open the class."""
    prof = profile.class_profile(db, scope, group_id, as_at)
    if prof is None:
        return None
    send_ids = {c["pupil_id"] for c in prof["cards"] if c["sen_group"] != "No SEN"}
    names = {c["pupil_id"]: c["name"] for c in prof["cards"]}
    needs = prof["needs"]
    needs = needs[needs["pupil_id"].isin(send_ids)] if not needs.empty else needs
    return rank_for_pupils(all_strategies(db), needs, names)


# --------------------------------------------------------------------------- the SENCO's edits


def _require_editor(viewer: Viewer) -> None:
    if viewer.role not in EDITOR_ROLES:
        raise AccessDenied("strategies are added, edited and retired by the SENCO or the head")


def validate(values: dict) -> dict:
    clean = {}
    for key in ("name", "what_to_do", "evidence_source"):
        text = (values.get(key) or "").strip()
        label = {"name": "a name", "what_to_do": "what to do", "evidence_source": "the evidence source"}[key]
        if not text:
            raise StrategyError(f"Please give {label}.")
        if len(text) > LIMITS[key]:
            raise StrategyError(f"The {key.replace('_', ' ')} is {len(text)} characters long; please keep it to {LIMITS[key]}.")
        clean[key] = text
    areas = _codes("|".join(values.get("areas") or []) if isinstance(values.get("areas"), (list, tuple, set))
                   else values.get("areas"))
    if not areas:
        raise StrategyError("Please choose at least one broad area of need.")
    bad = areas - set(AREA_NAMES)
    if bad:
        raise StrategyError(f"Unknown broad areas: {', '.join(sorted(bad))}.")
    needs = _codes("|".join(values.get("needs") or []) if isinstance(values.get("needs"), (list, tuple, set))
                   else values.get("needs"))
    bad = needs - set(NEED_NAMES)
    if bad:
        raise StrategyError(f"Unknown need codes: {', '.join(sorted(bad))}.")
    clean["areas"] = "|".join(a for a in AREA_NAMES if a in areas)
    clean["needs"] = "|".join(n for n in NEED_NAMES if n in needs) or None
    return clean


def add_strategy(db: Database, viewer: Viewer, values: dict) -> int:
    _require_editor(viewer)
    clean = validate(values)

    def work(w):
        if int(w.query("classroom_strategy_name_taken", strategy_name=clean["name"], strategy_id=-1).iloc[0, 0]):
            raise StrategyError(f"A strategy called '{clean['name']}' already exists. Choose another name.")
        params = {("strategy_name" if k == "name" else k): v for k, v in clean.items()}
        sid = w.run("classroom_strategy_insert", added_by=viewer.username, **params)[0][0]
        audit.record_change(w, viewer, "strategy_added", object_type="strategy", object_id=sid, new_value=clean)
        return int(sid)

    return db.write(work)


def edit_strategy(db: Database, viewer: Viewer, strategy_id: int, values: dict, *, retired: bool | None = None) -> bool:
    """Edit a strategy (and/or retire or restore it). Old values go to the history and the audit log.
    Returns whether anything changed."""
    _require_editor(viewer)
    clean = validate(values)

    def work(w):
        rows = w.query("classroom_strategy_row", strategy_id=int(strategy_id))
        if rows.empty:
            raise StrategyError("That strategy no longer exists.")
        old = rows.iloc[0].to_dict()
        old = {k: (None if not isinstance(v, (str, bool)) and pd.isna(v) else v) for k, v in old.items()}
        new = dict(clean, retired=bool(old["retired"]) if retired is None else bool(retired))
        changed = {k: (old[k], new[k]) for k in new if old[k] != new[k]}
        if not changed:
            return False
        if int(w.query("classroom_strategy_name_taken", strategy_name=new["name"], strategy_id=int(strategy_id)).iloc[0, 0]):
            raise StrategyError(f"A strategy called '{new['name']}' already exists. Choose another name.")
        w.run("classroom_strategy_update", strategy_id=int(strategy_id),
              **{("strategy_name" if k == "name" else k): v for k, v in new.items()})
        for field, (before, after) in changed.items():
            w.run("classroom_history_insert", object_type="strategy", object_id=int(strategy_id), pupil_id=None,
                  field=field, old_value=None if before is None else str(before),
                  new_value=None if after is None else str(after), changed_by=viewer.username)
        audit.record_change(w, viewer, "strategy_changed", object_type="strategy", object_id=strategy_id,
                            old_value={k: v[0] for k, v in changed.items()},
                            new_value={k: v[1] for k, v in changed.items()})
        return True

    return db.write(work)


def set_retired(db: Database, viewer: Viewer, strategy_id: int, retired: bool) -> bool:
    rows = db.query("classroom_strategy_row", strategy_id=int(strategy_id))
    if rows.empty:
        raise StrategyError("That strategy no longer exists.")
    return edit_strategy(db, viewer, strategy_id, rows.iloc[0].to_dict(), retired=retired)


def attach_to_pupil(db: Database, scope: Scope, pupil_id: int, strategy_id: int) -> None:
    """Recommend a strategy on a pupil's passport (SENCO or head)."""
    _require_editor(scope.viewer)
    if not may_see_pupil(db, scope, pupil_id):
        passport.refuse(db, scope.viewer, pupil_id, page="strategies")
        raise AccessDenied("this pupil is not in your school")
    rows = db.query("classroom_strategy_row", strategy_id=int(strategy_id))
    if rows.empty or bool(rows["retired"].iloc[0]):
        raise StrategyError("That strategy is retired or no longer exists.")

    def work(w):
        w.run("classroom_pupil_strategy_attach", pupil_id=int(pupil_id), strategy_id=int(strategy_id),
              added_on=scope.today, added_by=scope.viewer.username)
        audit.record_change(w, scope.viewer, "pupil_strategy_added", object_type="pupil_strategy", object_id=strategy_id,
                            pupil_id=pupil_id, new_value={"strategy": rows["name"].iloc[0]})

    db.write(work)


def detach_from_pupil(db: Database, scope: Scope, pupil_id: int, strategy_id: int) -> None:
    _require_editor(scope.viewer)
    if not may_see_pupil(db, scope, pupil_id):
        passport.refuse(db, scope.viewer, pupil_id, page="strategies")
        raise AccessDenied("this pupil is not in your school")
    rows = db.query("classroom_strategy_row", strategy_id=int(strategy_id))

    def work(w):
        w.run("classroom_pupil_strategy_detach", pupil_id=int(pupil_id), strategy_id=int(strategy_id))
        audit.record_change(w, scope.viewer, "pupil_strategy_removed", object_type="pupil_strategy", object_id=strategy_id,
                            pupil_id=pupil_id, old_value={"strategy": None if rows.empty else rows["name"].iloc[0]})

    db.write(work)
