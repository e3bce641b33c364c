"""Indonesian working-day calendars, SLA rules as data, clocks and deadlines."""

from sp4n.sla._calendar import WorkingCalendar
from sp4n.sla._days import DayKind, SkippedDay
from sp4n.sla._explain import DeadlineChange, Explanation
from sp4n.sla._overlays import Overlay, OverlayKind

__all__ = [
    "DayKind",
    "DeadlineChange",
    "Explanation",
    "Overlay",
    "OverlayKind",
    "SkippedDay",
    "WorkingCalendar",
]
