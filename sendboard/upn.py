"""Unique pupil numbers (UPN): 13 characters, a check letter then 12 characters (DfE algorithm)."""
from __future__ import annotations

import re

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: I, O and S are never used
_UPN = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")


def _value(ch: str) -> int:
    # In a temporary UPN the last character may be a letter, valued by its place in CHECK_LETTERS.
    return int(ch) if ch.isdigit() else CHECK_LETTERS.index(ch)


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it: weights 2 to 13, sum modulo 23."""
    if len(body) != 12:
        raise ValueError("a UPN body has 12 characters")
    total = sum(_value(ch) * weight for weight, ch in zip(range(2, 14), body))
    return CHECK_LETTERS[total % 23]


def is_valid_upn(upn: str) -> bool:
    upn = (upn or "").strip().upper()
    return bool(_UPN.match(upn)) and upn_check_letter(upn[1:]) == upn[0]
