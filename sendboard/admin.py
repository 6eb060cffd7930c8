"""Administration: accounts (through sendboard.auth), school-wide settings with validation, and the audit
log search. Every function takes the acting Viewer and refuses anyone who is not an administrator, so
the rule does not depend on which page calls it. Every change is audited with its old and new value.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd

from . import audit, auth, role_requests
from .access import ROLES, Viewer, require_admin
from .db import Database
from .settings import get_int, get_settings, int_range

PASSPORT_FIELDS = {
    "strengths": "Strengths",
    "interests": "Interests",
    "what_helps": "What helps",
    "what_does_not_help": "What does not help",
    "pupil_voice": "Pupil voice",
    "parent_voice": "Parent voice",
}
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AUDIT_ROW_LIMIT = 5000


class AdminError(ValueError):
    """An administrative change that cannot be made as asked; the message says why and is safe to show."""


@dataclass(frozen=True)
class IntSetting:
    key: str
    label: str
    help: str

    # the range is the rule's own (sendboard.settings.RANGE_HOMES), never a second copy here
    @property
    def low(self) -> int:
        return int_range(self.key).low

    @property
    def high(self) -> int:
        return int_range(self.key).high


INT_SETTINGS: tuple[IntSetting, ...] = (
    IntSetting("disclosure_threshold", "Smallest group governors may see (pupils)",
               "Figures about fewer pupils than this are hidden in governor views, so nobody can be "
               "identified. 5 is usual; 10 is cautious."),
    IntSetting("idle_timeout_minutes", "Sign out after this many idle minutes",
               "A session with no activity for this long is signed out."),
    IntSetting("session_max_hours", "Longest a sign-in lasts (hours)",
               "However active, a session ends this long after signing in, and the person signs in again."),
    IntSetting("lockout_failures", "Failed sign-ins before the longest wait",
               "From this many recent failures (from one address, or on one account) each further attempt "
               "waits the longest wait. Nobody is locked out: the owner signing in from a machine that has "
               "not failed gets straight in."),
    IntSetting("lockout_minutes", "Longest wait between sign-in attempts (minutes)",
               "The most a source that keeps failing must wait before its next attempt is tried."),
    IntSetting("slowdown_after", "Failed sign-ins before attempts must wait",
               "From this many recent failures each further attempt waits: 1 second, then twice as long "
               "after each failure. Must be fewer than the count for the longest wait."),
)
INT_SETTINGS_BY_KEY = {s.key: s for s in INT_SETTINGS}
PASSPORT_SETTING = "teacher_editable_passport_fields"
EDITABLE_KEYS = frozenset(INT_SETTINGS_BY_KEY) | {PASSPORT_SETTING}


ADMIN_ROLES = frozenset({"admin"})  # accounts, settings, staff links, the audit log (docs/security.md); access.require_admin


# --------------------------------------------------------------------------- settings


def current_settings(db: Database, viewer: Viewer) -> dict:
    """The editable settings, typed: ints for the numbers, a list for the passport fields."""
    require_admin(viewer)
    raw = get_settings(db)
    values: dict = {}
    for spec in INT_SETTINGS:
        values[spec.key] = get_int(db, spec.key)  # in its range, as the rule uses it
    values[PASSPORT_SETTING] = [f for f in str(raw.get(PASSPORT_SETTING) or "").split("|") if f in PASSPORT_FIELDS]
    return values


def _validate(key: str, value) -> str:
    """The stored text for a setting's new value, or AdminError saying what is allowed."""
    if key in INT_SETTINGS_BY_KEY:
        spec = INT_SETTINGS_BY_KEY[key]
        if isinstance(value, bool):
            raise AdminError(f"{spec.label}: give a whole number from {spec.low} to {spec.high}.")
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise AdminError(f"{spec.label}: give a whole number from {spec.low} to {spec.high}.") from None
        if isinstance(value, float) and value != int(value):
            raise AdminError(f"{spec.label}: give a whole number from {spec.low} to {spec.high}.")
        if not spec.low <= number <= spec.high:
            raise AdminError(f"{spec.label}: {number} is outside the allowed range {spec.low} to {spec.high}.")
        return str(number)
    if key == PASSPORT_SETTING:
        fields = value.split("|") if isinstance(value, str) else list(value)
        fields = [str(f).strip() for f in fields if str(f).strip()]
        unknown = [f for f in fields if f not in PASSPORT_FIELDS]
        if unknown:
            raise AdminError("Teacher-editable passport fields: unknown field(s) " + ", ".join(map(repr, unknown))
                             + "; choose from " + ", ".join(PASSPORT_FIELDS) + ".")
        ordered = [f for f in PASSPORT_FIELDS if f in fields]  # a stable order, no duplicates
        return "|".join(ordered)
    raise AdminError(f"{key!r} is not a setting that can be changed here.")


