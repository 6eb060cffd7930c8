"""Proof that a school can start from nothing: an empty file, `sendboard init`, then only documented
commands and files shaped like sendboard/data/templates/* (no demo code). The school built here has 30 pupils in
two forms, each taught by its own teacher, a SEN register with needs, one pupil with an EHC plan,
assessments, attendance, interventions and who is in them.

Then every page for every role renders with no exception, and the pages show those records.

The second test builds the same kind of school through the forms (AppTest) wherever a form exists, and
through the MIS files only for what the MIS owns (pupils, staff, groups, the register).

To add a new kind of record (EHC plans, annual reviews, needs-assessment requests, Preparing for
Adulthood, funding, concerns, staff training, external specialists): add one `Record` to RECORDS below
(its template name, the rows this school's file holds, and what a page shows because of them), and, for
the forms test, one `FormStep` to FORM_STEPS. Nothing else here needs to change.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from sendboard import app_db, cli
from sendboard import db as dbmod
from sendboard.access import PAGES
from sendboard.upn import upn_check_letter
from tests.apptest_helpers import all_text, as_read, on_tab, signed_in

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "sendboard" / "data" / "templates"
TODAY = date(2026, 11, 23)            # autumn term of 2026/27
YEAR = "2026/27"
PASSWORD = "river otter lantern"       # long, not common, no username or school name in it

SCHOOL = dict(urn="146802", name="Northgate High School", phase="secondary", la="383", la_name="Leeds")
STAFF = [  # (forename, surname, email, role)
    ("Helen", "Ashworth", "h.ashworth@northgate.sch.uk", "headteacher"),
    ("Sunita", "Rao", "s.rao@northgate.sch.uk", "senco"),
    ("Tom", "Okafor", "t.okafor@northgate.sch.uk", "teacher"),
    ("Wendy", "Price", "w.price@northgate.sch.uk", "teacher"),
    ("Amir", "Hussain", "a.hussain@northgate.sch.uk", "teaching_assistant"),
]
ACCOUNTS = [  # (username, role, e-mail linking a teacher to their staff record)
    ("hashworth", "head", "h.ashworth@northgate.sch.uk"),
    ("srao", "senco", "s.rao@northgate.sch.uk"),
    ("tokafor", "teacher", "t.okafor@northgate.sch.uk"),
    ("wprice", "teacher", "w.price@northgate.sch.uk"),
    ("governor1", "governor", None),
]
FIRST = ["Ava", "Ben", "Cara", "Dev", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kaya", "Leo", "Maya",
         "Noah", "Orla"]
LAST = ["Adams", "Bell", "Carter", "Doyle", "Evans", "Fox", "Gill", "Hart", "Iqbal", "Jones", "Khan", "Lowe",
        "Mills", "Nash", "Owen", "Patel", "Quinn", "Reid", "Shah", "Turner", "Usman", "Vance", "Walsh", "Young",
        "Zaman", "Ahmed", "Brook", "Cole", "Dunn", "Ellis"]


@dataclass(frozen=True)
class Pupil:
    upn: str
    first: str
    last: str
    year: int
    form: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def make_pupils() -> list[Pupil]:
    """15 pupils in Year 7 (form 7N, Tom Okafor) and 15 in Year 8 (form 8N, Wendy Price)."""
    out = []
    for i in range(30):
        year = 7 if i < 15 else 8
        base = f"3834012{26 - (year - 7):02d}{i:03d}"  # LA, establishment, year of issue, serial
        out.append(Pupil(upn_check_letter(base) + base, FIRST[i % 15], LAST[(i * 7) % 30], year, f"{year}N"))
    return out


PUPILS = make_pupils()
SEN_SUPPORT = {0: "SPLD", 3: "SLCN", 5: "SEMH", 16: "ASD", 20: "MLD", 24: "SPLD"}  # pupil index -> primary need
EHC_PLAN = {2: "ASD"}
IN_PRECISION_TEACHING = (0, 20, 24)
EHC_OUTCOME = "By the end of Year 8, Cara will join in group work in three subjects each week"
CONCERN = "Copies very slowly from the board and often leaves work unfinished"


# =====================================================================================================
# THE RECORDS A SCHOOL BRINGS IN: one entry per import kind. `rows` are this school's file (headers as in
# sendboard/data/templates/<template>.csv); `shows` is what a page must show because of them, for a role.
# A new import kind = one more Record here (its template must exist in sendboard/data/templates).
# =====================================================================================================


@dataclass(frozen=True)
class Shows:
    role: str            # the username of one of ACCOUNTS (or "admin")
    page: str            # page key
    text: str            # text the page must contain
    state: tuple = ()    # (session_state key, value) pairs, e.g. which pupil the passport opens on


@dataclass
class Record:
    template: str
    rows: list[dict]
    shows: list[Shows] = field(default_factory=list)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


RECORDS: list[Record] = [
    Record("staff", [
        {"Forename": f, "Surname": s, "Email": e, "Role": r, "FTE": "1.0", "Salary": "42000",
         "Start Date": "01/09/2019", "End Date": ""} for f, s, e, r in STAFF
    ], [Shows("admin", "expertise", "Okafor")]),
    Record("pupils", [
        {"UPN": p.upn, "Legal Surname": p.last, "Legal Forename": p.first,
         "DOB": _d(date(2026 - p.year - 5, 1 + i % 12, 1 + i % 27)), "Gender": "F" if i % 2 == 0 else "M",
         "NC Year": str(p.year), "FSM Eligible": "Y" if i % 4 == 0 else "N", "EAL": "Y" if i % 6 == 0 else "N",
         "Pupil Premium": "Y" if i % 4 == 0 else "N", "Admission Date": "01/09/2025", "Reg Group": p.form}
        for i, p in enumerate(PUPILS)
    ], [Shows("hashworth", "home", "Pupils on roll 30"),
        Shows("governor1", "governors", "30 pupils on roll on 1 October 2026")]),
    Record("groups", [
        {"Group Name": p.form, "Year Group": str(p.year), "Group Type": "form", "Subject": "", "Academic Year": YEAR,
         "UPN": p.upn, "Start Date": "01/09/2026", "End Date": "",
         "Teacher Email": STAFF[2][2] if p.form == "7N" else STAFF[3][2]}
        for p in PUPILS
    ], [Shows("tokafor", "class_profile", "Pupils 15")]),
    Record("sen", [
        {"UPN": PUPILS[i].upn, "SEN Provision": "K", "Start Date": "08/09/2025", "End Date": "",
         "Primary Need": need, "Need Rank": "1", "Secondary Need": ""} for i, need in SEN_SUPPORT.items()
    ] + [
        {"UPN": PUPILS[i].upn, "SEN Provision": "E", "Start Date": "15/01/2025", "End Date": "",
         "Primary Need": need, "Need Rank": "1", "Secondary Need": "SLCN"} for i, need in EHC_PLAN.items()
    ], [Shows("hashworth", "home", "On SEN support 6"), Shows("hashworth", "home", "With an EHC plan 1"),
        # overview table: roll 30, SEN support 6 = 20.0%, EHC plans 1 = 3.3%; Year 7: 3 of 15 = 20.0% and 1 of 15 = 6.7%
        Shows("hashworth", "overview", "30,6,20.0,1,3.3"), Shows("hashworth", "overview", "7,15,3,20.0,1,6.7"),
        Shows("hashworth", "overview", "8,15,3,20.0,0,0.0"),
        # governors: 7 of 30 with SEN = 23.3%, with the single EHC plan hidden by disclosure control (fewer than 5)
        Shows("governor1", "governors", "7 with SEN (23.3%)"),
        Shows("governor1", "governors", "<5 with an EHC plan"),
        Shows("tokafor", "class_profile", PUPILS[0].name), Shows("tokafor", "class_profile", PUPILS[2].name),
        Shows("wprice", "class_profile", PUPILS[16].name),
        Shows("srao", "passport", "Specific learning difficulty", (("passport_pupil_upn", PUPILS[0].upn),))]),
    Record("assessments", [
        {"UPN": p.upn, "Term": term, "Subject": "Reading", "Score": str(score), "Scale": "standardised",
         "Expected Standard": "100"}
        for i, p in enumerate(PUPILS)
        for term, score in (("Summer 2026", 92 + i % 17), ("Autumn 2026", 94 + i % 17))
    ]),
    Record("attendance", [
        {"UPN": p.upn, "Term": "Autumn 2026", "Possible Sessions": "100", "Attended Sessions": str(100 - i % 9)}
        for i, p in enumerate(PUPILS)
    ]),
    Record("suspensions", [{"UPN": PUPILS[5].upn, "Start Date": "12/11/2026", "Days": "1.5"}]),
    Record("interventions", [
        {"Intervention": "Precision teaching", "Areas": "CL", "Wave": "targeted", "Delivered By": "teaching_assistant",
         "Group Size": "1", "Sessions per Week": "3", "Minutes per Session": "15", "Planned Weeks": "10",
         "Other Costs": "0", "Measure": "Words read correctly", "Measure Scale": "words", "Higher is Better": "Y"},
    ], [Shows("srao", "provision_map", "Precision teaching", (("pm_tab", "Catalogue"),))]),
    Record("allocations", [
        {"UPN": PUPILS[i].upn, "Intervention": "Precision teaching", "Start Date": "14/09/2026", "End Date": "",
         "Group Label": "", "Sessions Attended": "", "Entry Score": str(20 + i), "Exit Score": ""}
        for i in IN_PRECISION_TEACHING
    ], [Shows("srao", "provision_map", PUPILS[20].last, (("pm_tab", "Pupils"),)),
        Shows("srao", "provision_map", "Pupils in 2026/27 3")]),
    Record("ehc_plans", [
        {"UPN": PUPILS[2].upn, "Local Authority": "Leeds", "Date Issued": "15/01/2025", "Hours per Week": "12",
         "Date Ceased": "", "Outcome": EHC_OUTCOME, "Outcome Area": "CI"},
    ], [Shows("srao", "ehc_plans", "EHC plans open 1"),
        # the plan sets out 12 hours a week and no intervention records any: short of hours
        Shows("srao", "ehc_plans", "Plans short of hours 1 of 1")]),
    Record("ehc_reviews", [
        {"UPN": PUPILS[2].upn, "Meeting Date": "06/11/2026", "Report Sent": "13/11/2026", "LA Decision Date": "",
         "LA Decision": "", "Notes": ""},
    ], [Shows("srao", "ehc_plans", "Annual reviews overdue, not held 0"),
        # the review held on 6 November 2026 sets the next one 12 months on
        Shows("tokafor", "class_profile", "EHC annual review due: 6 Nov 2027")]),
    Record("ehc_requests", [
        {"UPN": PUPILS[5].upn, "Local Authority": "Leeds", "Request Date": "05/10/2026", "Requested By": "school",
         "Decision Date": "", "Decision": "", "Final Plan Date": ""},
    ], [Shows("srao", "ehc_plans", "Needs assessments in progress 1")]),
    Record("concerns", [
        {"UPN": PUPILS[9].upn, "Date Raised": "02/11/2026", "What Was Noticed": CONCERN, "Area of Need": "CL",
         "Evidence": "Three pieces of written work", "Raised By": "Tom Okafor", "Decision": "monitor",
         "Decision Date": "09/11/2026", "Decision Note": "Review at half term"},
    ], [Shows("tokafor", "class_profile", PUPILS[9].name), Shows("tokafor", "class_profile", CONCERN),
        Shows("tokafor", "class_profile", "Of concern only 1"), Shows("srao", "identification", CONCERN)]),
    Record("funding", [
        {"Financial Year": "2026-27", "Funding Line": "notional SEN budget", "Amount": "84500", "UPN": "", "Description": ""},
        {"Financial Year": "2026-27", "Funding Line": "top-up", "Amount": "6200", "UPN": PUPILS[2].upn, "Description": "Band C"},
    ], [Shows("srao", "provision_map", "Funding left Not known")]),  # funding held; no hourly costs set, so no spend
    Record("training", [
        {"Staff Email": STAFF[2][2], "Course": "Autism awareness (Tier 1)", "Area of Need": "CI",
         "Date Completed": "14/10/2026", "Expiry Date": "14/10/2029", "Level": "awareness"},
    ], [Shows("hashworth", "expertise", "Autism awareness (Tier 1)")]),
    Record("specialists", [
        {"UPN": PUPILS[3].upn, "Service": "Speech and language therapy", "Date Referred": "15/09/2026",
         "Date Seen": "", "Advice": "", "Next Contact": "", "Date Closed": ""},
    ], [Shows("srao", "specialists", "Pupils still waiting 1"), Shows("srao", "specialists", PUPILS[3].name),
        Shows("governor1", "specialists", "Speech and language therapy"),
        # 15 September to 23 November 2026: 15 + 31 + 23 = 69 days
        Shows("srao", "specialists", "Longest wait so far 69 days")]),
    # ---- new kinds go here (one Record each) -------------------------------------------------------
]


# =====================================================================================================
# Helpers shared by both tests
# =====================================================================================================


def template_headers(template: str) -> list[str]:
    with open(TEMPLATES / f"{template}.csv", newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def write_record_file(folder: Path, record: Record) -> Path:
    """The school's file for one kind, in the template's columns and order (a row may leave a column blank)."""
    headers = template_headers(record.template)
    for row in record.rows:
        extra = set(row) - set(headers)
        assert not extra, f"{record.template}: columns {extra} are not in sendboard/data/templates/{record.template}.csv"
    path = folder / f"{record.template}.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=headers)
        writer.writeheader()
        for row in record.rows:
            writer.writerow({h: row.get(h, "") for h in headers})
    return path


def sendboard(*args: str, stdin: str | None = None, monkeypatch=None) -> int:
    """Run the sendboard command in this process, as a person would type it."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return cli.main([str(a) for a in args])


