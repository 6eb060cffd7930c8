"""The three scales ``sendboard bench`` measures, and the date every bench database is built as of."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from ..domain import DEMO_TODAY

SCALES = {
    "school": {"pupils": 1200, "schools": 1},
    "trust": {"pupils": 15000, "schools": 20},
    "la": {"pupils": 250000, "schools": 120},
}
TARGET_MS = {"school": 300, "trust": 1000, "la": 2000}
LA_PAGES = ("overview", "identification")  # the pages the local-authority target names
BENCH_AS_OF = DEMO_TODAY
DEFAULT_DIR = Path("data/bench")


def dataset(scale: str, data_dir: Path, rebuild: bool = False) -> tuple[Path, float | None]:
    """The bench database for a scale, built in a child process (so this process's memory is the app's)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{scale}.duckdb"
    if path.exists() and not rebuild:
        return path, None
    spec = SCALES[scale]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sendboard", "demo", "--db", str(path), "--force",
                    "--pupils", str(spec["pupils"]), "--schools", str(spec["schools"]),
                    "--as-of", BENCH_AS_OF.isoformat(), "--phase", "secondary"], check=True)
    return path, time.perf_counter() - started