def update_settings(db: Database, viewer: Viewer, changes: dict) -> dict[str, tuple[str, str]]:
    """Validate and save settings; returns {key: (old, new)} for those that changed. All or nothing:
    one bad value saves none of them. Each change is audited as 'setting_changed' with old and new."""
    require_admin(viewer)
    before = get_settings(db)
    new_text = {key: _validate(key, value) for key, value in changes.items()}
    merged = {k: new_text.get(k, before[k]) for k in INT_SETTINGS_BY_KEY}
    if int(merged["slowdown_after"]) >= int(merged["lockout_failures"]):
        raise AdminError("Waits must begin before the longest wait: set 'failed sign-ins before attempts must "
                         "wait' lower than 'failed sign-ins before the longest wait'.")
    changed = {k: (before[k], v) for k, v in new_text.items() if str(before[k]) != v}
    if not changed:
        return {}

    def work(w):
        for key, (old, new) in changed.items():
            w.run("upsert_setting", key=key, value=new)
            audit.record_change(w, viewer, "setting_changed", object_type="setting", object_id=key,
                                old_value=old, new_value=new)

    db.write(work)
    return changed


# --------------------------------------------------------------------------- accounts


def school_choices(db: Database, viewer: Viewer) -> pd.DataFrame:
    require_admin(viewer)
    return db.query("admin_school_choices")


def trust_choices(db: Database, viewer: Viewer) -> list[str]:
    require_admin(viewer)
    return [r[0] for r in db.query_rows("admin_trust_choices")]


def list_accounts(db: Database, viewer: Viewer) -> pd.DataFrame:
    require_admin(viewer)
    frame = auth.list_users(db)
    frame = frame.rename(columns={
        "username": "Username", "display_name": "Name", "email": "E-mail", "role": "Role", "disabled": "Disabled",
        "schools": "Schools", "trust": "Trust", "last_sign_in": "Last sign-in", "created_at": "Created",
        "staff_id": "Staff id"})
    from .access import ROLE_LABELS

    frame["Role"] = frame["Role"].map(lambda r: ROLE_LABELS.get(r, r))
    frame["Status"] = frame.pop("Disabled").map(lambda d: "Disabled" if d else "Active")
    frame["Staff id"] = frame["Staff id"].map(lambda v: "" if pd.isna(v) else str(int(v))).astype(object)
    for column in ("Name", "E-mail", "Schools", "Trust"):
        frame[column] = frame[column].map(lambda v: v if isinstance(v, str) else "").astype(object)
    return frame