def init_school(db_path: Path, monkeypatch) -> None:
    assert not db_path.exists()
    rc = sendboard("init", "--db", db_path, "--urn", SCHOOL["urn"], "--name", SCHOOL["name"], "--phase", SCHOOL["phase"],
                   "--la", SCHOOL["la"], "--la-name", SCHOOL["la_name"], "--admin", "office", "--admin-name", "Data Office",
                   "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch)
    assert rc == 0


def add_accounts_by_command(db_path: Path, monkeypatch) -> None:
    for username, role, email in ACCOUNTS:
        args = ["user", "add", username, "--db", db_path, "--role", role, "--school", SCHOOL["urn"], "--password-stdin"]
        if email:
            args += ["--email", email]
        assert sendboard(*args, stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 0, username
    # the SENCO's role waits for the head (sendboard.role_requests); the head confirms it (here through the
    # library: an AppTest now would keep this connection cached past the commands that follow)
    from sendboard import auth, role_requests

    db = app_db.open_database(db_path)
    head = auth.viewer_for(db, db.query_rows("user_by_username", username="hashworth")[0][0])
    for request_id in role_requests.pending(db, head)["request_id"]:
        role_requests.decide(db, head, int(request_id), confirm=True)


def head_confirms_waiting_roles(db_path: Path) -> None:
    """The SENCO's role waits for the head's confirmation (sendboard.role_requests): the head confirms it on
    the Users page, as a school would."""
    at = open_page(db_path, "hashworth", "users")
    while [b for b in at.button if b.label == "Confirm"]:
        submit(at, "Confirm")
    assert "Nothing is waiting for your confirmation" in all_text(at)


def login_for(username: str) -> str:
    return "office" if username == "admin" else username


def role_of(username: str) -> str:
    return "admin" if username in ("admin", "office") else next(r for u, r, _ in ACCOUNTS if u == username)


def _state(db_path: Path, state: tuple) -> dict:
    db = app_db.open_database(db_path)
    extra = {}
    for key, value in state:
        if key == "passport_pupil_upn":  # a pupil named by UPN: the passport opens on them
            extra["passport_pupil"] = db.cursor().execute("SELECT pupil_id FROM pupils WHERE upn = $u", {"u": value}).fetchone()[0]
        else:
            extra[key] = value
    return extra


def open_page(db_path: Path, username: str, page_key: str, state: tuple = ()):
    return signed_in(login_for(username), db_path, page=None if page_key == "home" else f"pages/{page_key}.py",
                     timeout=90, **_state(db_path, state))


USERNAMES = ["admin"] + [u for u, _, _ in ACCOUNTS]


def every_page_renders_for_every_role(db_path: Path, usernames=None) -> dict[tuple[str, str], str]:
    """Each account signs in (the home page) and then opens each page its role may open, in one session as
    a person would: no exception, no error box on any. Returns each page's text."""
    texts = {}
    for username in usernames or USERNAMES:
        role = role_of(username)
        at = signed_in(login_for(username), db_path, timeout=90)
        for page in PAGES:
            if role not in page.roles:
                continue
            if page.key != "home":
                at.switch_page(page.path)
                at.run()
            assert not at.exception, (username, page.key, [e.value for e in at.exception])
            errors = [e.value for e in at.error]
            assert not errors, (username, page.key, errors)
            texts[(username, page.key)] = all_text(at)
    return texts


def assert_pages_show(db_path: Path, shows: list[Shows], texts: dict) -> None:
    missing = []
    for s in shows:
        text = texts.get((s.role, s.page)) if not s.state else None
        if text is None:
            text = all_text(open_page(db_path, s.role, s.page, s.state))
        if s.text not in as_read(text):  # a headline may be escaped markdown (it can carry typed text)
            missing.append(s)
    assert not missing, "\n".join(f"{m.role} on {m.page} does not show {m.text!r}" for m in missing)


def assert_no_demo(db_path: Path) -> None:
    con = app_db.open_database(db_path).cursor()
    users = {r[0] for r in con.execute("SELECT username FROM users").fetchall()}
    assert not users & {"head", "senco", "teacher", "governor", "admin", "trust", "teacher2"}, users
    assert con.execute("SELECT count(*) FROM settings WHERE key = 'demo_as_of'").fetchone()[0] == 0


# =====================================================================================================
# The tests
# =====================================================================================================


def _built_for_the_run(tmp_path_factory, name: str, build) -> Path:
    """A school built once for the whole run (by whichever worker asks first; the other waits for it), so its
    pages can then be checked account by account, in parallel, each test on its own copy."""
    from tests.conftest import _built_once_per_run

    with _built_once_per_run(tmp_path_factory, name) as (path, needed):
        if needed:
            folder = tmp_path_factory.mktemp(name.split(".")[0])
            part = folder / name
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("SENDBOARD_TODAY", TODAY.isoformat())
                mp.setenv("SENDBOARD_DB", str(part))
                build(part, folder, mp)
                dbmod.close_all()
            os.replace(part, path)
    return path


def own_copy(template: Path, tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "northgate.duckdb"
    shutil.copy(template, path)
    monkeypatch.setenv("SENDBOARD_TODAY", TODAY.isoformat())
    monkeypatch.setenv("SENDBOARD_DB", str(path))
    return path


def build_by_commands(db_path: Path, folder: Path, monkeypatch) -> None:
    init_school(db_path, monkeypatch)
    files = [write_record_file(folder, r) for r in RECORDS]
    assert sendboard("import", "--db", db_path, "--user", "srao", *files) == 0
    add_accounts_by_command(db_path, monkeypatch)


@pytest.fixture(scope="session")
def school_by_commands(tmp_path_factory) -> Path:
    return _built_for_the_run(tmp_path_factory, "northgate_by_commands.duckdb", build_by_commands)


def test_a_school_from_an_empty_file_with_the_documented_commands_and_template_files(school_by_commands, tmp_path,
                                                                                     monkeypatch):
    db_path = own_copy(school_by_commands, tmp_path, monkeypatch)
    con = app_db.open_database(db_path).cursor()
    assert con.execute("SELECT count(*) FROM pupils").fetchone()[0] == 30
    assert con.execute("SELECT count(*) FROM users WHERE role = 'teacher' AND staff_id IS NOT NULL").fetchone()[0] == 2
    assert_no_demo(db_path)
    # every record's expectations are checked by one of the accounts' tests below
    assert {s.role for r in RECORDS for s in r.shows} <= set(USERNAMES)


def assert_what_an_account_sees(username: str, texts: dict) -> None:
    # a teacher sees their own class and not the other one
    if username == "tokafor":
        assert PUPILS[16].name not in texts[("tokafor", "class_profile")]
    if username == "wprice":
        assert PUPILS[0].name not in texts[("wprice", "class_profile")]
    # governors never see a pupil
    if username == "governor1":
        for (_, page_key), text in texts.items():
            assert not [p for p in PUPILS if p.upn in text or p.name in text], page_key


@pytest.mark.parametrize("username", USERNAMES)
def test_the_school_by_commands_every_page_renders_and_shows_its_records(school_by_commands, tmp_path, monkeypatch,
                                                                       username):
    db_path = own_copy(school_by_commands, tmp_path, monkeypatch)
    texts = every_page_renders_for_every_role(db_path, [username])
    assert_pages_show(db_path, [s for r in RECORDS for s in r.shows if s.role == username], texts)
    assert_what_an_account_sees(username, texts)


# =====================================================================================================
# THE SAME SCHOOL THROUGH THE FORMS. What the MIS owns (staff, pupils, groups, the SEN register) has no
# form in sendboard by design: it comes from the MIS files. Everything a person enters is entered here
# through the page a person would use, as the role that would use it.
# A new form = one more FormStep in FORM_STEPS (what to fill in, and what the pages then show).
# =====================================================================================================

MIS_OWNED = ("staff", "pupils", "groups", "sen")
TARGET = "Reads a short paragraph aloud with no more than two errors"
REVIEW_NOTE = "Read the paragraph on the bus timetable with one error"
COURSE = "Dyslexia-friendly classrooms"
FORM_INTERVENTION = "Lego-based therapy"


def widget(at, kind: str, label: str):
    found = [w for w in getattr(at, kind) if w.label == label]
    assert found, f"no {kind} labelled {label!r} on the page"
    return found[0]


def submit(at, label: str):
    widget(at, "button", label).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def pupil_id_of(db_path: Path, pupil: Pupil) -> int:
    return int(app_db.open_database(db_path).cursor().execute(
        "SELECT pupil_id FROM pupils WHERE upn = $u", {"u": pupil.upn}).fetchone()[0])


def add_accounts_on_users_page(db_path: Path) -> None:
    at = open_page(db_path, "admin", "users")
    for username, role, email in ACCOUNTS:
        at.selectbox(key="add_role").set_value(role).run()
        widget(at, "text_input", "New username").input(username)
        widget(at, "text_input", "Full name").input(username.title())
        if email:
            widget(at, "text_input", "E-mail (for single sign-on)").input(email)
        widget(at, "text_input", "Initial password").input(PASSWORD)
        widget(at, "text_input", "Initial password again").input(PASSWORD)
        submit(at, "Add account")
        message = (at.success or at.info)[0].value.replace("\\", "")
        assert f"Added the account {username}" in message or f"role for {username} waits" in message, message
    head_confirms_waiting_roles(db_path)


def add_intervention_and_pupil_on_provision_map(db_path: Path) -> None:
    at = open_page(db_path, "srao", "provision_map", (("pm_tab", "Catalogue"),))  # the map draws its open tab only
    widget(at, "text_input", "Name").input(FORM_INTERVENTION)
    widget(at, "multiselect", "Broad areas of need").set_value(["CI"])
    widget(at, "text_input", "Measure (entry and exit)").input("Social communication checklist")
    widget(at, "text_input", "Scale").input("points")
    submit(at, "Save intervention")
    at = open_page(db_path, "srao", "provision_map", (("pm_tab", "Add or change allocations"),))
    widget(at, "selectbox", "Pupil").set_value(pupil_id_of(db_path, PUPILS[16]))
    submit(at, "Add to the intervention")


def open_plan_on_passport(db_path: Path) -> None:
    at = open_page(db_path, "srao", "passport", (("passport_pupil_upn", PUPILS[0].upn),))
    widget(at, "text_area", "Assessment note (what we found)").input("Decoding well below peers; phonics gaps")
    widget(at, "text_area", "Targets, one per line").input(TARGET)
    submit(at, "Open plan")


def review_target_on_passport(db_path: Path) -> None:
    at = open_page(db_path, "tokafor", "passport", (("passport_pupil_upn", PUPILS[0].upn),))
    widget(at, "radio", "Progress").set_value("achieved")
    widget(at, "text_area", "Note (what you saw, the evidence)").input(REVIEW_NOTE)
    submit(at, "Save review")


def add_training_on_expertise(db_path: Path) -> None:
    at = open_page(db_path, "srao", "expertise")
    assert widget(at, "selectbox", "Staff member").value is not None  # the first member of staff, as offered
    widget(at, "text_input", "Course").input(COURSE)
    submit(at, "Add course")


FORM_CONCERN = "Cannot hear instructions from the back of the room"


def raise_and_decide_a_concern(db_path: Path) -> None:
    """A teacher raises a concern from the passport; the SENCO decides it on Identification."""
    at = open_page(db_path, "tokafor", "passport", (("passport_pupil_upn", PUPILS[7].upn),))
    widget(at, "text_area", "What you noticed").input(FORM_CONCERN)
    submit(at, "Send to the SENCO")
    at = open_page(db_path, "srao", "identification")
    widget(at, "radio", "Decision").set_value("monitor")
    submit(at, "Save decision")


def record_funding_on_provision_map(db_path: Path) -> None:
    at = open_page(db_path, "srao", "provision_map", (("pm_tab", "Funding"),))
    widget(at, "selectbox", "Financial year").set_value(2026)
    widget(at, "text_input", "Amount (£)").input("96,000")
    submit(at, "Save funding line")


def refer_a_pupil_on_outside_specialists(db_path: Path) -> None:
    at = open_page(db_path, "srao", "specialists")
    widget(at, "selectbox", "Pupil").set_value(pupil_id_of(db_path, PUPILS[3]))
    widget(at, "selectbox", "Service").set_value("speech_language_therapy")
    submit(at, "Save referral")


FORM_EHC_OUTCOME = "By the end of Year 7, will ask an adult for help in every lesson without prompting"


def record_an_ehc_plan_and_its_annual_review(db_path: Path) -> None:
    """The SENCO records pupil 2's plan (with one outcome), then the annual review meeting held on it."""
    at = on_tab(open_page(db_path, "srao", "ehc_plans"), "ehc_tab", "Record")  # only the open tab is drawn
    at.segmented_control(key="ehc_record_kind").set_value("EHC plan").run()
    widget(at, "selectbox", "Pupil").set_value(pupil_id_of(db_path, PUPILS[2]))
    widget(at, "text_input", "Local authority that maintains the plan").input("Leeds")
    widget(at, "date_input", "Date the final plan was issued").set_value(date(2025, 12, 1))
    widget(at, "text_input", "Hours a week of support the plan sets out").input("15")
    widget(at, "text_area", "Outcomes in the plan (section E), one a line").input(FORM_EHC_OUTCOME)
    submit(at, "Save EHC plan")
    at = on_tab(open_page(db_path, "srao", "ehc_plans"), "ehc_tab", "Record")  # only the open tab is drawn
    at.segmented_control(key="ehc_record_kind").set_value("Annual review").run()
    assert widget(at, "selectbox", "Plan").value is not None  # the one plan, as offered
    widget(at, "date_input", "Date of the review meeting").set_value(date(2026, 11, 16))
    submit(at, "Save annual review")


def request_a_needs_assessment(db_path: Path) -> None:
    at = on_tab(open_page(db_path, "srao", "ehc_plans"), "ehc_tab", "Record")  # only the open tab is drawn
    at.segmented_control(key="ehc_record_kind").set_value("Needs-assessment request").run()
    widget(at, "selectbox", "Pupil").set_value(pupil_id_of(db_path, PUPILS[5]))
    widget(at, "text_input", "Local authority asked").input("Leeds")
    widget(at, "date_input", "Date of the request").set_value(date(2026, 10, 5))
    submit(at, "Save request")


@dataclass
class FormStep:
    name: str
    fill: object                     # fill(db_path): drives the page's form(s) with AppTest
    shows: list[Shows] = field(default_factory=list)


FORM_STEPS: list[FormStep] = [
    FormStep("accounts on the Users page", add_accounts_on_users_page,
             [Shows("admin", "users", "tokafor"), Shows("admin", "users", "governor1")]),
    FormStep("an intervention and a pupil in it on the provision map", add_intervention_and_pupil_on_provision_map,
             [Shows("srao", "provision_map", FORM_INTERVENTION, (("pm_tab", "Catalogue"),)),
              Shows("hashworth", "provision_map", PUPILS[16].last, (("pm_tab", "Pupils"),))]),
    FormStep("a support plan with a target on the passport", open_plan_on_passport,
             [Shows("tokafor", "class_profile", TARGET),
              Shows("srao", "passport", TARGET, (("passport_pupil_upn", PUPILS[0].upn),))]),
    FormStep("a teacher's review of the target on the passport", review_target_on_passport,
             [Shows("srao", "passport", REVIEW_NOTE, (("passport_pupil_upn", PUPILS[0].upn),))]),
    FormStep("a training course on Staff expertise", add_training_on_expertise,
             [Shows("hashworth", "expertise", COURSE)]),
    # ---- new forms go here (one FormStep each) -----------------------------------------------------
    FormStep("a teacher's concern, decided by the SENCO", raise_and_decide_a_concern,
             [Shows("tokafor", "passport", "Monitor", (("passport_pupil_upn", PUPILS[7].upn),)),
              Shows("srao", "identification", FORM_CONCERN)]),
    FormStep("funding on the provision map", record_funding_on_provision_map,
             [Shows("hashworth", "provision_map", "2026-27", (("pm_tab", "Funding"),))]),
    FormStep("an EHC plan and its annual review on EHC plans", record_an_ehc_plan_and_its_annual_review,
             [Shows("srao", "ehc_plans", "EHC plans open 1"),
              Shows("srao", "ehc_plans", "Annual reviews overdue, not held 0"),
              Shows("srao", "passport", FORM_EHC_OUTCOME, (("passport_pupil_upn", PUPILS[2].upn),))]),
    FormStep("a needs-assessment request on EHC plans", request_a_needs_assessment,
             [Shows("srao", "ehc_plans", "Needs assessments in progress 1")]),
    FormStep("a referral on Outside specialists", refer_a_pupil_on_outside_specialists,
             [Shows("srao", "specialists", PUPILS[3].name),
              Shows("governor1", "specialists", "Speech and language therapy")]),
]


def build_through_the_forms(db_path: Path, folder: Path, monkeypatch) -> None:
    init_school(db_path, monkeypatch)
    mis_files = [write_record_file(folder, r) for r in RECORDS if r.template in MIS_OWNED]
    assert sendboard("import", "--db", db_path, "--user", "office", *mis_files) == 0
    # the administrator signs in with the password chosen at init: a new database has no other way in
    from sendboard import auth

    assert auth.sign_in(app_db.open_database(db_path), "office", PASSWORD).role == "admin"
    for step in FORM_STEPS:
        step.fill(db_path)


@pytest.fixture(scope="session")
def school_through_the_forms(tmp_path_factory) -> Path:
    return _built_for_the_run(tmp_path_factory, "northgate_through_forms.duckdb", build_through_the_forms)


def test_the_same_school_through_the_forms(school_through_the_forms, tmp_path, monkeypatch):
    assert_no_demo(own_copy(school_through_the_forms, tmp_path, monkeypatch))
    # every form's expectations are checked by one of the accounts' tests below
    assert {s.role for step in FORM_STEPS for s in step.shows} <= set(USERNAMES)


@pytest.mark.parametrize("username", USERNAMES)
def test_the_school_through_the_forms_every_page_renders_and_shows_its_records(school_through_the_forms, tmp_path,
                                                                             monkeypatch, username):
    db_path = own_copy(school_through_the_forms, tmp_path, monkeypatch)
    texts = every_page_renders_for_every_role(db_path, [username])
    assert_pages_show(db_path, [s for step in FORM_STEPS for s in step.shows if s.role == username], texts)
