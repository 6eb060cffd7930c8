"""A generator of realistic Common Transfer Files, for the shipped sample and the 1,500-pupil benchmark.

    python -m sendboard.importers.ctf_sample data/samples/sample_ctf.xml --pupils 12
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
NEEDS = ["SPLD", "SEMH", "SLCN", "ASD", "MLD", "SLD", "HI", "VI", "PD", "OTH", "NSA"]


def make_upn(n: int, la: str = "383") -> str:
    body = f"{la}{2026 % 100:02d}0{n:06d}"[:12].ljust(12, "0")
    return upn_check_letter(body) + body


def ctf_xml(pupils: int = 12, *, seed: int = 7, academic_year: int = 2025, start_number: int = 500000,
            terms: tuple[int, ...] = ()) -> str:
    rng = random.Random(seed)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<CTfile>", "<Header>",
           "<Document>Common Transfer File</Document>", "<Version>24.0</Version>",
           f"<DateTime>{academic_year + 1}-01-15T09:00:00</DateTime>", "<DocumentQualifier>partial</DocumentQualifier>",
           "<SupplierID>sendboard-sample</SupplierID>",
           "<SourceSchool><LEA>383</LEA><Estab>4001</Estab><URN>100001</URN><SchoolName>Sample Secondary School</SchoolName>"
           f"<AcademicYear>{academic_year}</AcademicYear></SourceSchool>",
           "<DestSchool><LEA>383</LEA><Estab>4002</Estab></DestSchool>", "</Header>", "<CTFpupilData>"]
    for i in range(pupils):
        upn = make_upn(start_number + i)
        year = rng.randint(academic_year - 17, academic_year - 11)
        dob = date(year, 9, 1) + timedelta(days=rng.randint(0, 364))
        gender = rng.choice("FM")
        out.append("<Pupil>")
        out.append(f"<UPN>{upn}</UPN><Surname>{escape(rng.choice(SURNAMES))}</Surname>"
                   f"<Forename>{escape(rng.choice(FORENAMES[gender]))}</Forename><DOB>{dob.isoformat()}</DOB>"
                   f"<Gender>{gender}</Gender>")
        r = rng.random()
        if r < 0.18:
            code = "E" if r < 0.04 else "K"
            start = date(academic_year - rng.randint(0, 3), 9, 1)
            out.append("<SENhistory>")
            if code == "E" and rng.random() < 0.5:
                mid = start + timedelta(days=200)
                out.append(f"<SEN><StartDate>{(start - timedelta(days=365)).isoformat()}</StartDate>"
                           f"<EndDate>{(start - timedelta(days=1)).isoformat()}</EndDate><SENprovision>K</SENprovision></SEN>")
                _ = mid
            out.append(f"<SEN><StartDate>{start.isoformat()}</StartDate><SENprovision>{code}</SENprovision></SEN>")
            needs = rng.sample(NEEDS, 2 if rng.random() < 0.3 else 1)
            out.append("<SENneeds>" + "".join(
                f"<SENneed><SENtype>{n}</SENtype><SENtypeRank>{k}</SENtypeRank></SENneed>" for k, n in enumerate(needs, 1))
                + "</SENneeds>")
            out.append("</SENhistory>")
        if terms:
            out.append("<Attendance><TermlySessionDetails>")
            for t in terms:
                possible = rng.randint(110, 150)
                attended = possible - min(possible, int(rng.expovariate(1 / 8)))
                out.append(f"<TermlySessions><AcademicYear>{t // 10}</AcademicYear><Term>{t % 10}</Term>"
                           f"<SessionsPossible>{possible}</SessionsPossible><SessionsAttended>{attended}</SessionsAttended>"
                           "</TermlySessions>")
            out.append("</TermlySessionDetails></Attendance>")
            out.append("<StageAssessments><KeyStage><Stage>KS3</Stage>")
            for t in terms:
                for subject in ("Reading", "Maths"):
                    out.append(f"<StageAssessment><Term>{t}</Term><Subject>{subject}</Subject><Method>standardised</Method>"
                               f"<Result>{rng.randint(70, 130)}</Result></StageAssessment>")
            out.append("</KeyStage></StageAssessments>")
        out.append("</Pupil>")
    out += ["</CTFpupilData>", "</CTfile>", ""]
    return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pupils", type=int, default=12)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--terms", default="20251", help="term ids for attendance and results, comma-separated ('' for none)")
    args = parser.parse_args(argv)
    terms = tuple(int(t) for t in args.terms.split(",") if t)
    args.out.write_text(ctf_xml(args.pupils, seed=args.seed, terms=terms), encoding="utf-8")


if __name__ == "__main__":
    main()