def _clean_email(db: Database, email: str | None, *, username: str | None = None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise AdminError(f"{email!r} does not look like an e-mail address.")
    owners = [r[0] for r in db.query_rows("admin_user_by_email", email=email)]
    if any(o.lower() != (username or "").lower() for o in owners):
        raise AdminError(f"The e-mail {email!r} already belongs to the account {owners[0]!r}. "
                         "Each e-mail links to one account.")
    return email


def add_account(db: Database, viewer: Viewer, *, username: str, display_name: str, role: str, password: str,
                confirm: str | None = None, school_ids=(), email: str | None = None, trust: str | None = None) -> int:
    """Add an account (audited as 'user_added' by sendboard.auth)."""
    require_admin(viewer)
    username = (username or "").strip().lower()
    if role not in ROLES:
        raise AdminError(f"Choose a role: one of {', '.join(ROLES)}.")
    if confirm is not None and password != confirm:
        raise AdminError("The two passwords differ.")
    email = _clean_email(db, email, username=username)
    trust = (trust or "").strip() or None
    if role == "trust":
        school_ids = ()
        if trust and trust not in trust_choices(db, viewer):
            raise AdminError(f"No school belongs to a trust called {trust!r}.")
    else:
        trust = None
        if not school_ids:
            raise AdminError("Choose at least one school for this account.")
    try:
        return auth.add_user(db, viewer, username=username, display_name=(display_name or "").strip() or username,
                             role=role, password=password or "", school_ids=[int(s) for s in school_ids],
                             email=email, trust=trust)
    except (auth.AccountError, role_requests.RequestError) as exc:
        raise AdminError(str(exc)) from None


def _guard_last_admin(db: Database, viewer: Viewer, username: str) -> None:
    if username.lower() == viewer.username.lower():
        raise AdminError("You cannot remove your own administrator access; ask another administrator.")
    admins = [r[0].lower() for r in db.query_rows("admin_active_admins")]
    if admins == [username.lower()]:
        raise AdminError("This is the only active administrator account; add another administrator first.")


def set_role(db: Database, viewer: Viewer, username: str, role: str) -> None:
    require_admin(viewer)
    if role != "admin":
        _guard_last_admin(db, viewer, username)
    try:
        auth.set_role(db, viewer, username, role)
    except (auth.AccountError, role_requests.RequestError) as exc:
        raise AdminError(str(exc)) from None


def reset_password(db: Database, viewer: Viewer, username: str, password: str, confirm: str | None = None) -> None:
    """Set a new password (this also re-enables a disabled account); audited as 'password_reset'."""
    require_admin(viewer)
    if confirm is not None and password != confirm:
        raise AdminError("The two passwords differ.")
    try:
        auth.reset_password(db, viewer, username, password or "")
    except (auth.AccountError, role_requests.RequestError) as exc:
        raise AdminError(str(exc)) from None


def set_disabled(db: Database, viewer: Viewer, username: str, disabled: bool) -> None:
    require_admin(viewer)
    if disabled:
        _guard_last_admin(db, viewer, username)
    try:
        auth.set_disabled(db, viewer, username, disabled)
    except auth.AccountError as exc:
        raise AdminError(str(exc)) from None


def set_email(db: Database, viewer: Viewer | str, username: str, email: str | None) -> None:
    """Set (or clear) the e-mail that links an account to single sign-on; audited with old and new. An
    administrator's change to a head's or SENCO's e-mail waits for another head (sendboard.role_requests);
    a name (the command line, the server's owner) sets it at once."""
    if isinstance(viewer, Viewer) or viewer is None:
        require_admin(viewer)
    rows = db.query_rows("user_by_username", username=username)
    if not rows:
        raise AdminError(f"No account is called {username!r}.")
    old = rows[0][3]
    new = _clean_email(db, email, username=rows[0][1])
    if (old or None) == new:
        return
    try:
        role_requests.hold_account_change(db, viewer, "email", user_id=rows[0][0], username=rows[0][1],
                                          role=rows[0][4], email=new)
    except role_requests.RequestError as exc:
        raise AdminError(str(exc)) from None

    def work(w):
        w.run("admin_set_user_email", username=rows[0][1], email=new)
        audit.record_change(w, viewer, "user_email_changed", object_type="user", object_id=rows[0][1],
                            old_value=old, new_value=new)

    db.write(work)


def set_staff_link(db: Database, viewer: Viewer, username: str, staff_id: int | None) -> None:
    """Link an account to a staff record of its school (a teacher's classes come from it), or unlink it."""
    require_admin(viewer)
    try:
        role_requests.set_staff_link(db, viewer, username, staff_id)
    except role_requests.RequestError as exc:
        raise AdminError(str(exc)) from None


def staff_choices(db: Database, viewer: Viewer, username: str) -> pd.DataFrame:
    require_admin(viewer)
    return role_requests.staff_choices(db, viewer, username)


# --------------------------------------------------------------------------- the audit log


def audit_span(db: Database, viewer: Viewer) -> tuple[date | None, date | None, int]:
    require_admin(viewer)
    first, last, count = db.query_rows("admin_audit_span")[0]
    return (first.date() if first else None, last.date() if last else None, int(count))


def audit_actions(db: Database, viewer: Viewer) -> list[str]:
    require_admin(viewer)
    return [r[0] for r in db.query_rows("admin_audit_actions")]


def parse_pupil_id(text: str | None) -> int | None:
    """The pupil id filter: blank means any; otherwise a whole number, or AdminError."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise AdminError("A pupil id is a whole number (for example 1042). Leave it blank for every pupil.")
    return int(text)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_audit(db: Database, viewer: Viewer, *, date_from: date, date_to: date, username: str = "",
                 action: str = "", pupil_id: int | None = None, limit: int = AUDIT_ROW_LIMIT) -> pd.DataFrame:
    """Audit rows between two dates (both included), newest first, filtered as asked."""
    require_admin(viewer)
    if date_to < date_from:
        raise AdminError("The 'to' date is before the 'from' date.")
    return db.query("admin_audit_search", from_ts=datetime.combine(date_from, time.min),
                    to_ts=datetime.combine(date_to + timedelta(days=1), time.min),
                    username=_like_escape((username or "").strip()), action=action or "",
                    pupil_id=pupil_id, limit=int(limit))



# --------------------------------------------------------------------------- the audit log in words

ACTION_WORDS = {
    "view": "Viewed", "download": "Downloaded", "sign_in": "Signed in", "sign_in_failed": "Sign-in failed",
    "sign_in_locked": "Sign-in locked (too many failures)", "sign_out": "Signed out",
    "page_refused": "Page refused (not for this role)",
    "access_refused": "Access refused (not their pupil or class)", "import": "Imported data",
    "import_undone": "Import undone", "export": "Exported data", "backup": "Backed up the database",
    "restore": "Restored the database", "subject_access_export": "Subject access export",
}
OBJECT_WORDS = {"sso": "school account", "support_plan": "support plan", "plan_review": "plan review",
                "plan_target": "plan target", "key_factor_rating": "self-evaluation rating",
                "governor_commentary": "governors' commentary", "staff_role_cost": "staff hourly cost",
                "pupil_strategy": "pupil strategy", "class_profile": "class profile", "governors": "governors' pack"}


def action_words(action: str) -> str:
    """'user_role_changed' -> 'User role changed'; the common ones in plainer words."""
    return ACTION_WORDS.get(action) or str(action).replace("_", " ").capitalize()


def _summary_part(raw) -> str:
    """A JSON detail or value as 'key: value; key: value' (or the text itself)."""
    if raw is None or raw is pd.NA or (isinstance(raw, float) and pd.isna(raw)) or raw == "":
        return ""
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return str(raw)
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {'' if v is None else v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def audit_summary(detail, old_value, new_value) -> str:
    """One readable line for an entry's detail and its change, e.g. 'role: teacher -> senco'."""
    parts = [_summary_part(detail)]
    old, new = _summary_part(old_value), _summary_part(new_value)
    if old and new:
        parts.append(f"{old} \u2192 {new}")
    elif new:
        parts.append(new)
    elif old:
        parts.append(f"was {old}")
    return " | ".join(p for p in parts if p)


# The administrator's audit view shows who did what and when, never what a pupil's record says: values are
# shown only for entries about accounts, settings and the system (role names, numbers, reasons written by
# sendboard itself), and even there a field that holds a person's name or an e-mail is left out. For every
# other entry (a plan, a passport, a concern, commentary...) only the names of the fields are shown.
VALUE_OBJECTS = frozenset({"user", "setting", "sso", "role_request", "database", "backup", "import", "school",
                           "staff_role_cost", "page"})
SYSTEM_ACTIONS = frozenset({"sign_in", "sign_in_failed", "sign_in_locked", "sign_out", "page_refused", "backup",
                            "restore", "import", "import_undone"})
HIDDEN_KEYS = frozenset({"email", "display_name", "name", "first_name", "last_name", "text", "note", "description"})


def _parsed(raw):
    if raw is None or raw is pd.NA or (isinstance(raw, float) and pd.isna(raw)) or raw == "":
        return None
    try:
        return json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return raw


def _field_names(*raws) -> str:
    """'fields: a, b' for the JSON objects among an entry's detail and values; 'pupils: N' for a list view."""
    names, pupils = [], 0
    for value in map(_parsed, raws):
        if isinstance(value, dict):
            for key, v in value.items():
                if key == "pupils" and isinstance(v, (list, tuple)):
                    pupils = max(pupils, len(v))
                elif key not in names:
                    names.append(key)
    parts = ([f"pupils shown: {pupils}"] if pupils else []) + ([f"fields: {', '.join(k.replace('_', ' ') for k in names)}"] if names else [])
    return " | ".join(parts) or ("changed (contents not shown)" if any(map(_parsed, raws)) else "")


def _without_names(raw):
    value = _parsed(raw)
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in HIDDEN_KEYS}
    return raw


