"""The files that ship inside the package (``sendboard/data/``): national figures and code lists
(``reference/``), the glossary, key factors, classroom strategies, the common-passwords list and the
import templates.

Found with ``importlib.resources``, so an installed wheel reads them exactly as a checkout does. pip always
unpacks a wheel into files, so what this returns is a real path that pandas and open() can read.
"""
from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

DATA = files("sendboard") / "data"


def shipped(*parts: str) -> Traversable:
    """A shipped file or folder: shipped("reference", "need_codes.csv")."""
    return DATA.joinpath(*parts)
