"""CSV templates, one per kind: the headers sendboard expects and one example row (also shipped as
sendboard/data/templates/<kind>.csv; `python -m sendboard.importers.templates` rewrites those files)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from ..package_data import shipped
from .kinds import KINDS

TEMPLATE_DIR = Path(str(shipped("templates")))  # written by write_templates, so a real folder


def template_csv(kind: str) -> bytes:
    spec = KINDS[kind]
    headers = list(spec.example[0].keys()) if spec.example else [f.name for f in spec.fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in spec.example:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode("utf-8")


def write_templates(folder: Path = TEMPLATE_DIR) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        (folder / f"{kind}.csv").write_bytes(template_csv(kind))


if __name__ == "__main__":
    write_templates()
