"""The three scales ``sendboard bench`` measures, and the date every bench database is built as of."""
from __future__ import annotations

from datetime import date
from pathlib import Path

SCALES = {
    "school": {"pupils": 1200, "schools": 1},
    "trust": {"pupils": 15000, "schools": 20},
    "la": {"pupils": 250000, "schools": 120},
}
TARGET_MS = {"school": 300, "trust": 1000, "la": 2000}
LA_PAGES = ("overview", "identification")  # the pages the local-authority target names
BENCH_AS_OF = date(2026, 11, 23)
DEFAULT_DIR = Path("data/bench")
