"""Common Transfer File (CTF) reader. Parsed with defusedxml: a document type declaration, entity
(billion laughs) or external reference is refused before anything is expanded.

Reads, for each <Pupil> under <CTFpupilData>: UPN, Surname, Forename, DOB, Gender (or Sex); the SEN
history (<SENhistory><SEN><StartDate/><SENprovision/></SEN> and <SENneeds><SENneed><SENtype/>
<SENtypeRank/></SENneed></SENneeds>); termly attendance (<Attendance><TermlySessionDetails>
<TermlySessions><Term>, <SessionsPossible>, <SessionsAttended>, with <AcademicYear>) and assessment results
(<StageAssessments><KeyStage><StageAssessment> with <Subject>, <Result>, <ResultDate> or <Year>).
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, fromstring

from .problems import FileRejected, Problem
from .readers import SourceFile
from .validate import (CENSUS_NEEDS, PROVISION_CODES, Context, Staged, _gender, parse_date, upn_problem, EARLIEST)
from .. import clock


def _parse(source: SourceFile):
    try:
        return fromstring(source.data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise FileRejected(source.name, f"the XML declares a document type or entities ({type(exc).__name__}), "
                                        "which sendboard refuses for safety (they can be used to attack the server)",
                           "a Common Transfer File without a <!DOCTYPE> or <!ENTITY> declaration") from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise FileRejected(source.name, f"the XML is not well formed ({exc})",
                           "a complete, well-formed Common Transfer File", location=f"line {line}, column {col}") from None


def _text(el, tag: str) -> str:
    child = el.find(tag)
    return (child.text or "").strip() if child is not None and child.text else ""


def stage_ctf(source: SourceFile, ctx: Context, problems: list[Problem]):
    from . import FileInfo

    root = _parse(source)
    if root.tag != "CTfile":
        raise FileRejected(source.name, f"the root element is <{root.tag}>", "a Common Transfer File (root element <CTfile>)")
    pupils_el = root.find("CTFpupilData")
    if pupils_el is None:
        raise FileRejected(source.name, "there is no <CTFpupilData> element", "<CTfile><CTFpupilData><Pupil>…")
    name = source.name
    latest = clock.today()
    pupils, prov, needs, att, asm = [], [], [], [], []
    terms = {int(t) for t in ctx.terms["term_id"]}
    labels = {str(l).lower(): int(t) for t, l in zip(ctx.terms["term_id"], ctx.terms["label"])}
    seen = {}

    def bad(where, field, found, expected):
        problems.append(Problem(name, where, field, found, expected))

    def get_date(el, tag, where, required=True):
        value = _text(el, tag)
        if not value:
            if required:
                bad(f"{where}/{tag}", tag, "", "a date (yyyy-mm-dd)")
            return None
        d, err = parse_date(value)
        if err:
            bad(f"{where}/{tag}", tag, value, err)
            return None
        if d < EARLIEST or d > latest:
            bad(f"{where}/{tag}", tag, value, f"a date from {EARLIEST:%d/%m/%Y} to today")
            return None
        return d

    for i, p in enumerate(pupils_el.findall("Pupil"), start=1):
        where = f"CTFpupilData/Pupil[{i}]"
        upn = _text(p, "UPN").upper()
        why = upn_problem(upn) if upn else "a UPN"
        if why:
            bad(f"{where}/UPN", "UPN", upn, why)
            continue
        if upn in seen:
            bad(f"{where}/UPN", "UPN", upn, f"each pupil once in the file (also at Pupil[{seen[upn]}])")
            continue
        seen[upn] = i
        basic = p.find("BasicDetails") if p.find("BasicDetails") is not None else p
        surname, forename = _text(basic, "Surname"), _text(basic, "Forename")
        if not surname:
            bad(f"{where}/Surname", "Surname", "", "a surname")
        if not forename:
            bad(f"{where}/Forename", "Forename", "", "a forename")
        dob = get_date(basic, "DOB", where)
        g_raw = _text(basic, "Gender") or _text(basic, "Sex")
        gender = _gender(g_raw)
        if gender is None:
            bad(f"{where}/Gender", "Gender", g_raw, "F or M")
        pupils.append({"upn": upn, "first_name": forename, "last_name": surname, "date_of_birth": dob, "gender": gender,
                       "school_id": ctx.school_id, "fsm": False, "eal": False, "disadvantaged": False,
                       "entry_date": date(ctx.academic_year, 9, 1), "leaving_date": None,
                       "_file": name, "_where": where})
        sen = p.find("SENhistory")
        if sen is not None:
            for j, s in enumerate(sen.findall("SEN"), start=1):
                w = f"{where}/SENhistory/SEN[{j}]"
                code = _text(s, "SENprovision").upper()
                if code not in PROVISION_CODES:
                    bad(f"{w}/SENprovision", "SENprovision", code, "a SEN provision code: " + ", ".join(PROVISION_CODES))
                start = get_date(s, "StartDate", w)
                end = get_date(s, "EndDate", w, required=False)
                if start and end and end < start:
                    bad(f"{w}/EndDate", "EndDate", str(end), "an end date on or after the start date")
                prov.append({"upn": upn, "code": code, "start_date": start, "end_date": end, "_file": name, "_where": w})
            need_start = min([x["start_date"] for x in prov if x["upn"] == upn and x["start_date"]] or [date(ctx.academic_year, 9, 1)])
            open_start = [x["start_date"] for x in prov if x["upn"] == upn and x["end_date"] is None and x["start_date"]]
            for j, n in enumerate(sen.findall("SENneeds/SENneed"), start=1):
                w = f"{where}/SENhistory/SENneeds/SENneed[{j}]"
                code = _text(n, "SENtype").upper()
                if code not in ctx.need_codes:
                    bad(f"{w}/SENtype", "SENtype", code, "a census type-of-need code: " + ", ".join(CENSUS_NEEDS))
                rank = _text(n, "SENtypeRank")
                if rank not in ("1", "2"):
                    bad(f"{w}/SENtypeRank", "SENtypeRank", rank, "1 or 2")
                    continue
                needs.append({"upn": upn, "need_code": code, "need_rank": int(rank),
                              "start_date": open_start[0] if open_start else need_start, "end_date": None,
                              "_file": name, "_where": w})
        for j, t in enumerate(p.findall("Attendance/TermlySessionDetails/TermlySessions"), start=1):
            w = f"{where}/Attendance/TermlySessionDetails/TermlySessions[{j}]"
            year, term = _text(t, "AcademicYear"), _text(t, "Term")
            tid = None
            if year.isdigit() and term in ("1", "2", "3"):
                tid = int(year) * 10 + int(term)
            if tid not in terms:
                bad(f"{w}/Term", "Term", f"{year} term {term}", "a term held in sendboard (AcademicYear and Term 1, 2 or 3)")
                continue
            try:
                possible, attended = int(_text(t, "SessionsPossible")), int(_text(t, "SessionsAttended"))
            except ValueError:
                bad(f"{w}/SessionsPossible", "SessionsPossible", _text(t, "SessionsPossible"), "whole numbers of sessions")
                continue
            if not 0 <= attended <= possible:
                bad(f"{w}/SessionsAttended", "SessionsAttended", str(attended), f"0 to {possible} (the possible sessions)")
                continue
            att.append({"upn": upn, "term_id": tid, "possible_sessions": possible, "attended_sessions": attended,
                        "_file": name, "_where": w})
        for j, a in enumerate(p.findall("StageAssessments/KeyStage/StageAssessment"), start=1):
            w = f"{where}/StageAssessments/KeyStage/StageAssessment[{j}]"
            term_text = _text(a, "Term")
            tid = int(term_text) if term_text.isdigit() and int(term_text) in terms else labels.get(term_text.lower())
            if tid is None:
                bad(f"{w}/Term", "Term", term_text, "a term held in sendboard")
                continue
            try:
                score = float(_text(a, "Result"))
            except ValueError:
                bad(f"{w}/Result", "Result", _text(a, "Result"), "a numeric result")
                continue
            asm.append({"upn": upn, "term_id": tid, "subject": _text(a, "Subject") or "(blank)", "score": score,
                        "scale": _text(a, "Method") or "score", "expected_standard": None, "_file": name, "_where": w})
    if not seen and not problems:
        raise FileRejected(name, "the file holds no <Pupil> elements", "at least one pupil")
    cols = lambda rows, c: pd.DataFrame(rows, columns=c + ["_file", "_where"])
    staged = [
        Staged("pupils", cols(pupils, ["upn", "first_name", "last_name", "date_of_birth", "gender", "school_id", "fsm", "eal",
                                       "disadvantaged", "entry_date", "leaving_date"]),
               ["first_name", "last_name", "date_of_birth", "gender"]),
        Staged("sen_provision", cols(prov, ["upn", "code", "start_date", "end_date"]), ["code", "end_date"]),
        Staged("sen_needs", cols(needs, ["upn", "need_code", "need_rank", "start_date", "end_date"]), ["need_rank"]),
        Staged("attendance", cols(att, ["upn", "term_id", "possible_sessions", "attended_sessions"]),
               ["possible_sessions", "attended_sessions"]),
        Staged("assessments", cols(asm, ["upn", "term_id", "subject", "score", "scale", "expected_standard"]), ["score", "scale"]),
    ]
    staged[2].frame = staged[2].frame.drop_duplicates(["upn", "need_code", "start_date"])
    info = FileInfo(name, source.sha256, "ctf", len(seen))
    return info, staged
