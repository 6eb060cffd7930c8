"""The headings of the SEN Information Report, in the order of Schedule 1 to the Special Educational Needs
and Disability Regulations 2014 (regulation 51), with the duty the Children and Families Act 2014
(section 69(3)) adds about disabled pupils and the accessibility plan.

The headings are in sendboard/data/sen_report_headings.csv, one row each: the legal paragraph it answers,
what the school should say under it (a prompt for the person writing), and which of sendboard's figures go
under it (keys of the governors' pack sections, built by sendboard/governors/figures.py and protected by the
pack's disclosure control).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass

from ..package_data import shipped


@dataclass(frozen=True)
class Heading:
    key: str
    title: str
    source: str
    prompt: str
    figures: tuple[str, ...] = ()


HEADINGS_CSV = shipped("sen_report_headings.csv")


def _load(source) -> tuple[Heading, ...]:
    """The headings in the file's order (the order of Schedule 1); figures are '|'-joined keys."""
    with source.open(encoding="utf-8", newline="") as handle:
        return tuple(Heading(row["key"], row["title"], row["source"], row["prompt"],
                             tuple(f for f in row["figures"].split("|") if f))
                     for row in csv.DictReader(handle))


# The headings are data (sendboard/data/sen_report_headings.csv): the regulations' text, kept apart from code.
HEADINGS: tuple[Heading, ...] = _load(HEADINGS_CSV)

HEADINGS_BY_KEY = {h.key: h for h in HEADINGS}
