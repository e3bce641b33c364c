"""The complaint lifecycle: events, the transition table, roles and privacy."""

from sp4n.lifecycle._complaint_clocks import (
    OVERALL_RULE_ID,
    apply_due_actions,
    clocks,
    due_actions,
    lifecycle_policy,
    timing_in_force,
)
from sp4n.lifecycle._events import SCHEMA_VERSION, SYSTEM_ACTOR, Actor, Event, EventType, Role
from sp4n.lifecycle._guests import GuestPass, guest_actor, guest_reporter_id, new_guest
from sp4n.lifecycle._ids import complaint_uuid, event_id, tracking_id_for, tracking_id_is_valid
from sp4n.lifecycle._lifecycle_rules import (
    DEFAULT_RULES,
    GUARDS,
    ArchiveReason,
    EscalationTarget,
    LifecycleRules,
    ReferralPolicy,
    merge_target_problem,
    visibility_change_problem,
)
from sp4n.lifecycle._machine import allowed_events, apply, replay, submit
from sp4n.lifecycle._model import (
    Attachment,
    Complaint,
    ComplaintDraft,
    Kind,
    Location,
    Reporter,
    Tier,
    Visibility,
)
from sp4n.lifecycle._privacy import INTERNAL_EVENTS, public_view, render_notification, view_for
from sp4n.lifecycle._publication import (
    PUBLISHED_STATUSES,
    PUBLISHED_VISIBILITIES,
    Publication,
    publication,
    published_view,
    row_publication,
)
from sp4n.lifecycle._roles import can_read, in_region
from sp4n.lifecycle._status import Status
from sp4n.lifecycle._table import LAPOR_TABLE, Transition, TransitionTable
from sp4n.lifecycle._timing import (
    INSTALLED,
    PluginData,
    calendar_in_force,
    installed_plugins,
    policy_in_force,
)

__all__ = [
    "DEFAULT_RULES",
    "GUARDS",
    "INSTALLED",
    "INTERNAL_EVENTS",
    "LAPOR_TABLE",
    "OVERALL_RULE_ID",
    "PUBLISHED_STATUSES",
    "PUBLISHED_VISIBILITIES",
    "SCHEMA_VERSION",
    "SYSTEM_ACTOR",
    "Actor",
    "ArchiveReason",
    "Attachment",
    "Complaint",
    "ComplaintDraft",
    "EscalationTarget",
    "Event",
    "EventType",
    "GuestPass",
    "Kind",
    "LifecycleRules",
    "Location",
    "PluginData",
    "Publication",
    "ReferralPolicy",
    "Reporter",
    "Role",
    "Status",
    "Tier",
    "Transition",
    "TransitionTable",
    "Visibility",
    "allowed_events",
    "apply",
    "apply_due_actions",
    "calendar_in_force",
    "can_read",
    "clocks",
    "complaint_uuid",
    "due_actions",
    "event_id",
    "guest_actor",
    "guest_reporter_id",
    "in_region",
    "installed_plugins",
    "lifecycle_policy",
    "merge_target_problem",
    "new_guest",
    "policy_in_force",
    "public_view",
    "publication",
    "published_view",
    "render_notification",
    "replay",
    "row_publication",
    "submit",
    "timing_in_force",
    "to_mermaid",
    "tracking_id_for",
    "tracking_id_is_valid",
    "view_for",
    "visibility_change_problem",
]


def to_mermaid(table: TransitionTable = LAPOR_TABLE, *, lang: str = "id") -> str:
    """The transition table as a Mermaid state diagram (see docs/lifecycle.md)."""
    return table.to_mermaid(lang=lang)
