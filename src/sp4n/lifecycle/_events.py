"""Events: the immutable facts a complaint's state is folded from.

An :class:`Event` records who (an :class:`Actor`), when (``occurred_at``, aware,
kept in UTC), what (``type`` and ``payload``) and where in the complaint's
stream (``seq``, starting at 1 with no gaps). Storage adapters persist events
exactly as given and hand them back unchanged.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

import attrs

from sp4n._time import to_utc
from sp4n.errors import InvalidInputError

__all__ = ["SCHEMA_VERSION", "SYSTEM_ACTOR", "Actor", "Event", "EventType", "Role"]

SCHEMA_VERSION = 1
"""Version of the event payload schema written by this release."""


class Role(enum.StrEnum):
    """Who may act on a complaint (regulation.md §6.1)."""

    REPORTER = "reporter"
    """Pelapor: the citizen who filed the complaint."""
    ADMIN = "admin"
    """Admin LAPOR! (national) or a regional admin/coordinator: verifies, holds, forwards."""
    LIAISON = "liaison"
    """Pejabat penghubung of one agency: acknowledges, asks for information, follows up."""
    UNIT = "unit"
    """An officer of a work unit (unit kerja) inside an agency: drafts the follow-up of a
    complaint its liaison disposed to it; the liaison approves it (decision 0201)."""
    SUPERVISOR = "supervisor"
    """Inspectorate, KemenPANRB, KSP or Ombudsman: reads and escalates."""
    SYSTEM = "system"
    """sp4n itself: automatic completion and escalation."""


class EventType(enum.StrEnum):
    """Every kind of event in a complaint's history."""

    SUBMITTED = "submitted"
    VERIFIED = "verified"
    HELD = "held"
    ARCHIVED = "archived"
    FORWARDED = "forwarded"
    RETURNED = "returned"
    ACKNOWLEDGED = "acknowledged"
    INFO_REQUESTED = "info_requested"
    INFO_PROVIDED = "info_provided"
    FOLLOWED_UP = "followed_up"
    REPORTER_REPLIED = "reporter_replied"
    ADMIN_REPLIED = "admin_replied"
    COMPLETED = "completed"
    RATED = "rated"
    REOPENED = "reopened"
    EXTENDED = "extended"
    ESCALATED = "escalated"
    MERGED = "merged"
    VISIBILITY_CHANGED = "visibility_changed"
    DEADLINE_MOVED = "deadline_moved"
    REMINDED = "reminded"
    """sp4n sent an SLA notice (a pre-breach warning or a breach notice); no status change."""
    DISPOSED = "disposed"
    """The liaison passed the complaint to a work unit of the agency (disposisi); the unit
    id in the payload; no status change beyond ``in_progress``."""
    FOLLOW_UP_DRAFTED = "follow_up_drafted"
    """The work unit drafted a follow-up; internal: the reporter sees it only once the liaison
    approves it (``followed_up`` with ``approves``); no status change."""
    AMENDED = "amended"
    """The admin corrected the report's topic, region, kind or title at triage (old and new
    values in the payload); no status change."""


def _check_role(instance: Actor, attribute: attrs.Attribute[Role], value: object) -> None:
    if not isinstance(value, Role):
        raise InvalidInputError(
            "actor.role", value, f"must be one of {', '.join(r.value for r in Role)}"
        )


def _as_role(value: object) -> object:
    try:
        return Role(value) if isinstance(value, str) else value
    except ValueError:
        return value


@attrs.frozen
class Actor:
    """Someone (or sp4n itself) acting on a complaint.

    :param id: a stable identifier of the person or service account.
    :param role: the :class:`Role` they act in.
    :param agency: for a liaison, the agency id they speak for.
    :param region: for a regional admin, the region code prefix they govern;
        ``None`` for national scope.
    :param unit: for a work-unit officer (role ``unit``), the unit id inside ``agency``.
    """

    id: str
    role: Role = attrs.field(converter=_as_role, validator=_check_role)
    agency: str | None = None
    region: str | None = None
    unit: str | None = None

    @property
    def scope(self) -> str | None:
        """The agency (and unit) or region this actor is limited to, if any."""
        if self.unit is not None:
            return f"{self.agency}/{self.unit}"
        return self.agency or self.region

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        data: dict[str, Any] = {
            "id": self.id,
            "role": self.role.value,
            "agency": self.agency,
            "region": self.region,
        }
        if self.unit is not None:
            data["unit"] = self.unit
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Actor:
        """Rebuild an actor from :meth:`to_dict` output."""
        return cls(
            id=str(data["id"]),
            role=data["role"],
            agency=data.get("agency"),
            region=data.get("region"),
            unit=data.get("unit"),
        )


SYSTEM_ACTOR = Actor(id="sp4n", role=Role.SYSTEM)


def _freeze(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _utc(value: object) -> datetime:
    return to_utc("occurred_at", value)


def _check_seq(instance: Event, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidInputError("seq", value, "event sequence numbers start at 1")


@attrs.frozen(slots=False)  # a __dict__ lets the lifecycle build events in one step
class Event:
    """One immutable fact in a complaint's history.

    ``occurred_at`` must be timezone-aware and is stored converted to UTC.
    ``payload`` is a read-only mapping of JSON-compatible values.
    """

    complaint_id: str
    seq: int = attrs.field(validator=_check_seq)
    type: str
    occurred_at: datetime = attrs.field(converter=_utc)
    actor: Actor
    payload: Mapping[str, Any] = attrs.field(factory=dict, converter=_freeze)
    id: str = attrs.field(factory=lambda: str(uuid.uuid4()))
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (``occurred_at`` as ISO 8601 with offset)."""
        return {
            "id": self.id,
            "complaint_id": self.complaint_id,
            "seq": self.seq,
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "actor": self.actor.to_dict(),
            "payload": dict(self.payload),
            "schema_version": self.schema_version,
        }

    @classmethod
    def _trusted(
        cls,
        complaint_id: str,
        seq: int,
        type: str,
        occurred_at: datetime,
        actor: Actor,
        payload: Mapping[str, Any],
        id: str,
    ) -> Event:
        """Build an event from values already checked (``occurred_at`` in UTC, payload
        normalised), skipping the converters; used by the lifecycle's hot path."""
        event = object.__new__(cls)
        object.__setattr__(
            event,
            "__dict__",
            {
                "complaint_id": complaint_id,
                "seq": seq,
                "type": type,
                "occurred_at": occurred_at,
                "actor": actor,
                "payload": MappingProxyType(payload),
                "id": id,
                "schema_version": SCHEMA_VERSION,
            },
        )
        return event

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        """Rebuild an event from :meth:`to_dict` output."""
        return cls(
            id=str(data["id"]),
            complaint_id=str(data["complaint_id"]),
            seq=int(data["seq"]),
            type=str(data["type"]),
            occurred_at=datetime.fromisoformat(str(data["occurred_at"])),
            actor=Actor.from_dict(data["actor"]),
            payload=dict(data.get("payload") or {}),
            schema_version=int(data.get("schema_version", SCHEMA_VERSION)),
        )
