"""Every kind of record a school keeps in sendboard, and what each role may do with it.

One entry per record kind: how far it reaches (a pupil, a class, the school, an account), the role sets that
read it, see only its counts, change it, and the import kinds that bring it in. Each role set is named by the
module constant the code itself checks ("module:NAME", read when asked), so the permission matrix in
docs/security.md (sendboard.permissions) cannot drift from the behaviour. The few rules that had no constant
of their own are declared here and read by the code that enforces them: who may import (sendboard.importers
.commit), who edits a passport (sendboard.classroom.passport.editable_fields) and who may erase a pupil from
the app (nobody: `sendboard erase` on the server, sendboard.transfer.erase_pupil). tests/test_security_docs.py checks that every import kind belongs to one record kind and checks a
sample of the matrix's cells against what the modules do.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from .access import PUPIL_LEVEL_ROLES, WHOLE_SCHOOL_ROLES

# Rules declared here because no module held them; the modules named read these constants.
IMPORT_ROLES = frozenset({"senco", "admin"})  # importers.commit; the Data import page (access.PAGES) is theirs
PASSPORT_EDIT_ROLES = frozenset({"senco", "teacher"})  # classroom.passport: SENCO every field, teachers the setting's
ERASE_ROLES: frozenset[str] = frozenset()  # nobody in the app: `sendboard erase` on the server (transfer.erase_pupil)
# transfer.subject_access and the Data page's Subject access tab: everything held about one pupil is answered
# by the SENCO (the school's lead on SEND records) or, on the server, by `sendboard export`; a teacher who may
# see the pupil still may not take the whole file.
SUBJECT_ACCESS_ROLES = frozenset({"senco"})

PUPIL_LEVEL = "access:PUPIL_LEVEL_ROLES"  # what Viewer.require_pupils checks; rows then go through visible_pupils
LEVELS = ("pupil", "class", "school", "account")  # a teacher reads pupil and class records of their classes only


def role_set(where: str) -> frozenset[str]:
    """The role set held at "module:NAME" (a module of sendboard)."""
    module, name = where.split(":")
    return frozenset(getattr(importlib.import_module(f"sendboard.{module}"), name))


@dataclass(frozen=True)
class RecordKind:
    key: str
    title: str
    level: str  # one of LEVELS
    read: str  # "module:NAME": the roles that read the rows (row scope on top)
    counts: str | None = None  # roles that see only counts of it (small numbers suppressed)
    changes: tuple[tuple[str, str], ...] = ()  # (verb, "module:NAME") for each way it is changed in the app
    imports: tuple[str, ...] = ()  # its import kinds (sendboard.importers.kinds.KINDS, and "ctf")

    def _own_classes_only(self, role: str) -> bool:
        # the scope macros give a role that sees pupils but not the whole school (a teacher) their classes only
        return self.level in ("pupil", "class") and role in PUPIL_LEVEL_ROLES - WHOLE_SCHOOL_ROLES

    def reads(self, role: str) -> str:
        """'all', 'own classes', 'counts only' or 'none'."""
        if role in role_set(self.read):
            if self._own_classes_only(role):
                return "own classes"
            return "all"
        if self.counts and role in role_set(self.counts):
            return "counts only"
        return "none"

    def verbs(self, role: str) -> list[str]:
        """What the role may do beyond reading, in the matrix's words."""
        out = []
        own = self._own_classes_only(role)
        for verb, where in self.changes:
            if role in role_set(where):
                out.append(f"{verb} (own classes)" if own else verb)
        if self.imports and role in IMPORT_ROLES:
            out.append("import")
        if self.reads(role) != "none":  # every table shown can be downloaded (audited); no more than is read
            out.append("export")
        if self.level == "pupil" and role in ERASE_ROLES:
            out.append("erase")
        return out


def _k(key, title, level, read, counts=None, changes=(), imports=()) -> RecordKind:
    return RecordKind(key, title, level, read, counts, tuple(changes), tuple(imports))


