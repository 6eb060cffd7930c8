"""The publishing area's import kinds: the policy calendar (``policies``) and the accessibility plan's actions
(``accessibility_actions``). Columns are in sendboard/importers/kinds.py; this module checks every row
(located problems; nothing written unless all are valid) and registers the stagers and commit targets, so
these kinds preview, commit in one transaction and undo exactly like the others."""
from __future__ import annotations

import re
from datetime import date

from ..publishing.policies import (
    ACTION_STATUSES,
    MAX_ACTION,
    MAX_OWNER,
    MAX_TITLE,
    MAX_URL,
    POLICIES_BY_KEY,
    STRANDS,
    policy_key_for,
)
from ..sqltext import compose
from . import commit, validate
from .validate import Rows, Staged, parse_date

_STRAND_SPELLINGS = {"curriculum": "curriculum", "curriculumaccess": "curriculum", "accesstothecurriculum": "curriculum",
                     "environment": "environment", "physicalenvironment": "environment", "physical": "environment",
                     "physicalaccess": "environment", "building": "environment", "information": "information",
                     "informationaccess": "information", "deliveryofinformation": "information",
                     "accesstoinformation": "information"}
_STATUS_SPELLINGS = {"notstarted": "not started", "notyetstarted": "not started", "planned": "not started",
                     "inprogress": "in progress", "started": "in progress", "ongoing": "in progress",
                     "done": "done", "complete": "done", "completed": "done", "achieved": "done"}
EARLIEST_TARGET = date(2000, 1, 1)


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def _url_ok(text: str) -> bool:
    return len(text) <= MAX_URL and bool(re.match(r"^https?://[^\s/$.?#][^\s]*$", text, re.IGNORECASE))


def stage_policies(r: Rows) -> list[Staged]:
    ctx = r.ctx
    given = r.required("policy")
    key = given.map(lambda v: policy_key_for(v) if v else "")
    r.flag((given != "") & (key == "other:"), "policy", "a policy name with letters or digits")
    r.flag(given.str.len() > MAX_TITLE, "policy", f"a policy name of at most {MAX_TITLE} characters")
    title = [POLICIES_BY_KEY[k].title if k in POLICIES_BY_KEY else g for k, g in zip(key, given)]
    owner = r.raw("owner")
    r.flag(owner.str.len() > MAX_OWNER, "owner", f"at most {MAX_OWNER} characters")
    approved = r.dates("last_approved")
    cycle = r.numbers("cycle_months", integer=True, low=1, high=120)
    longest = key.map(lambda k: POLICIES_BY_KEY[k].cycle_months if k in POLICIES_BY_KEY and POLICIES_BY_KEY[k].statutory
                      else None)
    too_long = cycle.notna() & longest.notna() & (cycle > longest.astype(float))
    for months in sorted(set(longest[too_long])):
        r.flag(too_long & (longest == months), "cycle_months",
               f"at most {int(months)} months: the law sets the longest interval for this policy")
    url = r.raw("url")
    r.flag((url != "") & ~url.map(_url_ok), "url", f"a web address beginning https:// (or http://), no spaces, at most {MAX_URL} characters")
    r.duplicates([key], "policy", "policy")
    frame = r.base({"school_id": ctx.school_id, "policy_key": key, "title": title, "owner": owner.replace("", None),
                    "last_approved": approved, "cycle_months": cycle, "url": url.replace("", None), "updated_by": "import"})
    update = ["title", "updated_by"] + [c for c, f in (("owner", "owner"), ("last_approved", "last_approved"),
                                                       ("cycle_months", "cycle_months"), ("url", "url")) if r.has(f)]
    return [Staged("policies", frame, update)]


def _target_date(v: str):
    d, err = parse_date(v)
    return d if d is not None and not err and d >= EARLIEST_TARGET else None


def stage_accessibility_actions(r: Rows) -> list[Staged]:
    ctx = r.ctx
    strand = r.parsed("strand", lambda v: _STRAND_SPELLINGS.get(_fold(v)),
                      "curriculum, environment or information (" + ", ".join(STRANDS.values()) + ")", required=True)
    action = r.required("action")
    r.flag(action.str.len() > MAX_ACTION, "action", f"at most {MAX_ACTION} characters")
    owner = r.raw("owner")
    r.flag(owner.str.len() > MAX_OWNER, "owner", f"at most {MAX_OWNER} characters")
    target = r.parsed("target_date", _target_date, f"a real date as dd/mm/yyyy or yyyy-mm-dd, on or after "
                                                   f"{EARLIEST_TARGET:%d/%m/%Y}", required=True)
    status = r.parsed("status", lambda v: _STATUS_SPELLINGS.get(_fold(v)), ", ".join(ACTION_STATUSES), required=False)
    status = status.fillna("not started")
    done = r.dates("done_on")
    r.flag((status == "done") & done.isna() & (r.raw("done_on") == ""), "done_on", "the date it was done (the status is done)")
    r.flag((status != "done") & done.notna(), "done_on", "no date done unless the status is done")
    r.duplicates([strand.astype(str), action.str.lower()], "action", "action (strand and action)")
    frame = r.base({"school_id": ctx.school_id, "strand": strand, "action": action, "owner": owner.replace("", None),
                    "target_date": target, "status": status, "done_on": done, "updated_by": "import"})
    update = ["target_date", "updated_by"] + [c for c in ("owner", "status", "done_on") if r.has(c)]
    if r.has("status") and "done_on" not in update:
        update.append("done_on")  # a status moved off done clears the date held
    return [Staged("accessibility_actions", frame, update)]


# the module itself, not sendboard.importers.commit() (the package's function of the same name hides it)
validate.STAGERS.update({"policies": stage_policies, "accessibility_actions": stage_accessibility_actions})
commit._t("policies", "policies", ["school_id", "policy_key"],
          compose("SELECT s.school_id, s.policy_key, s.title, s.owner, s.last_approved, s.cycle_months, s.url, "
                  "s.updated_by, current_timestamp AS updated_at FROM _stage s"),
          ["school_id", "policy_key", "title", "owner", "last_approved", "cycle_months", "url", "updated_by", "updated_at"],
          "policies")
commit._t("accessibility_actions", "accessibility_actions", ["school_id", "strand", "action"],
          compose("SELECT s.school_id, s.strand, s.action, s.owner, s.target_date, s.status, s.done_on, "
                  "s.updated_by, current_timestamp AS updated_at FROM _stage s"),
          ["school_id", "strand", "action", "owner", "target_date", "status", "done_on", "updated_by", "updated_at"],
          "accessibility plan actions")
commit.ORDER = commit.ORDER + ("policies", "accessibility_actions")
