"""Common Transfer File (CTF) reader, built to the DfE's CTF specification (versions 19 onward; the element
names are in docs/importing.md). Parsed with defusedxml: a document type declaration, entity (billion
laughs) or external reference is refused before anything is expanded.

From the header: the version (CTFversion), when the file was made (DateTime), full or partial
(DocumentQualifier) and the sending school (SourceSchool), all kept in the import history; DestSchool is
checked against the school the import is for. For each <Pupil> under <CTFpupilData>:

- basics: UPN, Surname, Forename, DOB, Sex (Gender in older files), BasicDetails/NCyearActual, and an
  admission date where the file gives one. A pupil new to the school is enrolled in it, in the year group the
  file implies for the date of import (see year_group_at);
- SEN history as a sequence: each <SEN> (StartDate, SENprovision) replaces the one before, so it ends the day
  before the next starts and the last stays open; <SENneeds><SENneed> with SENtype, SENtypeRank and their own
  start (and end) dates where given;
- attendance (<Attendance><YearData>, and the older <TermlySessionDetails>) and key stage results
  (<StageAssessments><KeyStage><StageAssessment>), numeric results stored as assessments.

A partial file changes only what it carries: an element it leaves out keeps the value held, and a name in
capitals never overwrites a name held in mixed case.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pandas as pd
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, fromstring

from ..domain import ACADEMIC_YEAR_START_MONTH, academic_year_of
from .problems import FileRejected, Problem
from .readers import FileInfo, SourceFile
from .validate import EARLIEST, PROVISION_CODES, Context, Staged, _gender, parse_date, upn_problem

DAY = timedelta(days=1)
FIRST_SPEC_VERSION = 19
# Key stage 2 subject codes as CTFs carry them, and the words used for them on sendboard's pages.
SUBJECT_NAMES = {"MAT": "Maths", "MA": "Maths", "MATHS": "Maths", "REA": "Reading", "READ": "Reading", "RE": "Reading",
                 "GPS": "Grammar, punctuation and spelling", "ENG": "English", "WRI": "Writing", "WR": "Writing",
                 "SCI": "Science", "SC": "Science"}


def _parse(source: SourceFile):
    try:
        root = fromstring(source.data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise FileRejected(source.name, f"the XML declares a document type or entities ({type(exc).__name__}), "
                                        "which sendboard refuses for safety (they can be used to attack the server)",
                           "a Common Transfer File without a <!DOCTYPE> or <!ENTITY> declaration") from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise FileRejected(source.name, f"the XML is not well formed ({exc})",
                           "a complete, well-formed Common Transfer File", location=f"line {line}, column {col}") from None
    for el in root.iter():  # a file written with a default namespace reads the same
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def _text(el, *paths: str) -> str:
    """The text of the first of these child paths that is present (spec position first, older positions after)."""
    if el is None:
        return ""
    for path in paths:
        child = el.find(path)
        if child is not None and child.text and child.text.strip():
            return child.text.strip()
    return ""


def _file_datetime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def year_group_at(nc_year: str, file_year: int, dob: date | None, import_year: int) -> tuple[int | None, str | None]:
    """The national curriculum year at the date of import. The file's NCyearActual is the year in the academic
    year the file was made (file_year); pupils move up one year each 1 September, so it is moved on by the
    academic years between that and the import. Without a usable NCyearActual (absent, or X: not following
    the national curriculum year), the year follows from the date of birth as in England: a child born between
    1 September of one year and 31 August of the next starts Reception in the September after turning four,
    so year = academic year of import - academic year of birth - 5 (Reception = 0)."""
    t = nc_year.strip().upper()
    if t in ("N1", "N2"):
        return None, "a school year from Reception (R) to 14 (sendboard does not hold nursery pupils)"
    year = 0 if t in ("R", "REC", "RECEPTION") else int(t) if t.isdigit() else None
    if year is not None:
        year += import_year - file_year
    elif dob is not None:
        year = import_year - academic_year_of(dob) - 5
    else:
        return None, "an NCyearActual or a date of birth to work out the year group from"
    if not 0 <= year <= 14:
        return None, f"a year group from Reception to 14 at the date of import (the file implies {year})"
    return year, None


def _term_of_date(ctx: Context, d: date) -> int:
    """The term a date falls in: from sendboard's calendar when held, else autumn September to December,
    spring January to Easter (taken as the end of March) and summer April to August."""
    for tid, s, e in zip(ctx.terms["term_id"], ctx.terms["start_date"], ctx.terms["end_date"]):
        if pd.Timestamp(s).date() <= d <= pd.Timestamp(e).date():
            return int(tid)
    ay = academic_year_of(d)
    return ay * 10 + (1 if d.month >= ACADEMIC_YEAR_START_MONTH else 2 if d.month <= 3 else 3)


def _keep_held_name(from_file: str, held: str | None, partial: bool) -> str:
    """A name as the file gives it, unless it is in capitals and the name held is in mixed case: a partial file
    never overwrites it so; a full file does only when it is a different name, not the same in capitals."""
    if not held or not from_file:
        return from_file or (held or "")
    if from_file.isupper() and not held.isupper() and (partial or from_file == held.upper()):
        return held
    return from_file


def _subject(stage: str, subject: str, component: str) -> tuple[str, bool]:
    """The subject as stored ('KS2 Reading') and whether it is the multiplication tables check."""
    words = SUBJECT_NAMES.get(subject.upper(), subject)
    if stage.upper() == "MTC" or subject.upper() in ("MTC", "MULTIPLICATION TABLES CHECK") or "MULTIPLICATION" in subject.upper():
        return "KS2 multiplication tables check", True
    return (f"{stage} {words}".strip() if stage else words), False


def stage_ctf(source: SourceFile, ctx: Context, problems: list[Problem]):
    root = _parse(source)
    if root.tag != "CTfile":
        raise FileRejected(source.name, f"the root element is <{root.tag}>", "a Common Transfer File (root element <CTfile>)")
    pupils_el = root.find("CTFpupilData")
    if pupils_el is None:
        raise FileRejected(source.name, "there is no <CTFpupilData> element", "<CTfile><CTFpupilData><Pupil>…")
    name = source.name
    latest = ctx.today
    notes: list[str] = []

    def bad(where, field, found, expected):
        problems.append(Problem(name, where, field, found, expected))

    # ------------------------------------------------------------------ header
    header = root.find("Header")
    version = _text(header, "CTFversion", "Version")
    qualifier = _text(header, "DocumentQualifier").lower()
    stamp = _text(header, "DateTime")
    src = header.find("SourceSchool") if header is not None else None
    dest = header.find("DestSchool") if header is not None else None
    if qualifier and qualifier not in ("full", "partial"):
        bad("Header/DocumentQualifier", "DocumentQualifier", qualifier, "full or partial")
    partial = qualifier == "partial"
    m = re.match(r"^(\d+)(?:\.\d+)?$", version)
    if version and not m:
        bad("Header/CTFversion", "CTFversion", version, "a CTF version number such as 19.0 or 25.0")
    elif m and int(m.group(1)) < FIRST_SPEC_VERSION:
        notes.append(f"this is a version {version} file; sendboard is built to versions {FIRST_SPEC_VERSION} onward and "
                     "read it as one of those (check the pupils it brings)")
    made = _file_datetime(stamp) if stamp else None
    if stamp and made is None:
        bad("Header/DateTime", "DateTime", stamp, "a date and time such as 2026-01-15T09:30:00")
    if made is not None and made.date() > latest + DAY:
        bad("Header/DateTime", "DateTime", stamp, "a date no later than today (the file says it was made in the future)")
        made = None
    file_year_text = _text(src, "AcademicYear")
    file_year = (int(file_year_text) if file_year_text.isdigit() else
                 academic_year_of(made.date()) if made else ctx.academic_year)
    school_id = ctx.school_id
    dest_urn = _text(dest, "URN")
    if dest_urn:
        named = ctx.school_of_value(dest_urn)
        if school_id is None:
            school_id = named
        elif named is None or named != school_id:
            bad("Header/DestSchool/URN", "URN", dest_urn,
                f"the URN of the school importing it, {ctx.school_label(school_id)}: this file is addressed to another school")
    if school_id is None:
        raise FileRejected(name, "this import is for several schools and the file's DestSchool does not name one of them by URN",
                           "choose the school the file is for (on the command line: --school URN)")
    source_desc = None
    if header is not None:
        parts = [p for p in (_text(src, "SchoolName"), f"URN {_text(src, 'URN')}" if _text(src, "URN") else "",
                             f"LA {_text(src, 'LEA')}" if _text(src, "LEA") else "",
                             f"establishment {_text(src, 'Estab')}" if _text(src, "Estab") else "") if p]
        source_desc = (f"Common Transfer File{' ' + version if version else ''}, {qualifier or 'qualifier not given'}, from "
                       + (", ".join(parts) if parts else "a school it does not name"))

    # ------------------------------------------------------------------ what is held, for partial files and history
    held_rows = {}
    if ctx.held is not None and len(ctx.held):
        for u, f, last, d, g, e in ctx.held[["upn", "first_name", "last_name", "date_of_birth", "gender", "entry_date"]].itertuples(index=False):
            held_rows[u] = (f, last, pd.Timestamp(d).date(), g, pd.Timestamp(e).date())
    held_prov: dict[str, list] = {}
    for u, c, s, e in ctx.provision[["upn", "code", "start_date", "end_date"]].itertuples(index=False):
        held_prov.setdefault(u, []).append((pd.Timestamp(s).date(), c, None if pd.isna(e) else pd.Timestamp(e).date()))
    held_needs: dict[str, list] = {}
    if ctx.needs is not None:
        open_n = ctx.needs[ctx.needs["end_date"].isna()]
        for u, c, k, s in open_n[["upn", "need_code", "need_rank", "start_date"]].itertuples(index=False):
            held_needs.setdefault(u, []).append((c, int(k), pd.Timestamp(s).date()))

    def get_date(el, tags, where, required=True, earliest=EARLIEST):
        tags = (tags,) if isinstance(tags, str) else tags
        value = _text(el, *tags)
        tag = tags[0].split("/")[-1]
        if not value:
            if required:
                bad(f"{where}/{tag}", tag, "", "a date (yyyy-mm-dd)")
            return None
        d, err = parse_date(value)
        if err:
            bad(f"{where}/{tag}", tag, value, err)
            return None
        if d < earliest or d > latest + DAY:
            bad(f"{where}/{tag}", tag, value, f"a date from {earliest:%d/%m/%Y} to today")
            return None
        return d

    pupils, enrol, prov, needs, att, asm = [], [], [], [], [], []
    seen: dict[str, int] = {}
    skipped_results, extra_ranks, n_new, own_years = 0, 0, 0, 0
    terms = {int(t) for t in ctx.terms["term_id"]}
    labels = {str(label).lower(): int(t) for t, label in zip(ctx.terms["term_id"], ctx.terms["label"])}
    base_school = {"_file": name, "_school": school_id}

    for i, p in enumerate(pupils_el.findall("Pupil"), start=1):
        where = f"CTFpupilData/Pupil[{i}]"
        upn = _text(p, "UPN", "BasicDetails/UPN").upper()
        why = upn_problem(upn) if upn else "a UPN"
        if why:
            bad(f"{where}/UPN", "UPN", upn, why)
            continue
        if upn in seen:
            bad(f"{where}/UPN", "UPN", upn, f"each pupil once in the file (also at Pupil[{seen[upn]}])")
            continue
        seen[upn] = i
        held = held_rows.get(upn) if upn not in ctx.elsewhere else None
        surname = _text(p, "Surname", "BasicDetails/Surname")
        forename = _text(p, "Forename", "BasicDetails/Forename")
        dob = get_date(p, ("DOB", "BasicDetails/DOB"), where, required=held is None)
        sex_raw = _text(p, "Sex", "Gender", "BasicDetails/Sex", "BasicDetails/Gender")
        gender = _gender(sex_raw) if sex_raw else None
        if held is None:
            if not surname:
                bad(f"{where}/Surname", "Surname", "", "a surname (the pupil is new to this school)")
            if not forename:
                bad(f"{where}/Forename", "Forename", "", "a forename (the pupil is new to this school)")
        if sex_raw and gender is None:
            bad(f"{where}/Sex", "Sex", sex_raw, "F or M")
        elif not sex_raw and held is None:
            bad(f"{where}/Sex", "Sex", "", "F or M (the pupil is new to this school)")
        admitted = get_date(p, ("AdmissionDate", "BasicDetails/AdmissionDate", "DateOfAdmission", "EntryDate"), where,
                            required=False)
        if held is not None:
            surname = _keep_held_name(surname, held[1], partial)
            forename = _keep_held_name(forename, held[0], partial)
            dob = dob or held[2]
            gender = gender or held[3]
        else:
            n_new += 1
        pupils.append({"upn": upn, "first_name": forename, "last_name": surname, "date_of_birth": dob, "gender": gender,
                       "school_id": school_id, "fsm": False, "eal": False, "disadvantaged": False,
                       "entry_date": admitted or (held[4] if held else ctx.today), "leaving_date": None,
                       "_where": where, **base_school})
        nc = _text(p, "BasicDetails/NCyearActual", "NCyearActual")
        if held is None or nc:
            year, err = year_group_at(nc, file_year, dob, ctx.academic_year)
            if err:
                bad(f"{where}/BasicDetails/NCyearActual", "NCyearActual", nc, err)
            else:
                enrol.append({"upn": upn, "academic_year": ctx.academic_year, "year_group": year, "_where": where, **base_school})
                ctx.pupil_years[upn] = year

        # ---------------------------------------------------------- SEN history, as a sequence
        sen = p.find("SENhistory")
        # needs sit inside SENhistory in the specification; a file with them beside it is read the same way
        need_els = [(f"{where}/SENhistory/SENneeds/SENneed", n) for n in (sen.findall("SENneeds/SENneed") if sen is not None else [])]
        need_els += [(f"{where}/SENneeds/SENneed", n) for n in p.findall("SENneeds/SENneed")]
        if sen is not None or need_els:
            entries = []
            for j, s in enumerate(sen.findall("SEN") if sen is not None else [], start=1):
                w = f"{where}/SENhistory/SEN[{j}]"
                code = _text(s, "SENprovision").upper()
                if code not in PROVISION_CODES:
                    bad(f"{w}/SENprovision", "SENprovision", code, "a SEN provision code: " + ", ".join(PROVISION_CODES))
                    continue
                start = get_date(s, "StartDate", w)
                end = get_date(s, "EndDate", w, required=False)
                if start is None:
                    continue
                if end and end < start:
                    bad(f"{w}/EndDate", "EndDate", str(end), "an end date on or after the start date")
                    continue
                entries.append((start, code, end, w))
            starts = [e[0] for e in entries]
            for start in {d for d in starts if starts.count(d) > 1}:
                ws = [e[3] for e in entries if e[0] == start]
                bad(ws[1] + "/StartDate", "StartDate", f"{start:%Y-%m-%d}",
                    f"one SEN record per start date (also at {ws[0].split('/')[-1]})")
            file_starts = set(starts)
            # what the school holds from before, not restated by the file, takes its place in the sequence
            merged = sorted(entries + [(s, c, e, None) for s, c, e in held_prov.get(upn, []) if s not in file_starts],
                            key=lambda e: e[0])
            for k, (start, code, end, w) in enumerate(merged):
                if k + 1 < len(merged):
                    next_start = merged[k + 1][0]
                    end = min(end, next_start - DAY) if end else next_start - DAY
                if w is not None:
                    prov.append({"upn": upn, "code": code, "start_date": start, "end_date": end, "_where": w, **base_school})
                elif end != next((e for s, c, e in held_prov[upn] if s == start), None):
                    prov.append({"upn": upn, "code": code, "start_date": start, "end_date": end,
                                 "_where": f"{where}/SENhistory (ends a provision held)", **base_school})
            # needs without their own dates belong to the pupil's latest unbroken run of SEN provision (K then E
            # is one run; an N between two runs breaks it), so they start when that run began
            run_start = latest_run = None
            for start, code, _, _ in merged:
                if code == "N":
                    run_start = None
                else:
                    run_start = run_start or start
                    latest_run = run_start
            default_start = latest_run or (made.date() if made else ctx.today)
            ended_by = merged[-1][0] - DAY if merged and merged[-1][1] == "N" and merged[-1][0] > default_start else None
            ranks_seen: dict[int, str] = {}
            for j, (path, n) in enumerate(need_els, start=1):
                w = f"{path}[{j}]"
                code = _text(n, "SENtype").upper()
                if code not in ctx.need_codes:
                    bad(f"{w}/SENtype", "SENtype", code, "a census type-of-need code: " + ", ".join(sorted(ctx.need_codes)))
                    continue
                rank_text = _text(n, "SENtypeRank")
                if not rank_text.isdigit() or not 1 <= int(rank_text) <= 99:
                    bad(f"{w}/SENtypeRank", "SENtypeRank", rank_text, "a rank from 1 (the primary need) upwards")
                    continue
                rank = int(rank_text)
                if rank in ranks_seen:
                    bad(f"{w}/SENtypeRank", "SENtypeRank", rank_text, f"each rank once (rank {rank} is also {ranks_seen[rank]})")
                    continue
                ranks_seen[rank] = code
                if rank > 2:
                    extra_ranks += 1
                    continue
                start = get_date(n, ("StartDate", "NeedStartDate"), w, required=False) or default_start
                end = get_date(n, ("EndDate", "NeedEndDate"), w, required=False)
                if end is None and ended_by is not None:
                    end = ended_by
                if end and end < start:
                    bad(f"{w}/EndDate", "EndDate", f"{end:%Y-%m-%d}", "an end date on or after the need's start date")
                    continue
                needs.append({"upn": upn, "need_code": code, "need_rank": rank, "start_date": start, "end_date": end,
                              "_where": w, **base_school})
                # a different need held at this rank ends the day before this one starts
                for h_code, h_rank, h_start in held_needs.get(upn, []):
                    if h_rank == rank and h_code != code and h_start < start:
                        needs.append({"upn": upn, "need_code": h_code, "need_rank": h_rank, "start_date": h_start,
                                      "end_date": start - DAY, "_where": f"{w} (ends the need held)", **base_school})

        # ---------------------------------------------------------- attendance
        for j, y in enumerate(p.findall("Attendance/YearData"), start=1):
            w = f"{where}/Attendance/YearData[{j}]"
            year = _text(y, "Year")
            numbers = {k: _text(y, k) for k in ("SessionsPossible", "SessionsAttended", "SessionsAuthorised", "SessionsUnauthorised")}
            if not re.fullmatch(r"\d{4}", year):
                bad(f"{w}/Year", "Year", year, "the academic year the sessions belong to, e.g. 2025 for 2025/26")
                continue
            if not numbers["SessionsPossible"].isdigit():
                bad(f"{w}/SessionsPossible", "SessionsPossible", numbers["SessionsPossible"], "a whole number of sessions")
                continue
            if held is not None and int(year) >= academic_year_of(held[4]):
                own_years += 1  # the pupil was on this school's roll that year: its own attendance records stand
                continue
            possible = int(numbers["SessionsPossible"])
            if numbers["SessionsAttended"].isdigit():
                attended = int(numbers["SessionsAttended"])
            elif numbers["SessionsAuthorised"].isdigit() and numbers["SessionsUnauthorised"].isdigit():
                attended = possible - int(numbers["SessionsAuthorised"]) - int(numbers["SessionsUnauthorised"])
            else:
                bad(f"{w}/SessionsAttended", "SessionsAttended", numbers["SessionsAttended"],
                    "a whole number of sessions attended (or SessionsAuthorised and SessionsUnauthorised)")
                continue
            if not 0 <= attended <= possible:
                bad(f"{w}/SessionsAttended", "SessionsAttended", str(attended), f"0 to {possible} (the possible sessions)")
                continue
            # a year's sessions are recorded against that year's summer term (sendboard records attendance by term)
            att.append({"upn": upn, "term_id": int(year) * 10 + 3, "possible_sessions": possible, "attended_sessions": attended,
                        "_where": w, **base_school})
        for j, t in enumerate(p.findall("Attendance/TermlySessionDetails/TermlySessions"), start=1):
            w = f"{where}/Attendance/TermlySessionDetails/TermlySessions[{j}]"
            year, term = _text(t, "AcademicYear"), _text(t, "Term")
            if not (year.isdigit() and term in ("1", "2", "3")):
                bad(f"{w}/Term", "Term", f"{year} term {term}", "an AcademicYear and a Term 1, 2 or 3")
                continue
            try:
                possible, attended = int(_text(t, "SessionsPossible")), int(_text(t, "SessionsAttended"))
            except ValueError:
                bad(f"{w}/SessionsPossible", "SessionsPossible", _text(t, "SessionsPossible"), "whole numbers of sessions")
                continue
            if not 0 <= attended <= possible:
                bad(f"{w}/SessionsAttended", "SessionsAttended", str(attended), f"0 to {possible} (the possible sessions)")
                continue
            att.append({"upn": upn, "term_id": int(year) * 10 + int(term), "possible_sessions": possible,
                        "attended_sessions": attended, "_where": w, **base_school})

        # ---------------------------------------------------------- key stage assessments
        for k, ks in enumerate(p.findall("StageAssessments/KeyStage"), start=1):
            stage = _text(ks, "Stage")
            for j, a in enumerate(ks.findall("StageAssessment"), start=1):
                w = f"{where}/StageAssessments/KeyStage[{k}]/StageAssessment[{j}]"
                result = _text(a, "Result")
                try:
                    score = float(result)
                except ValueError:
                    skipped_results += 1  # a teacher assessment or status code (EXS, A, ...): not a score
                    continue
                subject, mtc = _subject(stage, _text(a, "Subject", "SubjectCode"), _text(a, "Component"))
                term_text, year, when = _text(a, "Term"), _text(a, "Year"), _text(a, "ResultDate")
                if term_text:
                    tid = int(term_text) if term_text.isdigit() and int(term_text) in terms else labels.get(term_text.lower())
                    if tid is None:
                        bad(f"{w}/Term", "Term", term_text, "a term held in sendboard")
                        continue
                elif when:
                    d = get_date(a, "ResultDate", w, required=False)
                    if d is None:
                        continue
                    tid = _term_of_date(ctx, d)
                elif re.fullmatch(r"\d{4}", year):
                    tid = (int(year) - 1) * 10 + 3  # statutory tests are taken in May: the summer term of the year ending then
                else:
                    bad(f"{w}/Year", "Year", year, "the year of the assessment (or a ResultDate)")
                    continue
                qualifier, method = _text(a, "ResultQualifier"), _text(a, "Method")
                if mtc:
                    scale, expected = "MTC score (0 to 25)", None
                elif stage.upper() == "KS2" and 80 <= score <= 120 and subject.split(" ", 1)[-1] in (
                        "Reading", "Maths", "Grammar, punctuation and spelling"):
                    scale, expected = "KS2 scaled score", 100.0
                else:
                    scale, expected = qualifier or method or "score", None
                asm.append({"upn": upn, "term_id": tid, "subject": subject, "score": score, "scale": scale,
                            "expected_standard": expected, "_where": w, **base_school})
    if not seen and not problems:
        raise FileRejected(name, "the file holds no <Pupil> elements", "at least one pupil")
    if skipped_results:
        notes.append(f"{skipped_results:,} key stage result(s) that are not numbers (teacher assessment codes such as EXS, "
                     "or status codes) were read but not stored: sendboard stores scores")
    if extra_ranks:
        notes.append(f"{extra_ranks:,} need(s) ranked 3 or lower were read but not stored: sendboard records a primary "
                     "and a secondary need")
    if own_years:
        notes.append(f"{own_years:,} year(s) of attendance for pupils already on this school's roll in those years were "
                     "left out: the school's own attendance records stand")
    if n_new:
        notes.append(f"{n_new:,} pupil(s) are new to this school: they are enrolled from "
                     f"{'their admission date' if any(r['entry_date'] != ctx.today for r in pupils) else 'today'}, in the "
                     "year group the file implies for today")

    def cols(rows, c):
        return pd.DataFrame(rows, columns=c + ["_file", "_where", "_school"])
    asm_frame = cols(asm, ["upn", "term_id", "subject", "score", "scale", "expected_standard"]).drop_duplicates(
        ["upn", "term_id", "subject"], keep="last")
    staged = [
        Staged("pupils", cols(pupils, ["upn", "first_name", "last_name", "date_of_birth", "gender", "school_id", "fsm", "eal",
                                       "disadvantaged", "entry_date", "leaving_date"]),
               ["first_name", "last_name", "date_of_birth", "gender", "entry_date"]),
        Staged("enrolments", cols(enrol, ["upn", "academic_year", "year_group"]), ["year_group"]),
        Staged("sen_provision", cols(prov, ["upn", "code", "start_date", "end_date"]), ["code", "end_date"]),
        Staged("sen_needs", cols(needs, ["upn", "need_code", "need_rank", "start_date", "end_date"]).drop_duplicates(
            ["upn", "need_code", "start_date"], keep="first"), ["need_rank", "end_date"]),
        Staged("attendance", cols(att, ["upn", "term_id", "possible_sessions", "attended_sessions"]).drop_duplicates(
            ["upn", "term_id"], keep="last"), ["possible_sessions", "attended_sessions"]),
        Staged("assessments", asm_frame, ["score", "scale", "expected_standard"]),
    ]
    info = FileInfo(name, source.sha256, "ctf", len(seen), source=source_desc, file_date=made, notes=notes)
    return info, staged
