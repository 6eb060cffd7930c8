"""Import timings for ``sendboard bench``: a 1,500-pupil Common Transfer File and one million assessment
rows from CSV, each validated and committed into a fresh copy of a small school database."""
from __future__ import annotations

import time
from pathlib import Path


def _fresh_db(folder: Path, name: str):
    from ..db import open_database

    path = folder / f"{name}.duckdb"
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()
    db = open_database(path)
    cur = db.cursor()
    cur.execute("INSERT INTO schools VALUES (1, '100001', 'Bench School', 'secondary', 'Leeds', NULL)")
    for year in (2024, 2025):
        for n, term, start, end in ((1, "autumn", f"{year}-09-01", f"{year}-12-31"), (2, "spring", f"{year + 1}-01-01", f"{year + 1}-04-14"),
                                    (3, "summer", f"{year + 1}-04-15", f"{year + 1}-08-31")):
            cur.execute("INSERT INTO terms VALUES ($id, $y, $t, $n, $l, $s::DATE, $e::DATE, $s::DATE)",
                        {"id": year * 10 + n, "y": year, "t": term, "n": n, "l": f"{term.title()} {start[:4]}", "s": start, "e": end})
    return db


def bench_imports(tmpdir) -> dict:
    from ..db import close_all
    from . import SourceFile, commit, load
    from .ctf_sample import ctf_xml, make_upn

    folder = Path(tmpdir)
    folder.mkdir(parents=True, exist_ok=True)
    out: dict = {}
    # 1,500-pupil CTF with SEN history, attendance and results for three terms
    db = _fresh_db(folder, "ctf")
    data = ctf_xml(1500, seed=11, terms=(20241, 20242, 20243)).encode()
    started = time.perf_counter()
    batch = load(db, [SourceFile("bench_ctf.xml", data)])
    assert batch.ok, batch.problems[:5]
    outcome = commit(db, batch, "bench")
    out["ctf_1500_pupils_s"] = round(time.perf_counter() - started, 2)
    out["ctf_rows_added"] = outcome.added
    # one million assessment rows: 2,000 pupils x 6 terms x ~84 subjects
    pupils = [make_upn(700000 + i) for i in range(2000)]
    lines = ["UPN,Term,Subject,Score,Scale"]
    terms = ["Autumn 2024", "Spring 2025", "Summer 2025", "Autumn 2025", "Spring 2026", "Summer 2026"]
    subjects = [f"Subject {k:02d}" for k in range(84)]
    import itertools
    for n, (u, t, s) in enumerate(itertools.islice(itertools.product(pupils, terms, subjects), 1_000_000)):
        lines.append(f"{u},{t},{s},{n % 140},standardised")
    csv = ("\n".join(lines) + "\n").encode()
    pcsv = ("UPN,Surname,Forename,DOB,Gender\n" + "\n".join(f"{u},Bench,Pupil,01/01/2012,F" for u in pupils) + "\n").encode()
    db2 = _fresh_db(folder, "assess")
    started = time.perf_counter()
    batch = load(db2, [SourceFile("pupils.csv", pcsv), SourceFile("assessments.csv", csv)])
    assert batch.ok, batch.problems[:5]
    out["million_validate_s"] = round(time.perf_counter() - started, 2)
    outcome = commit(db2, batch, "bench")
    out["million_assessment_rows_s"] = round(time.perf_counter() - started, 2)
    out["million_rows_added"] = outcome.added
    close_all()
    return out
