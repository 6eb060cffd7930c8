"""What the school publishes: the SEN Information Report (figures from sendboard, words from the school,
kept year by year and approved by the governing board), the policy calendar, and the accessibility plan's
actions.

- ``headings``: the report's headings, in the order of Schedule 1 to the SEND Regulations 2014;
- ``report``: the report built for a year (figures protected by the governors' pack disclosure control),
  the school's text per heading (versioned, checked for pupil names, audited) and the board's approval;
- ``render``: the report as an accessible HTML page, a Word document and a PDF;
- ``policies``: the policy calendar (statutory and school-set review cycles) and the accessibility plan;
- ``importing``: the ``policies`` and ``accessibility_actions`` import kinds.

Nothing here reads or returns a pupil: the figures are the governors' pack's aggregates.
"""
from __future__ import annotations

READ_ROLES = frozenset({"head", "senco", "governor"})
EDIT_ROLES = frozenset({"head", "senco"})
APPROVE_ROLES = frozenset({"governor"})

from .. import versions as _versions  # noqa: E402

# the words a refused save uses for this area's records ("X changed this <word> after you opened it")
_versions.KINDS.setdefault("sen_report_text", "section of the SEN Information Report")
_versions.KINDS.setdefault("accessibility_action", "accessibility plan action")
_versions.KINDS.setdefault("policy", "policy")
