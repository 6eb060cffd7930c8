"""A tiny school whose figures can be worked out by hand, for tests that check numbers on pages.

Oak Lane Academy (secondary), academic years 2024/25 and 2025/26. 20 pupils on roll in 2025/26:
pupils 1-10 in Year 7 (form 7A, taught by Tess Teach = user 'teacher'), 11-20 in Year 8 (form 8A,
taught by Tom Second = user 'teacher2'). As at 2026-01-15:
  - SEN support (K): pupils 1, 2, 3, 11  -> 4 of 20 = 20%
  - EHC plan (E):   pupils 4, 12          -> 2 of 20 = 10%
  - pupil 5 was on SEN support from 2024-09-01 to 2025-07-31, then N (off the register).
  - primary needs: 1 SPLD, 2 SPLD, 3 SEMH, 11 SLCN, 4 ASD, 12 ASD; secondary need: 4 SLCN.
  - girls are pupils 1-5 and 11-15 (F); the rest are boys. Disadvantaged: 1, 3, 4, 11, 16.
A second school (Elm Road, same trust) holds pupil 21 on SEN support, who only the trust user sees.
Tests add the rows their own feature needs on top of this.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sendboard import auth
from sendboard.db import open_database
from sendboard.upn import upn_check_letter

PASSWORD = "fixture-password-1"
TODAY = date(2026, 1, 20)
SCHOOL = 1
OTHER_SCHOOL = 2


def build_fixture(path: Path):
    db = open_database(path)
    cur = db.cursor()
    cur.execute("INSERT INTO schools VALUES (1, '100001', 'Oak Lane Academy', 'secondary', 'Leeds', 'Fixture Trust'),"
                " (2, '100002', 'Elm Road School', 'secondary', 'Leeds', 'Fixture Trust')")
    for year in (2024, 2025):
        cur.execute("INSERT INTO academic_years VALUES ($y, $l, $s, $e)",
                    {"y": year, "l": f"{year}/{str(year + 1)[2:]}", "s": date(year, 9, 1), "e": date(year + 1, 8, 31)})
        for n, term, start, end, census in (
            (1, "autumn", date(year, 9, 1), date(year, 12, 31), date(year, 10, 2)),
            (2, "spring", date(year + 1, 1, 1), date(year + 1, 4, 14), date(year + 1, 1, 15)),
            (3, "summer", date(year + 1, 4, 15), date(year + 1, 8, 31), date(year + 1, 5, 21)),
        ):
            label = f"{term.title()} {start.year}"
            cur.execute("INSERT INTO terms VALUES ($id, $y, $t, $n, $l, $s, $e, $c)",
                        {"id": year * 10 + n, "y": year, "t": term, "n": n, "l": label, "s": start, "e": end, "c": census})
    girls = set(range(1, 6)) | set(range(11, 16))
    disadvantaged = {1, 3, 4, 11, 16}
    for pid in range(1, 22):
        school = OTHER_SCHOOL if pid == 21 else SCHOOL
        year_group = 7 if pid <= 10 else 8
        birth_year = 2014 if year_group == 7 else 2013
        base = f"3832000250{pid:02d}"
        upn = upn_check_letter(base) + base
        cur.execute(
            "INSERT INTO pupils VALUES ($id, $school, $upn, $first, $last, $dob, $g, $dis, $dis, false, $entry, NULL)",
            {"id": pid, "school": school, "upn": upn, "first": f"Pupil{pid:02d}", "last": f"Fixture{pid:02d}",
             "dob": date(birth_year, 1 + pid % 12, 10), "g": "F" if pid in girls else "M",
             "dis": pid in disadvantaged, "entry": date(2024, 9, 1)})
        for year in (2024, 2025):
            cur.execute("INSERT INTO enrolments VALUES ($p, $s, $y, $g)",
                        {"p": pid, "s": school, "y": year, "g": year_group - (2025 - year)})
    provision = [(1, "K"), (2, "K"), (3, "K"), (11, "K"), (4, "E"), (12, "E"), (21, "K")]
    for pid, code in provision:
        cur.execute("INSERT INTO sen_provision (pupil_id, code, start_date) VALUES ($p, $c, DATE '2024-09-01')",
                    {"p": pid, "c": code})
    cur.execute("INSERT INTO sen_provision (pupil_id, code, start_date, end_date) VALUES (5, 'K', DATE '2024-09-01', DATE '2025-07-31')")
    cur.execute("INSERT INTO sen_provision (pupil_id, code, start_date) VALUES (5, 'N', DATE '2025-08-01')")
    needs = [(1, "SPLD", 1), (2, "SPLD", 1), (3, "SEMH", 1), (11, "SLCN", 1), (4, "ASD", 1), (12, "ASD", 1),
             (4, "SLCN", 2), (21, "MLD", 1)]
    for pid, code, rank in needs:
        cur.execute("INSERT INTO sen_needs (pupil_id, need_code, need_rank, start_date) VALUES ($p, $c, $r, DATE '2024-09-01')",
                    {"p": pid, "c": code, "r": rank})
    cur.execute("INSERT INTO staff VALUES (101, 1, 'Tess', 'Teach', 'tess@oak.sch.uk', 'teacher', 1.0, 38000, DATE '2020-09-01', NULL),"
                " (102, 1, 'Tom', 'Second', 'tom@oak.sch.uk', 'teacher', 1.0, 36000, DATE '2021-09-01', NULL),"
                " (103, 1, 'Sam', 'Senco', 'sam@oak.sch.uk', 'senco', 1.0, 45000, DATE '2019-09-01', NULL),"
                " (104, 1, 'Ann', 'Assistant', NULL, 'teaching_assistant', 0.8, 21000, DATE '2022-09-01', NULL)")
    cur.execute("INSERT INTO staff_role_costs VALUES (1, 'teacher', 40), (1, 'teaching_assistant', 18), (1, 'senco', 45)")
    cur.execute("INSERT INTO teaching_groups VALUES (201, 1, 2025, '7A', 'form', NULL, 7), (202, 1, 2025, '8A', 'form', NULL, 8)")
    cur.execute("INSERT INTO group_teachers VALUES (201, 101, DATE '2025-09-01', NULL), (202, 102, DATE '2025-09-01', NULL)")
    for pid in range(1, 21):
        cur.execute("INSERT INTO group_members VALUES ($g, $p, DATE '2025-09-01', NULL)", {"g": 201 if pid <= 10 else 202, "p": pid})
    shared_hash = auth.hash_password(PASSWORD)
    for username, role, staff_id, schools, trust in (
        ("head", "head", None, [1], None), ("senco", "senco", 103, [1], None), ("teacher", "teacher", 101, [1], None),
        ("teacher2", "teacher", 102, [1], None), ("governor", "governor", None, [1], None),
        ("admin", "admin", None, [1], None), ("trust", "trust", None, [], "Fixture Trust"),
    ):
        auth.add_user(db, "fixture", username=username, display_name=username.title(), role=role, password=None,
                      password_hash=shared_hash, school_ids=schools, staff_id=staff_id, trust=trust,
                      email=f"{username}@oak.sch.uk", first_accounts=True)
    return db
