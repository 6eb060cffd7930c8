"""The kinds of CSV file sendboard imports: their columns, the MIS spellings of each header, and how a
file's kind is recognised from its header row.

A header is matched after folding case and dropping everything but letters and digits, so "Date of
Birth", "date_of_birth" and "DATE-OF-BIRTH" are the same. docs/importing.md lists every spelling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field


def fold(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (header or "").lower())


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""

    def spellings(self) -> set[str]:
        return {fold(self.name), *(fold(a) for a in self.aliases)}


UPN = Field("upn", True, ("UPN", "Unique Pupil Number", "Pupil UPN", "UPN Number"), "13 characters, check letter first")
TERM = Field("term", True, ("Term", "Term ID", "Assessment Term", "Period"),
             "a term such as 'Autumn 2025' (as in sendboard), or its number such as 20251")


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    fields: tuple[Field, ...]
    description: str
    example: tuple[dict, ...] = field(default_factory=tuple)

    def by_spelling(self) -> dict[str, str]:
        out = {}
        for f in self.fields:
            for s in f.spellings():
                out[s] = f.name
        return out

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


KINDS: dict[str, Kind] = {}


def _kind(key, title, description, *fields, example=()):
    KINDS[key] = Kind(key, title, tuple(fields), description, tuple(example))


_kind(
    "pupils", "Pupils",
    "One row per pupil: identity and characteristics, matched by UPN. A pupil already held is updated; a new UPN is added.",
    UPN,
    Field("last_name", True, ("Surname", "Legal Surname", "Last Name", "Family Name", "Preferred Surname"), "legal surname"),
    Field("first_name", True, ("Forename", "Legal Forename", "First Name", "Forenames", "Preferred Forename", "Given Name",
                               "Legal Forenames"), "forename"),
    Field("date_of_birth", True, ("DOB", "Date of Birth", "Birth Date", "Birthdate"), "dd/mm/yyyy or yyyy-mm-dd"),
    Field("gender", True, ("Gender", "Sex", "Legal Sex"), "F or M (Female/Male also accepted)"),
    Field("year_group", False, ("NC Year", "Year Group", "Year", "National Curriculum Year", "Curriculum Year", "NC Year Actual"),
          "1 to 13 (R or Reception = 0)"),
    Field("fsm", False, ("FSM", "FSM Eligible", "Free School Meals", "FSM Eligibility", "Eligible for FSM"), "Y/N"),
    Field("eal", False, ("EAL", "English as an Additional Language", "First Language Not English", "EAL Status"), "Y/N"),
    Field("disadvantaged", False, ("Disadvantaged", "Pupil Premium", "PP", "Pupil Premium Eligible", "PP Eligible"), "Y/N"),
    Field("entry_date", False, ("Entry Date", "Admission Date", "Date of Admission", "Start Date", "Enrolment Date"), "date"),
    Field("leaving_date", False, ("Leaving Date", "Leave Date", "Date of Leaving", "End Date"), "date"),
    Field("reg_group", False, ("Reg Group", "Registration Group", "Form", "Tutor Group", "Class", "Form Group",
                               "Registration Form", "Form/Tutor Group"),
          "the name of a teaching group that already exists (or is in the same import)"),
    # A student list from the MIS often carries the pupil's SEN status and needs: they update the register
    # (a change opens a provision or need from the SEN start date, or from the import date, and closes the one before).
    Field("sen_status", False, ("SEN Status", "SEN Provision", "SEN Stage", "SEN Code", "SEN Provision Type",
                                "Current SEN Status", "SEN"),
          "N, K or E (or the words: No SEN, SEN Support, EHC Plan); blank leaves the register alone"),
    Field("primary_need", False, ("Primary Need", "Primary SEN Need", "SEN Primary Need", "Primary Need Type",
                                  "SEN Need Type", "SEN Type", "Primary SEN Type"),
          "a census need code or its description, e.g. SPLD or Specific Learning Difficulty"),
    Field("secondary_need", False, ("Secondary Need", "Secondary SEN Need", "SEN Secondary Need", "Secondary Need Type",
                                    "Secondary SEN Type"),
          "a census need code or its description"),
    Field("sen_start_date", False, ("SEN Start Date", "SEN Status Start Date", "SEN Provision Start Date",
                                    "SEN Provision Start", "Date Added to SEN Register"),
          "date the status or need began (default: the date of the import)"),
    example=({"UPN": "A123456789012", "Legal Surname": "Smith", "Legal Forename": "Amy", "DOB": "10/02/2014",
              "Gender": "F", "NC Year": "7", "FSM Eligible": "N", "EAL": "N", "Pupil Premium": "N",
              "Admission Date": "01/09/2025", "Reg Group": "7A"},),
)

_kind(
    "groups", "Teaching groups and membership",
    "One row per pupil in a group (or one row per group with no UPN). Groups are matched by name and academic year; "
    "a new group is created. Membership starts on the start date (default: 1 September of the year).",
    Field("group_name", True, ("Group", "Group Name", "Class Name", "Teaching Group", "Set", "Reg Group", "Class"), "e.g. 7A, 8X/Ma1"),
    Field("year_group", False, ("NC Year", "Year Group", "Year"), "needed for a new group if its pupils' year is not known"),
    Field("group_kind", False, ("Group Type", "Kind", "Type"), "class, set or form (default class)"),
    Field("subject", False, ("Subject", "Subject Name"), "for sets"),
    Field("academic_year", False, ("Academic Year", "Year Start"), "2025 or 2025/26 (default: the current year)"),
    Field("upn", False, UPN.aliases, "a pupil to add to the group"),
    Field("start_date", False, ("Start Date", "Member From", "Date Joined"), "date"),
    Field("end_date", False, ("End Date", "Member Until", "Date Left"), "date"),
    Field("teacher_email", False, ("Teacher Email", "Staff Email", "Teacher"), "the email of the group's teacher"),
    example=({"Group Name": "7A", "Year Group": "7", "Group Type": "form", "Subject": "", "Academic Year": "2025/26",
              "UPN": "A123456789012", "Start Date": "01/09/2025", "End Date": "", "Teacher Email": "t.teach@school.sch.uk"},),
)

_kind(
    "staff", "Staff",
    "One row per member of staff, matched by email, or by forename and surname when there is no email.",
    Field("first_name", True, ("Forename", "First Name", "Legal Forename", "Staff Forename"), ""),
    Field("last_name", True, ("Surname", "Last Name", "Legal Surname", "Staff Surname"), ""),
    Field("email", False, ("Email", "Email Address", "Work Email", "School Email"), ""),
    Field("staff_role", True, ("Role", "Staff Role", "Post", "Job Title"), "teacher, teaching_assistant, senco, …"),
    Field("fte", False, ("FTE", "Full Time Equivalent"), "e.g. 0.8"),
    Field("annual_salary", False, ("Salary", "Annual Salary"), "pounds a year"),
    Field("start_date", True, ("Start Date", "Contract Start", "Employment Start"), "date"),
    Field("end_date", False, ("End Date", "Contract End", "Leaving Date"), "date"),
    example=({"Forename": "Tess", "Surname": "Teach", "Email": "t.teach@school.sch.uk", "Role": "teacher",
              "FTE": "1.0", "Salary": "38000", "Start Date": "01/09/2020", "End Date": ""},),
)

_kind(
    "sen", "SEN register",
    "SEN provision history and needs. Each row gives a provision code with its dates, and/or a need with its rank. "
    "A row with the same pupil and start date as one held updates it.",
    UPN,
    Field("sen_provision", False, ("SEN Provision", "SEN Status", "SEN Stage", "SEN Code", "Provision", "SEN"), "N, K, E (or legacy A, P, S)"),
    Field("start_date", True, ("Start Date", "SEN Start Date", "Provision Start", "From", "Date From"), "date"),
    Field("end_date", False, ("End Date", "SEN End Date", "Provision End", "To", "Date To"), "date, blank while open"),
    Field("need_code", False, ("Primary Need", "SEN Need Type", "Need Type", "Need", "SEN Type", "Type of Need", "Need Code"),
          "SPLD, MLD, SLD, PMLD, SEMH, SLCN, HI, VI, MSI, PD, ASD, OTH, NSA"),
    Field("need_rank", False, ("Need Rank", "Rank", "SEN Type Rank", "Ranking"), "1 (primary) or 2 (secondary)"),
    Field("secondary_need", False, ("Secondary Need", "Second Need"), "a need code, recorded with rank 2"),
    example=({"UPN": "A123456789012", "SEN Provision": "K", "Start Date": "01/09/2025", "End Date": "",
              "Primary Need": "SPLD", "Need Rank": "1", "Secondary Need": ""},),
)

_kind(
    "assessments", "Assessments",
    "One row per pupil, term and subject. A result already held for that pupil, term and subject is updated.",
    UPN, TERM,
    Field("subject", True, ("Subject", "Aspect", "Subject Name"), "e.g. Reading, Maths"),
    Field("score", True, ("Score", "Result", "Mark", "Scaled Score", "Value"), "a number"),
    Field("scale", False, ("Scale", "Grade Set", "Marksheet", "Result Type"), "e.g. scaled, standardised (default: score)"),
    Field("expected_standard", False, ("Expected", "Expected Standard", "Target", "Expected Score"), "a number"),
    example=({"UPN": "A123456789012", "Term": "Autumn 2025", "Subject": "Reading", "Score": "98", "Scale": "standardised",
              "Expected Standard": "100"},),
)

_kind(
    "attendance", "Attendance",
    "One row per pupil and term: possible and attended sessions (a day is two sessions).",
    UPN, TERM,
    Field("possible_sessions", True, ("Possible Sessions", "Sessions Possible", "Possible", "Possible Marks"), "whole number"),
    Field("attended_sessions", True, ("Attended Sessions", "Sessions Attended", "Attended", "Present", "Present Marks"),
          "whole number, no more than possible"),
    example=({"UPN": "A123456789012", "Term": "Autumn 2025", "Possible Sessions": "140", "Attended Sessions": "131"},),
)

_kind(
    "suspensions", "Suspensions",
    "One row per suspension (fixed-period exclusion), matched by pupil and start date.",
    UPN,
    Field("start_date", True, ("Start Date", "Suspension Start", "Exclusion Start", "Date"), "date"),
    Field("days", True, ("Days", "Length", "Duration", "Sessions Excluded Days", "Length (Days)"), "e.g. 1 or 0.5"),
    Field("suspension_reason", False, ("Reason", "Exclusion Reason", "Category"), "kept out of the database (not stored)"),
    example=({"UPN": "A123456789012", "Start Date": "12/11/2025", "Days": "1.5"},),
)

_kind(
    "interventions", "Interventions",
    "The provision map's menu: one row per intervention, matched by name within the school.",
    Field("intervention", True, ("Intervention", "Intervention Name", "Name", "Programme"), ""),
    Field("areas", True, ("Areas", "Area of Need", "Broad Area", "Areas of Need"), "CI, CL, SEMH, SP, OTH; several joined by |"),
    Field("wave", True, ("Wave", "Tier"), "universal, targeted or specialist"),
    Field("delivered_by", True, ("Delivered By", "Staff Role", "Deliverer"), "a staff role, e.g. teaching_assistant"),
    Field("group_size", True, ("Group Size", "Pupils per Group"), "whole number"),
    Field("sessions_per_week", True, ("Sessions per Week", "Frequency"), "number"),
    Field("minutes_per_session", True, ("Minutes per Session", "Session Length", "Minutes"), "whole number"),
    Field("planned_weeks", True, ("Planned Weeks", "Weeks", "Duration Weeks"), "whole number"),
    Field("other_costs", False, ("Other Costs", "Resources Cost", "Cost"), "pounds"),
    Field("measure", True, ("Measure", "Entry/Exit Measure", "Assessment"), "what is measured on entry and exit"),
    Field("measure_scale", True, ("Measure Scale", "Scale"), "e.g. standardised score"),
    Field("higher_is_better", False, ("Higher is Better",), "Y/N (default Y)"),
    example=({"Intervention": "Precision teaching", "Areas": "CL", "Wave": "targeted", "Delivered By": "teaching_assistant",
              "Group Size": "1", "Sessions per Week": "3", "Minutes per Session": "15", "Planned Weeks": "10",
              "Other Costs": "0", "Measure": "Words read correctly", "Measure Scale": "words", "Higher is Better": "Y"},),
)

_kind(
    "allocations", "Intervention allocations",
    "Who is in which intervention: one row per pupil and intervention start, matched by pupil, intervention and start date.",
    UPN,
    Field("intervention", True, ("Intervention", "Intervention Name", "Programme"), "an intervention that exists (or is in the same import)"),
    Field("start_date", True, ("Start Date", "From"), "date"),
    Field("end_date", False, ("End Date", "To"), "date"),
    Field("group_label", False, ("Group Label", "Group", "Session Group"), "pupils taught together share the cost"),
    Field("sessions_attended", False, ("Sessions Attended", "Attended"), "whole number"),
    Field("entry_score", False, ("Entry Score", "Baseline", "Entry"), "number"),
    Field("exit_score", False, ("Exit Score", "Exit"), "number"),
    Field("delivery", False, ("Delivery", "Delivered", "How Delivered"), "in class or withdrawn (default withdrawn)"),
    Field("sessions", False, ("Sessions", "Session Times", "Days and Times", "Timetable"),
          "day and time of each weekly session, e.g. Mon 10:40; Wed 10:40 (replaces the sessions held)"),
    example=({"UPN": "A123456789012", "Intervention": "Precision teaching", "Start Date": "15/09/2025", "End Date": "",
              "Group Label": "", "Sessions Attended": "", "Entry Score": "12", "Exit Score": "",
              "Delivery": "withdrawn", "Sessions": "Mon 10:40; Wed 10:40; Fri 10:40"},),
)

# The order kinds are written in, so that a file can refer to what another file in the same import adds.
APPLY_ORDER = ("pupils", "staff", "groups", "interventions", "sen", "assessments", "attendance", "suspensions", "allocations")
# Which kind wins when a header row fits several equally (e.g. UPN + Start Date + End Date).
DETECT_PRIORITY = ("assessments", "attendance", "sen", "allocations", "suspensions", "pupils", "groups", "interventions", "staff")


def map_headers(kind: Kind, headers: list[str]) -> tuple[dict[str, int], list[str], list[tuple[str, str, str]]]:
    """(field -> column index, unrecognised headers, [(field, first header, second header)] duplicates)."""
    spell = kind.by_spelling()
    mapping: dict[str, int] = {}
    unknown, duplicates = [], []
    for i, header in enumerate(headers):
        name = spell.get(fold(header))
        if name is None:
            unknown.append(header)
        elif name in mapping:
            duplicates.append((name, headers[mapping[name]], header))
        else:
            mapping[name] = i
    return mapping, unknown, duplicates


def _detect_order() -> list[str]:
    # kinds other areas add after the built-in ones are considered too, after them
    return list(DETECT_PRIORITY) + [k for k in KINDS if k not in DETECT_PRIORITY]


def _column_hint(kind: Kind, name: str) -> str:
    field_ = next(x for x in kind.fields if x.name == name)
    return f"'{name}' (headed e.g. " + " or ".join(repr(a) for a in (field_.aliases[:2] or (name,))) + ")"


def detect_kind(headers: list[str]) -> tuple[str | None, str]:
    """The kind whose required columns are all present and which recognises most columns; or None and a
    sentence naming the kind the file most resembles (the one recognising most of its columns) and the
    required columns it lacks."""
    best, best_score, closest = None, -1, None
    for key in _detect_order():
        kind = KINDS[key]
        mapping, unknown, _ = map_headers(kind, headers)
        missing = [f for f in kind.required if f not in mapping]
        score = len(mapping)
        if not missing and score > best_score:
            best, best_score = key, score
        # resemblance is the columns recognised; of two kinds recognising as many, the one missing fewer
        if score and (closest is None or (-score, len(missing)) < (-closest[2], closest[1])):
            closest = (key, len(missing), score, missing)
    if best is not None:
        return best, ""
    if closest is None:
        return None, "none of its columns is one sendboard knows"
    key, _, score, missing = closest
    kind = KINDS[key]
    return None, (f"it looks most like a {kind.title.lower()} file ({score} of its columns are recognised), "
                  f"but it lacks the required column{'s' if len(missing) > 1 else ''} "
                  + ", ".join(_column_hint(kind, m) for m in missing))


# A trust-level import names each row's school in a column with one of these headings (the school's URN).
SCHOOL_COLUMN = Field("school_urn", False, ("School URN", "URN", "School", "Establishment URN", "School Name"),
                      "the school's URN (or its name as held in sendboard)")
# Kinds whose rows may name their school (each row is about one pupil, looked up in that school).
PER_ROW_SCHOOL_KINDS = ("pupils", "sen", "assessments", "attendance", "suspensions")


# --------------------------------------------------------------------------- records area: funding, concerns,
# staff training and external specialists (validated in sendboard/records/importing.py)

_kind(
    "funding", "SEND funding",
    "One row per funding line and financial year (April to March): the notional SEN budget, a top-up for one pupil "
    "with an EHC plan, or another SEND grant. Matched by financial year, line, pupil and description; a matching "
    "line's amount is updated.",
    Field("financial_year", True, ("Financial Year", "FY", "Budget Year", "Funding Year"), "2025-26 (or 2025, the year it starts)"),
    Field("funding_line", True, ("Funding Line", "Line", "Funding Type", "Funding Stream"),
          "notional SEN budget, top-up or other (notional_sen, top_up, other also accepted)"),
    Field("amount", True, ("Amount", "Amount (£)", "Value", "Allocation"), "pounds, e.g. 84,500"),
    Field("upn", False, UPN.aliases, "for a top-up: the pupil it is paid for"),
    Field("description", False, ("Description", "Note", "Grant", "Grant Name", "Notes"), "needed for an other grant: its name"),
    example=({"Financial Year": "2025-26", "Funding Line": "notional SEN budget", "Amount": "84500", "UPN": "",
              "Description": ""},
             {"Financial Year": "2025-26", "Funding Line": "top-up", "Amount": "6200", "UPN": "A123456789012",
              "Description": "Band C"}),
)

_kind(
    "concerns", "Concerns about pupils",
    "One row per concern raised about a pupil: what was noticed, the area of need it suggests, the evidence, and the "
    "SENCO's decision if one has been made. Matched by pupil, date raised and what was noticed.",
    UPN,
    Field("raised_on", True, ("Date Raised", "Raised On", "Date Noticed", "Concern Date"), "date"),
    Field("noticed", True, ("What Was Noticed", "Concern", "Concern Details", "Reason for Concern", "Noticed"), "the concern in words"),
    Field("area_of_need", False, ("Area of Need", "Broad Area", "Suggested Area"), "CI, CL, SEMH, SP or OTH (blank: not sure)"),
    Field("evidence", False, ("Evidence", "Evidence Seen"), ""),
    Field("raised_by", False, ("Raised By", "Staff Member", "Member of Staff"), "who raised it"),
    Field("decision", False, ("Decision", "SENCO Decision"), "monitor, assess, SEN support or close (blank: awaiting)"),
    Field("decided_on", False, ("Decision Date", "Decided On", "Date Decided"), "date, needed with a decision"),
    Field("decision_note", False, ("Decision Note", "Outcome", "Outcome Note"), ""),
    example=({"UPN": "A123456789012", "Date Raised": "03/11/2025", "What Was Noticed": "Rarely starts written tasks without an adult",
              "Area of Need": "CL", "Evidence": "Work samples from three lessons", "Raised By": "T Teach",
              "Decision": "assess", "Decision Date": "10/11/2025", "Decision Note": "Reading and spelling screen booked"},),
)

_kind(
    "training", "Staff SEND training",
    "One row per course a member of staff completed, matched by the member of staff (email), course and date completed.",
    Field("staff_email", True, ("Staff Email", "Email", "Email Address", "Work Email"), "the email of a member of staff held in sendboard"),
    Field("course", True, ("Course", "Course Name", "Training Course", "Training"), ""),
    Field("training_area", True, ("Area of Need", "Broad Area", "Training Area"), "CI, CL, SEMH, SP or OTH"),
    Field("completed_on", True, ("Date Completed", "Completed On", "Course Date", "Date Attended"), "date"),
    Field("expires_on", False, ("Expiry Date", "Expires On", "Valid Until", "Renewal Date"), "date (blank: does not expire)"),
    Field("training_level", False, ("Level", "Training Level"), "awareness, enhanced or specialist (default awareness)"),
    example=({"Staff Email": "t.teach@school.sch.uk", "Course": "Autism awareness (Tier 1)", "Area of Need": "CI",
              "Date Completed": "14/10/2025", "Expiry Date": "14/10/2028", "Level": "awareness"},),
)

_kind(
    "specialists", "External specialists",
    "One row per referral of a pupil to an outside service: educational psychology, speech and language therapy, "
    "occupational therapy, CAMHS, specialist teachers for hearing, vision or multi-sensory impairment, the school nurse, "
    "counselling and others. Matched by pupil, service and referral date.",
    UPN,
    Field("service", True, ("Service", "Agency", "Specialist Service", "External Agency", "Professional"),
          "e.g. educational psychology (EP), speech and language therapy (SALT), OT, CAMHS, QTVI"),
    Field("referred_on", True, ("Date Referred", "Referral Date", "Referred On"), "date"),
    Field("seen_on", False, ("Date Seen", "Seen On", "First Seen", "First Appointment"), "date, blank while waiting"),
    Field("advice", False, ("Advice", "Advice Received", "Recommendations"), ""),
    Field("next_contact", False, ("Next Contact", "Next Visit", "Next Appointment", "Review Date"), "date (may be in the future)"),
    Field("closed_on", False, ("Date Closed", "Closed On", "Discharged", "Discharge Date"), "date the involvement ended"),
    example=({"UPN": "A123456789012", "Service": "Speech and language therapy", "Date Referred": "15/09/2025",
              "Date Seen": "20/11/2025", "Advice": "Visual timetable; pre-teach topic words", "Next Contact": "20/03/2026",
              "Date Closed": ""},),
)

APPLY_ORDER = APPLY_ORDER + ("funding", "concerns", "training", "specialists")
DETECT_PRIORITY = DETECT_PRIORITY + ("specialists", "concerns", "training", "funding")
# --------------------------------------------------------------------------- EHC plans, requests, annual reviews, PfA
# (area: EHC records). Their stagers and commit targets are in sendboard/importers/ehc.py.

_kind(
    "ehc_plans", "EHC plans",
    "One row per outcome of an EHC plan (the plan's columns repeated on each row), or one row for a plan with "
    "no outcomes listed. A plan is matched by pupil and issue date; an outcome by its plan and its text.",
    UPN,
    Field("local_authority", True, ("Local Authority", "LA", "LA Name", "Responsible LA", "Home LA"), "the authority that maintains the plan"),
    Field("issued_on", True, ("Date Issued", "Issue Date", "Plan Issued", "EHCP Issue Date", "EHC Plan Start Date", "Date of Plan"), "date the final plan was issued"),
    Field("hours_per_week", False, ("Hours per Week", "Hours a Week", "Weekly Hours", "Support Hours", "Funded Hours"),
          "hours a week of support the plan sets out, 0 to 40"),
    Field("ceased_on", False, ("Date Ceased", "Ceased On", "Plan End Date", "EHCP End Date"), "date, blank while the plan is maintained"),
    Field("outcome", False, ("Outcome", "Plan Outcome", "EHCP Outcome", "Long Term Outcome", "Section E Outcome"), "one outcome from section E"),
    Field("outcome_area", False, ("Outcome Area", "Area of Need", "Broad Area", "Area"), "CI, CL, SEMH, SP or OTH (optional)"),
    Field("step", False, ("Short Term Step", "Step", "Short Term Target", "First Step", "Next Step"),
          "a short-term step toward the outcome: a target on the pupil's open support plan (one is opened if none)"),
    example=({"UPN": "A123456789012", "Local Authority": "Leeds", "Date Issued": "14/03/2025", "Hours per Week": "15",
              "Date Ceased": "", "Outcome": "By the end of Year 9, Amy will read aloud to her class with confidence",
              "Outcome Area": "CL", "Short Term Step": "Reads a short passage aloud to the TA twice a week"},),
)

_kind(
    "ehc_requests", "EHC needs-assessment requests",
    "One row per request for an EHC needs assessment, matched by pupil and request date: who asked, and the local "
    "authority's decision (due 6 weeks after the request) and final plan (due 20 weeks after) once known.",
    UPN,
    Field("local_authority", True, ("Local Authority", "LA", "LA Name"), "the authority asked"),
    Field("requested_on", True, ("Request Date", "Date Requested", "Requested On", "Date of Request"), "date"),
    Field("requested_by", False, ("Requested By", "Who Asked", "Request Made By", "Requester"), "school, parent, young_person or other (default school)"),
    Field("decision_on", False, ("Decision Date", "Date of Decision", "LA Decision Date", "Decided On"), "date, blank until the LA decides"),
    Field("decision", False, ("Decision", "LA Decision", "Outcome of Request"), "agreed or refused"),
    Field("final_plan_on", False, ("Final Plan Date", "Final Plan Issued", "Date Plan Issued", "Plan Issued Date"), "date, blank until issued"),
    example=({"UPN": "A123456789012", "Local Authority": "Leeds", "Request Date": "02/10/2025", "Requested By": "school",
              "Decision Date": "10/11/2025", "Decision": "agreed", "Final Plan Date": ""},),
)

_kind(
    "ehc_reviews", "EHC annual reviews",
    "One row per annual review meeting held, matched by the pupil's EHC plan open on the meeting date and the "
    "meeting date: when the school's report went to the local authority (due within 2 weeks of the meeting) and the "
    "authority's decision (due within 4 weeks).",
    UPN,
    Field("held_on", True, ("Meeting Date", "Review Date", "Annual Review Date", "Review Meeting Date", "Date Held"), "date of the meeting"),
    Field("report_sent_on", False, ("Report Sent", "Report Sent Date", "Date Report Sent", "Report to LA"), "date, blank until sent"),
    Field("la_decision_on", False, ("LA Decision Date", "Decision Date", "Date of LA Decision"), "date, blank until the LA decides"),
    Field("la_decision", False, ("LA Decision", "Decision", "Review Outcome"), "maintain, amend or cease"),
    Field("note", False, ("Notes", "Note", "Comments"), "free text"),
    example=({"UPN": "A123456789012", "Meeting Date": "05/11/2025", "Report Sent": "12/11/2025",
              "LA Decision Date": "", "LA Decision": "", "Notes": ""},),
)

_kind(
    "pfa", "Preparing for Adulthood outcomes",
    "One row per pupil with SEND and date the outcomes were agreed (from Year 9), with an outcome in any of the four "
    "areas; matched by pupil, date and area.",
    UPN,
    Field("recorded_on", True, ("Date Agreed", "Date Recorded", "PfA Date", "Date"), "date"),
    Field("employment", False, ("Employment", "Employment Outcome", "Higher Education and Employment"), "outcome text"),
    Field("independent_living", False, ("Independent Living", "Independent Living Outcome"), "outcome text"),
    Field("health", False, ("Health", "Good Health", "Health Outcome"), "outcome text"),
    Field("community", False, ("Community", "Community Participation", "Friends Relationships and Community", "Community Inclusion"),
          "outcome text"),
    example=({"UPN": "A123456789012", "Date Agreed": "20/11/2025", "Employment": "Work experience at a garden centre in Year 10",
              "Independent Living": "Travels to school on the bus on her own", "Health": "Manages her own medication",
              "Community Participation": "Joins a weekend sports club"},),
)

_kind(
    "careers", "Careers guidance",
    "One row per independent careers guidance session given to a pupil (schools secure it from Year 8), matched by "
    "pupil and date.",
    UPN,
    Field("given_on", True, ("Guidance Date", "Date Given", "Date of Guidance", "Careers Interview Date"), "date"),
    Field("given_by", True, ("Given By", "Adviser", "Careers Adviser", "Provider", "Organisation"), "the adviser or organisation"),
    Field("note", False, ("Notes", "Note", "Comments"), "free text"),
    example=({"UPN": "A123456789012", "Guidance Date": "15/10/2025", "Given By": "Careers adviser (Level 6)", "Notes": ""},),
)

APPLY_ORDER += ("ehc_plans", "ehc_requests", "ehc_reviews", "pfa", "careers")
DETECT_PRIORITY += ("ehc_reviews", "ehc_plans", "ehc_requests", "pfa", "careers")

# --------------------------------------------------------------------------- timetable (area: figures): the lessons
# of teaching groups, for "this lesson" on the class card. Stager and commit target: sendboard/importers/timetable.py.

_kind(
    "timetable", "Timetable (lessons of teaching groups)",
    "One row per lesson a teaching group has each week: the group, the day, the start and the end. The lessons a file "
    "gives for a group are its whole week: they replace the ones held for that group (undo puts them back).",
    Field("group_name", True, ("Group", "Group Name", "Class", "Teaching Group", "Set", "Class Name", "Group Code"),
          "the name of a teaching group held in sendboard (or in a teaching groups file in the same import)"),
    Field("day_of_week", True, ("Day", "Day of Week", "Weekday", "Lesson Day"), "Monday to Friday (Mon, Tue, ... also read)"),
    Field("start_time", True, ("Start", "Start Time", "From", "Lesson Start", "Period Start"), "HH:MM, 24-hour"),
    Field("end_time", True, ("End", "End Time", "To", "Lesson End", "Period End"), "HH:MM, 24-hour, after the start"),
    Field("academic_year", False, ("Academic Year", "Year of Timetable", "School Year"),
          "e.g. 2025 or 2025/26 (default: this academic year)"),
    example=({"Group": "7A", "Day": "Tuesday", "Start Time": "10:40", "End Time": "11:40", "Academic Year": "2025/26"},
             {"Group": "7A", "Day": "Thursday", "Start Time": "13:15", "End Time": "14:15", "Academic Year": "2025/26"}),
)

APPLY_ORDER += ("timetable",)
DETECT_PRIORITY += ("timetable",)

# --------------------------------------------------------------------------- publishing area: the policy calendar
# and the accessibility plan's actions (validated and written by sendboard/publishing/importing.py)

_kind(
    "policies", "Policy calendar",
    "One row per policy or plan the governing board keeps current: who owns it, when the board last approved it, its "
    "review cycle and where it is published. Matched by the policy (a known one by its name, any other by its title); "
    "a matching policy is updated.",
    Field("policy", True, ("Policy", "Policy Name", "Policy or Plan", "Document"),
          "e.g. SEN policy, Accessibility plan, Equality objectives, SEN Information Report, Behaviour policy, "
          "Pupil Premium strategy statement, or the title of another policy"),
    Field("owner", False, ("Owner", "Policy Owner", "Lead", "Responsible"), "who keeps it up to date"),
    Field("last_approved", False, ("Last Approved", "Date Approved", "Approved On", "Board Approval Date"),
          "date the governing board last approved it (not in the future)"),
    Field("cycle_months", False, ("Review Cycle (Months)", "Cycle Months", "Review Every (Months)", "Review Cycle"),
          "whole months between approvals, 1 to 120; blank: the statutory cycle (or 12 months); never longer than "
          "the statutory one"),
    Field("url", False, ("Link", "URL", "Web Address", "Published At"), "https:// address of the published document"),
    example=({"Policy": "Accessibility plan", "Owner": "Business manager", "Last Approved": "10/03/2025",
              "Review Cycle (Months)": "", "Link": "https://www.example.sch.uk/policies/accessibility-plan"},),
)

_kind(
    "accessibility_actions", "Accessibility plan actions",
    "One row per action of the accessibility plan, in one of its three strands (access to the curriculum, the physical "
    "environment, information), matched by strand and action; a matching action is updated.",
    Field("strand", True, ("Strand", "Accessibility Strand", "Plan Strand", "Aspect"),
          "curriculum, environment or information (or Curriculum access, Physical environment)"),
    Field("action", True, ("Action", "Action Point", "What Will Be Done"), "what will be done"),
    Field("owner", False, ("Owner", "Action Owner", "Lead", "Responsible"), "who leads it"),
    Field("target_date", True, ("Target Date", "Due Date", "By When", "Complete By"), "date (may be in the future)"),
    Field("status", False, ("Status", "Progress", "Action Status"), "not started, in progress or done (default not started)"),
    Field("done_on", False, ("Date Done", "Done On", "Date Completed", "Completed On"), "date, needed when the status is done"),
    example=({"Strand": "environment", "Action": "Mark step edges with contrasting strips", "Owner": "Site manager",
              "Target Date": "31/03/2027", "Status": "not started", "Date Done": ""},),
)

APPLY_ORDER += ("policies", "accessibility_actions")
DETECT_PRIORITY += ("accessibility_actions", "policies")
