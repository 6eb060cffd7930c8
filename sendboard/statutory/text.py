"""Showing people's free text safely in st.markdown: every markdown and HTML special character is
escaped, so what they typed shows exactly as typed and never as formatting, links or HTML."""
from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def plain(text) -> str:
    """Escape text for st.markdown (line breaks kept as markdown line breaks)."""
    if text is None:
        return ""
    escaped = _SPECIAL.sub(r"\\\1", str(text))
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")
