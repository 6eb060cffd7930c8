"""docs/importing.md and the import kinds (sendboard.importers.kinds.KINDS) say the same thing: every kind is
documented under its own heading with every column (required or not, and every MIS spelling recognised), and
no heading documents a kind that does not exist."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendboard.importers.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "importing.md"
HEADING = re.compile(r"^### (?P<title>.+?) \(`--kind (?P<key>\w+)`(?:, template `(?P<template>[^`]+)`)?\)\s*$")
ROW = re.compile(r"^\| `(?P<column>\w+)` \| (?P<required>yes|) *\| (?P<aliases>[^|]*)\|")


def documented_kinds(text: str) -> dict[str, dict]:
    """{kind key: {"title", "template", "columns": [(column, required, {aliases})]}} from the kind headings."""
    kinds: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            key = heading["key"]
            assert key not in kinds, f"docs/importing.md documents --kind {key} twice"
            current = kinds[key] = {"title": heading["title"], "template": heading["template"], "columns": []}
            continue
        if line.startswith("#"):
            current = None  # a heading that is not a kind ends the kind's section
            continue
        row = ROW.match(line)
        if current is not None and row:
            aliases = {a.strip() for a in row["aliases"].split(",") if a.strip()}
            current["columns"].append((row["column"], row["required"] == "yes", aliases))
    return kinds


def test_every_kind_is_documented_and_nothing_else():
    documented = documented_kinds(DOC.read_text(encoding="utf-8"))
    assert sorted(documented) == sorted(KINDS)


@pytest.mark.parametrize("key", sorted(KINDS))
def test_a_kinds_columns_are_documented_as_the_importer_reads_them(key):
    doc = documented_kinds(DOC.read_text(encoding="utf-8"))[key]
    kind = KINDS[key]
    assert doc["title"] == kind.title
    assert [c for c, _, _ in doc["columns"]] == [f.name for f in kind.fields], "columns differ (or their order)"
    for (column, required, aliases), field in zip(doc["columns"], kind.fields, strict=True):
        assert required == field.required, f"{column}: required is {field.required} in the importer"
        assert aliases == set(field.aliases), f"{column}: spellings differ: {aliases ^ set(field.aliases)}"
    if doc["template"]:
        assert (ROOT / doc["template"]).is_file(), doc["template"]


def test_the_check_catches_a_difference():
    """The parser is fed the doc with one column dropped, one spelling added and an invented kind: each shows."""
    text = DOC.read_text(encoding="utf-8")
    documented = documented_kinds(text)
    broken = text.replace("| `fsm` |  | FSM, FSM Eligible,", "| `fsm` |  | FSM, Free Meals, FSM Eligible,", 1)
    broken = re.sub(r"^\| `eal` \|.*\n", "", broken, count=1, flags=re.M)
    broken += "\n### Lunch orders (`--kind lunch`)\n\n| column | required | also recognised as | values |\n|---|---|---|---|\n"
    wrong = documented_kinds(broken)
    assert "lunch" in wrong and "lunch" not in KINDS
    pupils = {c: a for c, _, a in wrong["pupils"]["columns"]}
    assert "eal" not in pupils and "Free Meals" in pupils["fsm"]
    assert documented["pupils"] != wrong["pupils"]
