"""Showing people's free text safely inside st.markdown (and st.error, st.success, captions, which
render markdown too): every markdown and HTML special character is backslash-escaped, so a name such
as '[x](javascript:...)' or '<script>' shows exactly as typed, never as a link, formatting or HTML.
The one escaping function for the whole app."""
from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&])")


def md_escape(text) -> str:
    """Escape text for markdown; None becomes empty; line breaks stay line breaks."""
    if text is None:
        return ""
    escaped = _SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")
