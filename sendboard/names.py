"""Does a piece of text name a pupil? The check behind the governors' pack commentary (which must stay
anonymised). Written to catch the ways a person actually writes a name, not only "First Last":

- spacing and punctuation are normalised: doubled, non-breaking or other Unicode spaces, commas, full
  stops, hyphens and apostrophes all count as one word break; accents are ignored (Zoë = Zoe) and
  letter case does not matter;
- names in either order ("Gardner, Oliver", "Gardner Oliver") and with one middle name between
  ("Oliver James Gardner");
- an initial with the surname, either side ("O. Gardner", "O Gardner", "Gardner O."); the initial must
  be a capital letter, so ordinary words ("a Green light") are not taken for one;
- UPNs written with separators ("A123 4567 8901 2", "a123-456-789-012"): every letter and digit of the
  text is run together and searched for each UPN.

A surname or first name on its own is not flagged: too many are ordinary words ("Brown", "Grace").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _fold(text: str) -> str:
    """NFKD, accents removed, case-folded."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _original_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return _WORD.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    upn: str


def _contains(seq: list[str], part: list[str]) -> bool:
    n = len(part)
    return n > 0 and any(seq[i:i + n] == part for i in range(len(seq) - n + 1))


def _with_gap(seq: list[str], first: list[str], second: list[str]) -> bool:
    """first, then at most one other word, then second."""
    n, m = len(first), len(second)
    for i in range(len(seq) - n + 1):
        if seq[i:i + n] == first:
            after = i + n
            if seq[after:after + m] == second or seq[after + 1:after + 1 + m] == second:
                return True
    return False


def _initial_with(folded: list[str], original: list[str], initial: str, surname: list[str]) -> bool:
    """A capital initial right before or right after the surname."""
    m = len(surname)
    for i in range(len(folded) - m + 1):
        if folded[i:i + m] != surname:
            continue
        before = original[i - 1] if i > 0 else ""
        after = original[i + m] if i + m < len(original) else ""
        if initial in (before, after):
            return True
    return False


def _variants(name_words: list[str]) -> list[list[str]]:
    if not name_words:
        return []
    return [name_words, ["".join(name_words)]] if len(name_words) > 1 else [name_words]


def alnum(text: str) -> str:
    return "".join(ch for ch in _fold(text) if ch.isalnum()).upper()


def names_in(text: str, people: list[Person]) -> list[Person]:
    """The people the text names (by the rules above)."""
    folded, original = words(text), _original_words(text)
    if len(folded) != len(original):  # cannot happen for valid text; fall back to the folded words
        original = folded
    squashed = alnum(text)
    found = []
    for person in people:
        first, last = words(person.first_name), words(person.last_name)
        upn = alnum(person.upn)
        named = False
        initial = first[0][:1].upper() if first else ""
        # "O'Brien" may be written "O Brien" or "OBrien": try the name's words and the words run together
        for f in _variants(first):
            for surname in _variants(last):
                named = named or _with_gap(folded, f, surname) or _with_gap(folded, surname, f)
        for surname in _variants(last):
            named = named or (bool(initial) and _initial_with(folded, original, initial, surname))
        if not named and len(upn) >= 8 and upn in squashed:
            named = True
        if named:
            found.append(person)
    return found
