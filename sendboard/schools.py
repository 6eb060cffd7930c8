"""Set-up from nothing: a new database with its first school and administrator (`sendboard init`), more
schools for a trust (`sendboard school add`, or a file in the columns of the DfE's "Get Information about
Schools" download), and the school calendar the term filters and imports rely on.

A database made here holds no demo account and no demo row: only the school(s), the calendar, the data
that ships with sendboard (national figures, code lists) and the accounts someone chose to add.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import audit, auth, clock
from .app_db import open_database
from .db import Database, DatabaseError
from .importers.kinds import fold
from .importers.problems import FileRejected, Problem
from .importers.readers import SourceFile, read_csv
from .school_calendar import ensure_calendar

PHASES = ("primary", "secondary", "all-through", "special", "alternative")
URN_PATTERN = re.compile(r"^\d{6}$")        # GIAS unique reference numbers are six digits (100000 upwards)
LA_CODE_PATTERN = re.compile(r"^\d{3}$")    # DfE local authority codes are three digits (e.g. 383 Leeds)


class SetupError(ValueError):
    """A bad value for a new school or database; the message names the field and the value."""


@dataclass(frozen=True)
class NewSchool:
    urn: str
    name: str
    phase: str
    la_code: str
    la_name: str | None = None
    trust: str | None = None

    def problems(self) -> list[str]:
        out = []
        if not URN_PATTERN.match(self.urn or ""):
            out.append(f"URN {self.urn!r}: a URN is six digits, as on Get Information about Schools (e.g. 138291)")
        if not (self.name or "").strip():
            out.append("name: give the school's name")
        elif len(self.name.strip()) > 120:
            out.append(f"name {self.name[:30]!r}…: at most 120 characters")
        if self.phase not in PHASES:
            out.append(f"phase {self.phase!r}: one of {', '.join(PHASES)}")
        if not LA_CODE_PATTERN.match(self.la_code or ""):
            out.append(f"LA code {self.la_code!r}: the local authority's three-digit DfE code (e.g. 383 for Leeds)")
        return out


# --------------------------------------------------------------------------- schools


def _la_name(school: NewSchool) -> str:
    return (school.la_name or "").strip() or f"LA {school.la_code}"


def add_schools(db: Database, actor, schools: list[NewSchool]) -> list[int]:
    """Add schools (all or none), with the calendar. Refuses a bad field or a URN already held."""
    problems = []
    seen = set()
    for s in schools:
        problems += s.problems()
        if s.urn in seen:
            problems.append(f"URN {s.urn}: given twice")
        seen.add(s.urn)
        if URN_PATTERN.match(s.urn or "") and db.query_rows("setup_school_by_urn", urn=s.urn):
            problems.append(f"URN {s.urn}: a school with this URN is already in {db.path.name}")
    if problems:
        raise SetupError("; ".join(problems) + ". Nothing was added.")
    today = clock.today()

    def work(w):
        ids = []
        for s in schools:
            school_id = int(w.run("setup_insert_school", urn=s.urn, school_name=s.name.strip(), phase=s.phase,
                                  local_authority=_la_name(s), trust=(s.trust or "").strip() or None)[0][0])
            w.run("setup_insert_la_code", school_id=school_id, la_code=s.la_code)
            audit.record_change(w, actor, "school_added", object_type="school", object_id=s.urn,
                                new_value={"name": s.name.strip(), "phase": s.phase, "la_code": s.la_code,
                                           "trust": s.trust})
            ids.append(school_id)
        ensure_calendar(w, today)
        return ids

    return db.write(work)


def school_id_for(db: Database, urn_or_id: str | int) -> int:
    """A school named by its URN (six digits) or, as before, by its sendboard id."""
    text = str(urn_or_id).strip()
    rows = db.query_rows("setup_school_by_urn", urn=text)
    if rows:
        return int(rows[0][0])
    if text.isdigit() and len(text) < 6:
        held = {int(r[0]) for r in db.query_rows("all_schools")}
        if int(text) in held:
            return int(text)
    raise SetupError(f"No school with URN {text!r} in {db.path.name}. Add it with: sendboard school add --urn {text} …")


# --------------------------------------------------------------------------- a new database


def init_database(path: Path | str, *, school: NewSchool, admin_username: str, admin_password: str,
                  admin_name: str | None = None) -> int:
    """Create a new database file with one school and its first administrator. Refuses a file that
    exists; every value is checked before the file is made, and a failure leaves no file behind."""
    path = Path(path)
    if path.exists():
        raise SetupError(f"{path} already exists. sendboard init makes a new database; choose a new file name, "
                         "or add a school to this one with: sendboard school add")
    problems = school.problems()
    if not auth.USERNAME_PATTERN.match((admin_username or "").strip().lower()):
        problems.append(f"admin {admin_username!r}: 2 to 40 characters, lower-case letters, digits, dot, dash or "
                        "underscore, starting with a letter")
    if problems:
        raise SetupError("; ".join(problems) + ". Nothing was created.")
    from . import passwords

    try:
        passwords.check(admin_password, username=admin_username, school_names=[school.name])
    except passwords.PasswordRefused as exc:
        raise SetupError(f"{exc} Nothing was created.") from None
    try:
        db = open_database(path)
        try:
            os.chmod(path, 0o600)  # pupil data: readable by the account that runs sendboard only
        except OSError:
            pass
        db.write(lambda w: w.run("setup_set_setting", key="created_by", value="sendboard init"))
        add_schools(db, "cli", [school])
        school_id = school_id_for(db, school.urn)
        user_id = auth.add_user(db, "cli", username=admin_username, display_name=admin_name or admin_username,
                                role="admin", password=admin_password, school_ids=[school_id], first_accounts=True)
        db.checkpoint()
        return user_id
    except BaseException:  # all or nothing: no half-made database is left to be mistaken for a school's
        _remove_half_made(path)
        raise


def _remove_half_made(path: Path) -> None:
    from . import db as dbmod

    existing = dbmod._OPEN.get(str(path.resolve()))
    if existing is not None:
        existing.close()
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()


# --------------------------------------------------------------------------- a GIAS schools file

# The GIAS "establishment fields" download's headers, folded as import headers are (case, spaces and
# brackets ignored), with the few other spellings GIAS extracts use.
GIAS_COLUMNS = {
    "urn": ("URN",),
    "name": ("EstablishmentName", "Establishment Name", "School Name"),
    "phase": ("PhaseOfEducation (name)", "PhaseOfEducation", "Phase of Education"),
    "la_code": ("LA (code)", "LA code", "LA Code", "LA"),
    "la_name": ("LA (name)", "LA name"),
    "type": ("TypeOfEstablishment (name)", "TypeOfEstablishment", "Type of Establishment"),
    "trust": ("Trusts (name)", "Trust name", "Trusts"),
    "status": ("EstablishmentStatus (name)", "EstablishmentStatus"),
}
_GIAS_PHASES = {"primary": "primary", "middle deemed primary": "primary", "secondary": "secondary",
                "middle deemed secondary": "secondary", "16 plus": "secondary", "all-through": "all-through",
                "all through": "all-through", **{p: p for p in PHASES}}


def _gias_phase(phase_name: str, type_name: str) -> str | None:
    """GIAS gives special schools and pupil referral units the phase "Not applicable": their type of
    establishment says which they are."""
    phase = _GIAS_PHASES.get(phase_name.strip().lower())
    if phase:
        return phase
    kind = type_name.lower()
    if "special" in kind:
        return "special"
    if "pupil referral" in kind or "alternative provision" in kind:
        return "alternative"
    return None


def read_gias_schools(source: SourceFile, *, trust: str | None = None) -> tuple[list[NewSchool], list[Problem]]:
    """The schools in a GIAS-shaped CSV file, and every problem in it (file, row, column, value)."""
    try:
        table = read_csv(source)
    except FileRejected as exc:
        return [], list(exc.problems)
    columns = {}
    for i, header in enumerate(table.headers):
        for key, spellings in GIAS_COLUMNS.items():
            if fold(header) in {fold(s) for s in spellings} and key not in columns:
                columns[key] = i
    problems = [Problem(source.name, "row 1", GIAS_COLUMNS[k][0], "(no such column)",
                        f"a column headed {GIAS_COLUMNS[k][0]!r} as in the Get Information about Schools download")
                for k in ("urn", "name", "phase", "la_code") if k not in columns]
    if problems:
        return [], problems
    schools = []
    for _, row in table.frame.iterrows():
        where = f"row {int(row['_row'])}"

        def value(key, row=row):
            return str(row[columns[key]]).strip() if key in columns else ""

        urn, name, la_code = value("urn"), value("name"), value("la_code")
        phase = _gias_phase(value("phase"), value("type"))
        row_problems = []
        if not URN_PATTERN.match(urn):
            row_problems.append(Problem(source.name, where, table.headers[columns["urn"]], urn, "a six-digit URN"))
        if not name:
            row_problems.append(Problem(source.name, where, table.headers[columns["name"]], name, "the school's name"))
        if phase is None:
            row_problems.append(Problem(source.name, where, table.headers[columns["phase"]], value("phase"),
                                        "Primary, Secondary, All-through (or Middle deemed …, 16 plus), or a special "
                                        "school or alternative provision named in TypeOfEstablishment (name)"))
        if not LA_CODE_PATTERN.match(la_code):
            row_problems.append(Problem(source.name, where, table.headers[columns["la_code"]], la_code,
                                        "the local authority's three-digit code"))
        if value("status").lower().startswith("closed"):
            row_problems.append(Problem(source.name, where, table.headers[columns["status"]], value("status"),
                                        "an open school (remove closed schools from the file)"))
        problems += row_problems
        if not row_problems:
            schools.append(NewSchool(urn=urn, name=name, phase=phase, la_code=la_code, la_name=value("la_name") or None,
                                     trust=trust or value("trust") or None))
    seen: dict[str, str] = {}
    for _, row in table.frame.iterrows():
        urn = str(row[columns["urn"]]).strip()
        if urn in seen:
            problems.append(Problem(source.name, f"row {int(row['_row'])}", table.headers[columns["urn"]], urn,
                                    f"each school once (this URN is also on {seen[urn]})"))
        seen.setdefault(urn, f"row {int(row['_row'])}")
    return schools, problems


def import_gias_schools(db: Database, actor, source: SourceFile, *, trust: str | None = None) -> list[int]:
    """Add every school in a GIAS-shaped file, or none: a problem anywhere raises SetupError listing them all."""
    schools, problems = read_gias_schools(source, trust=trust)
    for s in schools:
        if db.query_rows("setup_school_by_urn", urn=s.urn):
            problems.append(Problem(source.name, "", "URN", s.urn, f"a school not already in {db.path.name}"))
    if problems:
        raise SetupError("Nothing was added: " + "; ".join(str(p) for p in problems))
    if not schools:
        raise SetupError(f"{source.name}: no schools in the file. Nothing was added.")
    return add_schools(db, actor, schools)


def database_missing_message(path: Path) -> str:
    """What to say when a command or the app is pointed at a database file that does not exist."""
    return (f"There is no sendboard database at {path}. Nothing was created. To start a school's database: "
            f"sendboard init --db {path} --urn URN --name NAME --phase PHASE --la LA_CODE --admin USERNAME. "
            f"For a demonstration with made-up pupils and published passwords: sendboard demo --db {path}. "
            "If the file should exist, check SENDBOARD_DB (or --db) for a typing mistake.")


def require_existing(path: Path) -> None:
    if not Path(path).exists():
        raise DatabaseError(database_missing_message(Path(path)))


def builds_demo_when_missing() -> bool:
    """Only the README's first command (no SENDBOARD_DB, the default file) may build the demo by itself."""
    return not os.environ.get("SENDBOARD_DB") and database_path_is_default()


