"""The governors' pack: the anonymised SEND picture for the governing board.

- ``figures``: the aggregates (sendboard/sql/governors.sql), every one passed through
  sendboard/disclosure.py, organised as sections that follow the SEN Information Report;
- ``questions``: "questions governors could ask", generated from the protected figures by rules;
- ``pack``: the PDF (fpdf2, charts drawn with fpdf2 primitives) and the Excel workbook;
- ``commentary``: the head's commentary per section (saved, audited, checked for pupil names).

Roles: governor and head (the head previews the pack and writes the commentary). Nothing here
returns a pupil row, a name, a UPN, a date of birth or any free-text note about a pupil.
"""
from __future__ import annotations

PACK_ROLES = frozenset({"governor", "head"})
COMMENT_ROLES = frozenset({"head"})


class GovernorsError(ValueError):
    """A problem the person can fix (the message says what)."""