# The record kinds, in the order the matrix lists them.
RECORD_KINDS: tuple[RecordKind, ...] = (
    _k("pupils", "Pupils (identity, characteristics)", "pupil", PUPIL_LEVEL, "governors:PACK_ROLES",
       imports=("pupils", "ctf")),
    _k("sen_register", "SEN register (status and needs)", "pupil", PUPIL_LEVEL, "governors:PACK_ROLES",
       [("start SEN support from a concern", "records.concerns:DECIDE_ROLES")], ("sen",)),
    _k("groups", "Teaching groups and who is in them", "class", PUPIL_LEVEL, imports=("groups",)),
    _k("timetable", "Timetable (lessons of each group)", "class", PUPIL_LEVEL,
       changes=[("edit", "timetable:EDIT_ROLES")], imports=("timetable",)),
    _k("assessments", "Assessments, attendance and suspensions", "pupil", PUPIL_LEVEL,
       "governors:PACK_ROLES", imports=("assessments", "attendance", "suspensions")),
    _k("support_plans", "Support plans and their targets", "pupil", PUPIL_LEVEL,
       changes=[("open/edit/close", "classroom.reviews:PLAN_ROLES")]),
    _k("reviews", "Reviews of targets", "pupil", PUPIL_LEVEL,
       changes=[("record", "classroom.reviews:REVIEWER_ROLES")]),
    _k("passports", "Pupil passports", "pupil", PUPIL_LEVEL,
       changes=[("edit", "record_kinds:PASSPORT_EDIT_ROLES")]),
    _k("strategies", "Classroom strategies attached to a pupil", "pupil", PUPIL_LEVEL,
       changes=[("attach", "classroom.strategies:EDITOR_ROLES")]),
    _k("concerns", "Concerns about pupils", "pupil", PUPIL_LEVEL,
       changes=[("raise", "records.concerns:RAISE_ROLES"), ("decide", "records.concerns:DECIDE_ROLES")],
       imports=("concerns",)),
    # a pupil's involvements reach their teachers (the passport); the school-wide list is SCHOOL_LIST_ROLES (the page's)
    _k("specialists", "Outside specialists' involvement", "pupil", PUPIL_LEVEL,
       "records.specialists:SUMMARY_ROLES", [("record", "records.specialists:EDIT_ROLES")], ("specialists",)),
    _k("ehc_plans", "EHC plans and their outcomes", "pupil", PUPIL_LEVEL, "statutory.ehc:AGGREGATE_ROLES",
       [("record/cease", "statutory.records:EDITOR_ROLES")], ("ehc_plans",)),
    _k("ehc_requests", "EHC needs-assessment requests", "pupil", PUPIL_LEVEL, "statutory.ehc:AGGREGATE_ROLES",
       [("record", "statutory.records:EDITOR_ROLES")], ("ehc_requests",)),
    _k("ehc_reviews", "EHC annual reviews", "pupil", PUPIL_LEVEL, "statutory.ehc:AGGREGATE_ROLES",
       [("record", "statutory.records:EDITOR_ROLES")], ("ehc_reviews",)),
    _k("pfa", "Preparing for Adulthood outcomes and careers guidance", "pupil", PUPIL_LEVEL,
       "statutory.pfa:AGGREGATE_ROLES", [("record", "statutory.records:EDITOR_ROLES")], ("pfa", "careers")),
    _k("interventions", "Interventions (the catalogue)", "school", PUPIL_LEVEL,
       changes=[("edit", "provision:EDIT_ROLES")], imports=("interventions",)),
    _k("allocations", "Who is in which intervention", "pupil", PUPIL_LEVEL, "provision.impact:AGGREGATE_ROLES",
       [("add/edit/end", "provision:EDIT_ROLES")], ("allocations",)),
    _k("funding", "SEND funding lines", "school", "access:COST_ROLES",
       changes=[("record/remove", "records.funding:EDIT_ROLES")], imports=("funding",)),
    _k("staff", "Staff records", "school", "statutory.expertise:READ_ROLES", imports=("staff",)),
    _k("staff_costs", "Staff hourly costs", "school", "access:COST_ROLES", changes=[("set", "provision:RATE_ROLES")]),
    _k("training", "Staff SEND training", "school", "statutory.expertise:READ_ROLES",
       "statutory.expertise:AGGREGATE_ROLES", [("record", "statutory.expertise:EDIT_ROLES")], ("training",)),
    _k("self_evaluation", "Self-evaluation ratings", "school", "statutory.self_evaluation:READ_ROLES",
       "statutory.self_evaluation:AGGREGATE_ROLES", [("rate", "statutory.self_evaluation:EDIT_ROLES")]),
    _k("policies", "Policy calendar and accessibility plan", "school", "publishing:READ_ROLES",
       changes=[("edit", "publishing:EDIT_ROLES"), ("approve", "publishing:APPROVE_ROLES")],
       imports=("policies", "accessibility_actions")),
    _k("governors_commentary", "Governors' pack commentary", "school", "governors:PACK_ROLES",
       changes=[("write", "governors:COMMENT_ROLES")]),
    _k("accounts", "User accounts", "account", "admin:ADMIN_ROLES",
       changes=[("add/change/disable", "admin:ADMIN_ROLES"),
                ("confirm head/SENCO roles and passwords", "role_requests:CONFIRMING_ROLES")]),
    _k("audit_log", "The audit log (ids, never contents)", "account", "admin:ADMIN_ROLES"),
)

BY_KEY = {k.key: k for k in RECORD_KINDS}


def may_import(role: str) -> bool:
    return role in IMPORT_ROLES
