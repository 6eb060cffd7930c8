"""The first pages after the app starts, from the server's side: one head signs in and opens home,
overview, outcomes, identification and overview again, each once, and the app's own run log gives each
run's wall time and the CPU time of the thread that ran it.

    python -m sendboard.bench.cold data/bench/school.duckdb [--wait 20] [--password sendboard-demo] [--root DIR]

For a before-and-after comparison, ``--root`` starts another copy (``git archive <commit> | tar -x -C DIR``)
with this copy's .venv; the run log needs that copy to have it (this bench's commits).

``--wait`` seconds pass between the server answering and the sign-in, as on a real server where nobody
signs in the second it starts (the warm-up runs meanwhile).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from .meeting import Session, sign_in
from .server import PASSWORD, ROOT, TODAY, running_app

PAGES = ("", "overview", "outcomes", "identification", "overview")


async def _visit(url: str, cookie: str) -> list[float]:
    session = Session(url, "head", cookie)
    await session.connect()
    try:
        return [(await session.run(page))["seconds"] for page in PAGES]
    finally:
        await session.close()


def cold_pages(db_path: Path, wait: float = 20, today: str = TODAY, password: str = PASSWORD,
               root: Path = ROOT) -> list[dict]:
    log = Path(tempfile.mkdtemp(prefix="sendboard-cold-")) / "runs.jsonl"
    with running_app(db_path, today, env={"SENDBOARD_RUN_LOG": str(log)}, root=root) as url:
        time.sleep(wait)
        waited = asyncio.run(_visit(url, sign_in(url, "head", password)))
    runs = [json.loads(line) for line in log.read_text().splitlines()]
    shutil.rmtree(log.parent, ignore_errors=True)
    return [{"page": r["page"], "seconds": r["seconds"], "thread_cpu_seconds": r["cpu_seconds"], "client_seconds": w}
            for r, w in zip(runs, waited)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--wait", type=float, default=20)
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="start this copy of sendboard instead (an earlier commit, for before and after)")
    args = parser.parse_args()
    load = os.getloadavg()
    for row in cold_pages(args.db, args.wait, password=args.password, root=args.root):
        print(json.dumps(row))
    print(json.dumps({"load_average_at_start": [round(x, 2) for x in load]}))


if __name__ == "__main__":
    main()
