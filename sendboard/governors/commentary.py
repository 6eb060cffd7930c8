"""The head's commentary on each section of the governors' pack: saved per school and academic year,
audited (old and new text), and refused if it names a pupil of the school or gives a UPN (in any of the
ways sendboard/names.py catches: either order, initials, odd spacing and punctuation, UPNs with separators)."""
from __future__ import annotations

from ..access import AccessDenied
from ..audit import record_change
from ..db import Database
from ..names import Person, names_in
from ..scope import Scope
from . import COMMENT_ROLES, PACK_ROLES, GovernorsError

MAX_LENGTH = 2000


def get_commentary(db: Database, scope: Scope, school_id: int, academic_year: int) -> dict[str, str]:
    scope.viewer.require_role(PACK_ROLES)
    rows = db.query_rows("governors_commentary", scope=scope, school_id=school_id,
                         academic_year=academic_year)
    return {section: text for section, text, _, _ in rows}


def check_text(db: Database, school_id: int, text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_LENGTH:
        raise GovernorsError(f"Commentary is limited to {MAX_LENGTH} characters ({len(text)} given). Please shorten it.")
    if text and names_in(text, [Person(*row) for row in db.query_rows("integrity_school_pupil_names", school_id=school_id)]):
        raise GovernorsError("This commentary names a pupil (or gives a UPN). The governors' pack is anonymised: "
                             "please describe the situation without naming anyone.")
    return text


def save_commentary(db: Database, scope: Scope, school_id: int, academic_year: int, section: str, text: str) -> str:
    """Save one section's commentary (the head only, for one of their schools). Returns the text saved."""
    if scope.viewer.role not in COMMENT_ROLES or school_id not in scope.viewer.school_ids:
        raise AccessDenied("only the headteacher may write the governors' pack commentary")
    text = check_text(db, school_id, text)
    old = get_commentary(db, scope, school_id, academic_year).get(section)
    if (old or "") == text:
        return text

    def work(w):
        w.run("governors_commentary_upsert", school_id=school_id, academic_year=academic_year, section=section,
              text=text, updated_by=scope.viewer.username)
        record_change(w, scope.viewer, "governor_commentary_changed", object_type="governor_commentary",
                      object_id=f"{school_id}:{academic_year}:{section}", old_value=old, new_value=text)
        return text

    return db.write(work)
