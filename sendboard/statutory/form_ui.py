"""Streamlit pieces the EHC record forms share: a message beside the field it is about."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..access import AccessDenied
from ..db import ConflictError
from ..text import md_escape
from .records import FieldError


class FieldSlots:
    """Call ``slots("field")`` right after drawing a widget to keep a place beside it; ``slots.show(exc)``
    puts a refused value's message there (or at the top of the form when no place was kept). A form keeps
    what the person typed (Streamlit forms hold their values), so they correct only the field named."""

    def __init__(self):
        self._slots = {}
        self._top = st.empty()

    def __call__(self, field: str) -> None:
        self._slots[field] = st.empty()

    def show(self, exc: Exception) -> None:
        slot = self._slots.get(getattr(exc, "field", None), self._top)
        slot.error(md_escape(str(exc)), icon=":material/error:")

    def save(self, action: Callable[[], object]) -> bool:
        """Run a form's save. A refused value's message goes beside its field; a save refused as a whole
        (no permission, or another person's change in the way) says so at the top of the form. True when
        it was saved."""
        try:
            action()
        except FieldError as exc:
            self.show(exc)
        except (AccessDenied, ConflictError) as exc:
            self._top.error(md_escape(str(exc)), icon=":material/error:")
        else:
            return True
        return False
