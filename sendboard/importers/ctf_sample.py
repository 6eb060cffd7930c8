"""A generator of Common Transfer Files shaped as the DfE specification describes them (versions 19 onward),
for the shipped sample and the 1,500-pupil benchmark.

    python -m sendboard.importers.ctf_sample data/samples/sample_ctf.xml --pupils 12

Each pupil has the basics (UPN, names, DOB, sex, BasicDetails/NCyearActual); about one in five has an SEN
history carried the way CTFs carry it (records with a start date only, a later one replacing the one before)
and ranked needs; with full=True every pupil also has attendance for past years and key stage 2 results
(reading, maths, grammar punctuation and spelling scaled scores, and the multiplication tables check).
"""
from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from ..upn import upn_check_letter

FORENAMES = {"F": ["Amelia", "Isla", "Ava", "Mia", "Freya", "Zara", "Maya", "Aisha", "Sofia", "Lily"],
             "M": ["Oliver", "George", "Noah", "Leo", "Arthur", "Yusuf", "Jacob", "Harry", "Ibrahim", "Theo"]}
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Khan", "Patel", "Davies", "Evans", "Thomas",
            "Roberts", "Ahmed", "Walker", "Wright", "Hussain", "Green", "Hall", "Clarke", "Begum"]
NEEDS = ["SPLD", "SEMH", "SLCN", "ASD", "MLD", "SLD", "HI", "VI", "PD", "OTH"]


def make_upn(n: int, la: str = "383") -> str:
    body = f"{la}{2026 % 100:02d}0{n:06d}"[:12].ljust(12, "0")
    return upn_check_letter(body) + body


def header_xml(*, version: str = "25.0", made: str = "2026-01-15T09:00:00", qualifier: str = "full",
               source_urn: str = "100009", source_name: str = "Sample Primary School", academic_year: int = 2025,
               dest_urn: str | None = None) -> str:
    dest = f"<DestSchool><LEA>383</LEA><Estab>4002</Estab>{f'<URN>{dest_urn}</URN>' if dest_urn else ''}</DestSchool>"
    return ("<Header><DocumentName>Common Transfer File</DocumentName>"
            f"<CTFversion>{version}</CTFversion><DateTime>{made}</DateTime>"
            f"<DocumentQualifier>{qualifier}</DocumentQualifier><SupplierID>sendboard-sample</SupplierID>"
            f"<SourceSchool><LEA>383</LEA><Estab>2001</Estab><URN>{source_urn}</URN><SchoolName>{escape(source_name)}</SchoolName>"
            f"<AcademicYear>{academic_year}</AcademicYear></SourceSchool>{dest}</Header>")


def ctf_xml(pupils: int = 12, *, seed: int = 7, academic_year: int = 2025, start_number: int = 500000,
            version: str = "25.0", full: bool = False, sex_element: str = "Sex", qualifier: str = "full") -> str:
    rng = random.Random(seed)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<CTfile>",
           header_xml(version=version, made=f"{academic_year + 1}-01-15T09:00:00", qualifier=qualifier,
                      academic_year=academic_year), "<CTFpupilData>"]
    for i in range(pupils):
        upn = make_upn(start_number + i)
        nc_year = rng.randint(1, 11)
        birth_ay = academic_year - nc_year - 5
        dob = date(birth_ay, 9, 1) + timedelta(days=rng.randint(0, 364))
        sex = rng.choice("FM")
        out.append("<Pupil>")
        out.append(f"<UPN>{upn}</UPN><Surname>{escape(rng.choice(SURNAMES))}</Surname>"
                   f"<Forename>{escape(rng.choice(FORENAMES[sex]))}</Forename><DOB>{dob.isoformat()}</DOB>"
                   f"<{sex_element}>{sex}</{sex_element}>"
                   f"<BasicDetails><NCyearActual>{nc_year}</NCyearActual><EnrolStatus>C</EnrolStatus></BasicDetails>")
        r = rng.random()
        if r < 0.2 or full and r < 0.3:
            first = date(academic_year - rng.randint(1, 3), 9, 1) + timedelta(days=rng.randint(0, 200))
            out.append("<SENhistory>")
            out.append(f"<SEN><StartDate>{first.isoformat()}</StartDate><SENprovision>K</SENprovision></SEN>")
            if r < 0.06:  # SEN support, then an EHC plan from a later date: start dates only, as CTFs carry them
                later = first + timedelta(days=rng.randint(120, 300))
                out.append(f"<SEN><StartDate>{later.isoformat()}</StartDate><SENprovision>E</SENprovision></SEN>")
            needs = rng.sample(NEEDS, 2 if rng.random() < 0.3 else 1)
            out.append("<SENneeds>" + "".join(
                f"<SENneed><SENtype>{n}</SENtype><SENtypeRank>{k}</SENtypeRank></SENneed>" for k, n in enumerate(needs, 1))
                + "</SENneeds>")
            out.append("</SENhistory>")
        if full:
            out.append("<Attendance>")
            for year in (academic_year - 2, academic_year - 1):
                possible = rng.randint(360, 380)
                authorised = min(possible, int(rng.expovariate(1 / 12)))
                unauthorised = min(possible - authorised, int(rng.expovariate(1 / 4)))
                out.append(f"<YearData><Year>{year}</Year><SessionsPossible>{possible}</SessionsPossible>"
                           f"<SessionsAuthorised>{authorised}</SessionsAuthorised>"
                           f"<SessionsUnauthorised>{unauthorised}</SessionsUnauthorised>"
                           f"<SessionsAttended>{possible - authorised - unauthorised}</SessionsAttended></YearData>")
            out.append("</Attendance>")
            if nc_year >= 7:  # key stage 2 was taken in May of the year the pupil was in Year 6
                ks2_year = academic_year - (nc_year - 6) + 1
                out.append("<StageAssessments><KeyStage><Stage>KS2</Stage>")
                for code in ("REA", "MAT", "GPS"):
                    out.append(f"<StageAssessment><Locale>ENG</Locale><Year>{ks2_year}</Year><Subject>{code}</Subject>"
                               "<Method>TT</Method><Component>SCL</Component><ResultStatus>R</ResultStatus>"
                               f"<ResultQualifier>SS</ResultQualifier><Result>{rng.randint(80, 120)}</Result></StageAssessment>")
                out.append(f"<StageAssessment><Locale>ENG</Locale><Year>{ks2_year}</Year><Subject>WRI</Subject>"
                           "<Method>TA</Method><ResultStatus>R</ResultStatus><Result>EXS</Result></StageAssessment>")
                out.append("</KeyStage><KeyStage><Stage>MTC</Stage>"
                           f"<StageAssessment><Year>{ks2_year - 2}</Year><Subject>MTC</Subject><Method>TT</Method>"
                           f"<Result>{rng.randint(5, 25)}</Result></StageAssessment></KeyStage></StageAssessments>")
        out.append("</Pupil>")
    out += ["</CTFpupilData>", "</CTfile>", ""]
    return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pupils", type=int, default=12)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--full", action="store_true", help="attendance and key stage 2 results for every pupil")
    args = parser.parse_args(argv)
    args.out.write_text(ctf_xml(args.pupils, seed=args.seed, full=args.full), encoding="utf-8")


if __name__ == "__main__":
    main()
