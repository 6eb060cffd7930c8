"""Import timings for ``sendboard bench``: a 1,500-pupil Common Transfer File, the same with full SEN history,
attendance and key stage 2 results (target under 5 s), 50,000 pupil rows with SEN status and needs in a
process of their own (targets: under 20 s, peak memory under 500 MB) and one million assessment rows from
CSV, each validated and committed into a fresh copy of a small school database.

    python -m sendboard.importers.bench FOLDER     # the same, printed as JSON
"""
from __future__ import annotations

import time
from pathlib import Path


def _fresh_db(folder: Path, name: str):
    from ..app_db import open_database

    path = folder / f"{name}.duckdb"
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()
    db = open_database(path)
    def school_and_terms(w):
        w.run("lowlevel_bench_school")
        for year in (2024, 2025):
            for n, term, start, end in ((1, "autumn", f"{year}-09-01", f"{year}-12-31"), (2, "spring", f"{year + 1}-01-01", f"{year + 1}-04-14"),
                                        (3, "summer", f"{year + 1}-04-15", f"{year + 1}-08-31")):
                w.run("lowlevel_bench_term", id=year * 10 + n, y=year, t=term, n=n, l=f"{term.title()} {start[:4]}", s=start, e=end)

    db.write(school_and_terms)
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
    data = ctf_xml(1500, seed=11).encode()
    started = time.perf_counter()
    batch = load(db, [SourceFile("bench_ctf.xml", data)])
    assert batch.ok, batch.problems[:5]
    outcome = commit(db, batch, "bench")
    out["ctf_1500_pupils_s"] = round(time.perf_counter() - started, 2)
    out["ctf_rows_added"] = outcome.added
    # the same number of pupils with full SEN history, two years of attendance and key stage 2 results each
    db_full = _fresh_db(folder, "ctf_full")
    data = ctf_xml(1500, seed=12, start_number=600000, full=True).encode()
    started = time.perf_counter()
    batch = load(db_full, [SourceFile("bench_ctf_full.xml", data)])
    assert batch.ok, batch.problems[:5]
    outcome = commit(db_full, batch, "bench")
    out["ctf_1500_full_s"] = round(time.perf_counter() - started, 2)
    out["ctf_full_rows_added"] = outcome.added
    out.update(_pupils_in_own_process(folder))
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


def pupils_csv(n: int = 50_000) -> bytes:
    """A student list as an MIS exports it: n pupils with year, FSM, SEN status and needs."""
    from .ctf_sample import make_upn

    statuses, needs = ("N",) * 8 + ("K", "E"), ("SPLD", "SEMH", "SLCN", "ASD", "MLD")
    lines = ["UPN,Legal Surname,Legal Forename,DOB,Gender,Year,FSM,SEN Status,Primary Need,Secondary Need"]
    for i in range(n):
        status = statuses[i % 10]
        primary = needs[i % 5] if status != "N" else ""
        secondary = needs[(i + 2) % 5] if status == "E" else ""
        year = 7 + i % 5
        lines.append(f"{make_upn(100000 + i)},Surname{i % 997},Forename{i % 211},{(i % 28) + 1:02d}/{(i % 12) + 1:02d}/"
                     f"{2025 - year - 5 + (1 if (i % 12) + 1 < 9 else 0)},{'FM'[i % 2]},{year},{'YN'[i % 3 > 0]},"
                     f"{status},{primary},{secondary}")
    return ("\n".join(lines) + "\n").encode()


def bench_pupils(folder: Path, n: int = 50_000) -> dict:
    """50,000 pupil rows validated and committed (run in a process of its own, so its peak memory is its own)."""
    from ..db import close_all
    from . import SourceFile, commit, load

    db = _fresh_db(Path(folder), "pupils50k")
    data = pupils_csv(n)
    started = time.perf_counter()
    batch = load(db, [SourceFile("pupils_50000.csv", data)])
    assert batch.ok, batch.problems[:5]
    outcome = commit(db, batch, "bench")
    seconds = round(time.perf_counter() - started, 2)
    close_all()
    peak = None
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        import resource

        peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {"pupils_50000_s": seconds, "pupils_50000_rows_added": outcome.added, "pupils_50000_peak_mb": peak}


def _pupils_in_own_process(folder: Path) -> dict:
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, SENDBOARD_TODAY=os.environ.get("SENDBOARD_TODAY", "2026-01-20"))
    done = subprocess.run([sys.executable, "-m", "sendboard.importers.bench", "--pupils-only", str(folder)],
                          capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    import json
    import sys

    args = sys.argv[1:]
    if args and args[0] == "--pupils-only":
        print(json.dumps(bench_pupils(Path(args[1]))))
    else:
        print(json.dumps(bench_imports(args[0] if args else "bench-data/imports"), indent=1))
