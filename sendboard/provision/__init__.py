"""The provision area: the intervention catalogue, allocations of pupils to interventions, what they
cost, what they achieved, and hours against need.

Modules: catalogue (interventions and staff hourly costs), allocations (who is in what, and the
scoped reads), costs (the cost formula and totals), impact (gains, confidence intervals, effect sizes,
comparison with similar pupils, verdicts), charts (plotly figures). Scoping and cost visibility are
decided in SQL (sendboard/sql/provision.sql); bad input raises ProvisionError with a message to show.
"""
from __future__ import annotations

from ..reference import AREAS as AREA_NAMES

# Areas of a pupil's own primary need, for spend by area: 'NONE' is provision for a pupil with no
# primary need recorded when it started (a pupil of concern, say).
NEED_AREA_NAMES = {**AREA_NAMES, "NONE": "No primary need recorded"}
DELIVERY = ("withdrawn", "in_class")
DELIVERY_LABELS = {"withdrawn": "Withdrawn from lessons", "in_class": "In class"}
WAVES = ("universal", "targeted", "specialist")
WAVE_LABELS = {"universal": "Universal (wave 1)", "targeted": "Targeted (wave 2)", "specialist": "Specialist (wave 3)"}
EDIT_ROLES = frozenset({"senco", "head"})          # catalogue and allocations
RATE_ROLES = frozenset({"senco", "head", "admin"})  # staff hourly costs


class ProvisionError(ValueError):
    """A change that cannot be saved as it is; the message says what to fix."""
