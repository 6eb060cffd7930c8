"""A problem found in an import: which file, where in it, which field, the value found, what was expected."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

COLUMNS = ["file", "where", "field", "found", "expected"]


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    field: str
    found: str
    expected: str

    def __str__(self) -> str:
        found = "(blank)" if self.found == "" else repr(self.found) if not self.found.startswith("(") else self.found
        return f"{self.file}, {self.where}, {self.field}: found {found}; expected {self.expected}"


class FileRejected(Exception):
    """A file that cannot be read at all (empty, binary, damaged, too big, unsafe XML)."""

    def __init__(self, file: str, message: str, expected: str, *, location: str = "(whole file)",
                 problems: list[Problem] | None = None):
        self.problems = problems or [Problem(file, location, "(file)", f"({message})" if message else "", expected)]
        super().__init__("; ".join(str(p) for p in self.problems[:3]))


def frame_of(problems: list[Problem]) -> pd.DataFrame:
    return pd.DataFrame([p.__dict__ for p in problems], columns=COLUMNS)
