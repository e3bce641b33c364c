"""Indonesian working-day calendars, SLA rules as data, clocks and deadlines."""

from sp4n.sla._actions import DeadlineMove, DueAction, deadline_moves, due_actions
from sp4n.sla._calendar import WorkingCalendar
from sp4n.sla._clock_values import ClockStatus, Deadline, Extension, SlaClock, TimedEvent
from sp4n.sla._days import DayKind, SkippedDay
from sp4n.sla._engine import evaluate_clock, evaluate_clocks, kept_date
from sp4n.sla._explain import DeadlineChange, Explanation
from sp4n.sla._loader import load_overrides, load_policy
from sp4n.sla._overlays import Overlay, OverlayKind
from sp4n.sla._policy import KNOWN_EVENTS, Override, Policy
from sp4n.sla._sla_rules import Certainty, ExtensionCap, OnExpiry, Rule, Unit

__all__ = [
    "KNOWN_EVENTS",
    "Certainty",
    "ClockStatus",
    "DayKind",
    "Deadline",
    "DeadlineChange",
    "DeadlineMove",
    "DueAction",
    "Explanation",
    "Extension",
    "ExtensionCap",
    "OnExpiry",
    "Overlay",
    "OverlayKind",
    "Override",
    "Policy",
    "Rule",
    "SkippedDay",
    "SlaClock",
    "TimedEvent",
    "Unit",
    "WorkingCalendar",
    "deadline_moves",
    "due_actions",
    "evaluate_clock",
    "evaluate_clocks",
    "kept_date",
    "load_overrides",
    "load_policy",
]
