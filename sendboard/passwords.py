"""The password rules, applied wherever a password is set (``sendboard init``, ``sendboard user``, the
Users page, a reset): at least 12 characters; not a common or breached password (the list shipped in
sendboard/data/passwords/common.txt, with its source named there); not containing the username or the school's
name; and never the demo's published password outside a demo database that holds no imported data."""
from __future__ import annotations

import re
from functools import lru_cache

from . import domain
from .package_data import shipped

MIN_LENGTH = 12
DEMO_PASSWORD = domain.DEMO_PASSWORD
COMMON_PASSWORDS_FILE = shipped("passwords", "common.txt")
# Words of a school's name that say nothing on their own ("St Mary's Primary School" -> "mary").
_NAME_FILLER = {"the", "school", "academy", "primary", "secondary", "college", "infant", "infants", "junior",
                "juniors", "community", "church", "england", "catholic", "high", "grammar", "free", "trust", "and",
                "of", "st", "saint", "ce", "cofe", "rc", "special", "nursery", "centre", "upper", "lower", "middle"}


class PasswordRefused(ValueError):
    """A password that breaks a rule; the message says which rule, never the password."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def _name_words(school_name: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", school_name.lower().replace("'", ""))
    return [w for w in words if len(w) >= 4 and w not in _NAME_FILLER]


def check(password: str, *, username: str = "", school_names: tuple[str, ...] | list[str] = (),
          demo_allowed: bool = False) -> None:
    """Raise PasswordRefused naming the first rule the password breaks."""
    password = password or ""
    if password == DEMO_PASSWORD and not demo_allowed:
        raise PasswordRefused("That is the demo's published password; it is refused on a school's database. Choose another.")
    if len(password) < MIN_LENGTH:
        raise PasswordRefused(f"A password needs at least {MIN_LENGTH} characters (this one has {len(password)}). "
                              "Three or four unrelated words make a long password that is easy to remember.")
    folded = password.lower()
    common = common_passwords()
    if folded in common or folded.rstrip("0123456789!?.,;:-_*#@$%&+=~ ") in common:
        raise PasswordRefused("That password is on the list of common passwords that attackers try first. Choose another.")
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in folded:
        raise PasswordRefused("A password must not contain the username. Choose another.")
    squashed = re.sub(r"[^a-z0-9]", "", folded)
    for school_name in school_names:
        whole = re.sub(r"[^a-z0-9]", "", (school_name or "").lower())
        if len(whole) >= 4 and whole in squashed:
            raise PasswordRefused("A password must not contain the school's name. Choose another.")
        for word in _name_words(school_name or ""):
            if word in squashed:
                raise PasswordRefused(f"A password must not contain the school's name (it contains {word!r}). Choose another.")
