"""Showing people's free text safely inside st.markdown (and st.error, st.success, captions, titles,
which render markdown too). The one escaping function for the whole app:

- every markdown and HTML special character is backslash-escaped, so a name such as
  '[x](javascript:...)', '![pixel](https://...)' or '<img ...>' shows exactly as typed, never as a link,
  an image, formatting or HTML;
- bare web addresses and e-mail addresses are disarmed too. Streamlit's markdown turns any text that
  looks like 'https://...', 'www....' or 'name@host' into a link (GitHub-flavoured markdown's "autolink
  literals"), and backslash escapes do not stop it. A zero-width space is put inside each such pattern
  (after '://', after 'www', before '@'), which breaks the pattern without changing what a person reads.
"""
from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&])")
ZERO_WIDTH_SPACE = "\u200b"
# The starts of GitHub-flavoured markdown's autolink literals: a scheme's '://', 'www.' and an e-mail '@'
# (which also covers 'mailto:' and 'xmpp:' addresses).
_AUTOLINK = re.compile(r"(:)(/)|(www)(\.)|(@)", re.IGNORECASE)


def _disarm_autolinks(text: str) -> str:
    def breaker(match: re.Match) -> str:
        if match.group(1):
            return match.group(1) + ZERO_WIDTH_SPACE + match.group(2)
        if match.group(3):
            return match.group(3) + ZERO_WIDTH_SPACE + match.group(4)
        return ZERO_WIDTH_SPACE + match.group(5)

    return _AUTOLINK.sub(breaker, text)


def md_escape(text) -> str:
    """Escape text for markdown; None becomes empty; line breaks stay line breaks."""
    if text is None:
        return ""
    escaped = _SPECIAL.sub(r"\\\1", _disarm_autolinks(str(text)))
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")