def database_path_is_default() -> bool:
    from .db import DEFAULT_DB, database_path

    return database_path().resolve() == DEFAULT_DB.resolve()


def show_missing_database(path: Path) -> None:
    """The app's whole screen when SENDBOARD_DB names no file: what happened and the two commands, with no
    page list beside it (a hidden navigation stops Streamlit listing the pages folder). Stops the run."""
    import streamlit as st

    def no_database():
        st.title("sendboard")
        st.error("**sendboard has no database to open.** Nothing was created.", icon=":material/database_off:")
        st.markdown("The file it was given (`SENDBOARD_DB`) does not exist:")
        st.code(str(path), language=None)
        st.markdown("**To start a school's database**, on the server (you are asked for the administrator's password):")
        st.code(f"sendboard init --db {path} --urn URN --name NAME --phase PHASE --la LA_CODE --admin USERNAME",
                language="bash", wrap_lines=True)
        st.markdown("**For a demonstration** with made-up pupils and published passwords:")
        st.code(f"sendboard demo --db {path}", language="bash", wrap_lines=True)
        st.caption("If the file should exist, check SENDBOARD_DB for a typing mistake, then restart sendboard.")

    st.navigation([st.Page(no_database, title="sendboard", default=True)], position="hidden").run()
    st.stop()
