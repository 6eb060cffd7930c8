"""Who may see what. The one place that holds the roles, the pages each may open, and the Viewer.

Row-level scoping itself is SQL (the ``visible_*`` macros in migrations/002_scope.sql); this module
decides which pages and which kinds of figure a role may have, and builds the Viewer every query takes.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ROLES = ("head", "senco", "teacher", "governor", "admin", "trust")

ROLE_LABELS = {
    "head": "Headteacher / senior leader",
    "senco": "SENCO",
    "teacher": "Teacher",
    "governor": "Governor",
    "admin": "Administrator",
    "trust": "Trust SEND lead",
}

PUPIL_LEVEL_ROLES = frozenset({"head", "senco", "teacher", "trust"})
COST_ROLES = frozenset({"head", "senco", "admin"})
WHOLE_SCHOOL_ROLES = frozenset({"head", "senco", "trust"})


class AccessDenied(PermissionError):
    """Raised when a viewer asks for something their role may not have."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as every query sees them."""

    user_id: int
    username: str
    display_name: str
    role: str
    school_ids: tuple[int, ...] = ()
    trust: str | None = None
    staff_id: int | None = None

    @property
    def sees_pupils(self) -> bool:
        return self.role in PUPIL_LEVEL_ROLES

    @property
    def sees_costs(self) -> bool:
        return self.role in COST_ROLES

    @property
    def sees_whole_school(self) -> bool:
        return self.role in WHOLE_SCHOOL_ROLES

    @property
    def cache_key(self) -> tuple:
        """What a cached result depends on: two viewers with the same key see the same rows."""
        return (self.user_id, self.role, self.school_ids, self.trust, self.staff_id)

    def require_pupils(self) -> None:
        if not self.sees_pupils:
            raise AccessDenied(f"a {ROLE_LABELS[self.role].lower()} does not see pupil-level records")

    def require_costs(self) -> None:
        if not self.sees_costs:
            raise AccessDenied("staff costs are for the head, the SENCO and the administrator")

    def require_role(self, roles: Iterable[str]) -> None:
        if self.role not in set(roles):
            raise AccessDenied(f"this needs one of: {', '.join(sorted(roles))}")


def require_admin(viewer: Viewer | None) -> Viewer:
    if not isinstance(viewer, Viewer) or viewer.role != "admin":
        raise AccessDenied("only an administrator may do this")
    return viewer


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    path: str
    icon: str
    group: str
    roles: frozenset[str]
    question: str
    pupil_level: bool = False


def _page(key, title, icon, group, roles, question, pupil_level=False) -> Page:
    return Page(key, title, f"pages/{key}.py", icon, group, frozenset(roles), question, pupil_level)


# The page registry: the app's navigation, the permission tests and the home page all read it.
PAGES: tuple[Page, ...] = (
    _page("home", "Home", ":material/home:", "Start", ROLES, "What each page answers, for your role."),
    _page("overview", "Overview", ":material/dashboard:", "Whole school", {"head", "senco", "trust"},
          "Where are we now? The SEND register against national figures and our own past.", True),
    _page("identification", "Identification", ":material/search:", "Whole school", {"head", "senco", "trust"},
          "Are we identifying the right pupils, early?", True),
    _page("outcomes", "Outcomes", ":material/trending_up:", "Whole school", {"head", "senco", "trust"},
          "Are pupils with SEND making progress, and attending?"),
    _page("graduated_approach", "Graduated approach", ":material/autorenew:", "Whole school",
          {"head", "senco", "trust"}, "Is assess, plan, do, review working?", True),
    _page("class_profile", "Class profile", ":material/groups:", "Classes and pupils", {"teacher", "senco", "head"},
          "Who in this class has SEND, what helps them, and what is coming up?", True),
    _page("passport", "Pupil passport", ":material/badge:", "Classes and pupils", {"teacher", "senco", "head"},
          "One pupil on one page: strengths, needs, targets, support and reviews.", True),
    _page("strategies", "Strategies", ":material/lightbulb:", "Classes and pupils", {"teacher", "senco", "head"},
          "Which classroom strategies fit the needs in this class?", True),
    _page("provision_map", "Provision map", ":material/map:", "Provision", {"senco", "head", "teacher"},
          "Who gets which intervention, how often, and at what cost?", True),
    _page("impact", "Impact and value", ":material/paid:", "Provision", {"senco", "head", "trust"},
          "What did our money and staff hours buy in measured progress?"),
    _page("ehc_plans", "EHC plans", ":material/event:", "Statutory and strategic", {"senco", "head", "trust"},
          "Which EHC plan deadlines are coming up or overdue?", True),
    _page("expertise", "Staff expertise", ":material/school:", "Statutory and strategic",
          {"senco", "head", "admin", "trust"}, "Does our staff training match the needs of our pupils?"),
    _page("specialists", "Outside specialists", ":material/medical_services:", "Statutory and strategic",
          {"senco", "head", "governor", "trust"},
          "Which pupils are waiting for an outside service, and how long is the wait for each?"),
    _page("self_evaluation", "Self-evaluation", ":material/checklist:", "Statutory and strategic",
          {"senco", "head", "trust"},
          "How do we rate ourselves on the eight key factors, and what does the data say?"),
    _page("sen_report", "SEN Information Report", ":material/publish:", "Statutory and strategic",
          {"head", "senco", "governor"},
          "What do we publish about SEND, has the board approved it, and which policies are due?"),
    _page("governors", "Governors' pack", ":material/account_balance:", "Governors", {"governor", "head"},
          "The anonymised SEND picture for the governing board, as a PDF and workbook."),
    _page("trust", "Trust schools", ":material/domain:", "Trust", {"trust"},
          "How do our schools compare on SEND?"),
    _page("data", "Data import", ":material/upload_file:", "Data and admin", {"senco", "admin"},
          "Bring in data from the MIS; see and undo past imports."),
    # heads: only to confirm or refuse the head and SENCO roles (sendboard.role_requests)
    _page("users", "Users", ":material/manage_accounts:", "Data and admin", {"admin", "head"},
          "Who has an account, and with which role?"),
    _page("audit", "Audit log", ":material/history:", "Data and admin", {"admin"},
          "Who saw and changed what, and when?"),
    _page("glossary", "Glossary", ":material/menu_book:", "Start", ROLES,
          "The SEND terms and abbreviations used in sendboard, in plain English."),
)

PAGES_BY_KEY = {p.key: p for p in PAGES}


def pages_for(role: str) -> list[Page]:
    return [p for p in PAGES if role in p.roles]


def may_open(role: str, page_key: str) -> bool:
    page = PAGES_BY_KEY.get(page_key)
    return page is not None and role in page.roles