def safe_details(object_type, action, pupil_id, detail, old_value, new_value) -> str:
    """What the audit view says about an entry's contents (see VALUE_OBJECTS)."""
    def blank(value) -> bool:
        return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) or value == ""

    system = action in SYSTEM_ACTIONS and blank(object_type)
    if blank(pupil_id) and (object_type in VALUE_OBJECTS or system):
        shown = [_without_names(v) for v in (detail, old_value, new_value)]
        return audit_summary(*[json.dumps(v) if isinstance(v, dict) else v for v in shown])
    return _field_names(detail, old_value, new_value)


def readable_audit(frame: pd.DataFrame) -> pd.DataFrame:
    """The audit rows as an administrator reads them: who, when, which action on which object (by id), and
    what changed without the contents of pupils' records (safe_details). The action code stays, for the
    download; the recorded values themselves are not in this view (`sendboard audit` reads them)."""
    out = pd.DataFrame({
        "Entry": frame["audit_id"].astype("Int64"), "When": frame["logged_at"],
        "User": frame["username"].fillna(""), "Role": frame["role"].fillna(""),
        "Action": frame["action"].map(action_words),
        "What": frame["object_type"].map(lambda t: "" if t is None or pd.isna(t) else OBJECT_WORDS.get(t, str(t).replace("_", " "))),
        "Which": frame["object_id"].fillna("").astype(str),
        "Pupil": frame["pupil_id"].map(lambda v: "" if pd.isna(v) else str(int(v))),
        "Class or group": frame["group_id"].map(lambda v: "" if pd.isna(v) else str(int(v))),
        "Details": [safe_details(t, a, p, d, o, n) for t, a, p, d, o, n in zip(
            frame["object_type"], frame["action"], frame["pupil_id"], frame["detail"], frame["old_value"], frame["new_value"])],
        "Action code": frame["action"],
    })
    return out


from .text import md_escape  # noqa: E402, F401  (re-exported for the admin pages)
