"""The complaint lifecycle: events, the transition table, roles and privacy."""

from sp4n.lifecycle._events import SCHEMA_VERSION, SYSTEM_ACTOR, Actor, Event, EventType, Role

__all__ = ["SCHEMA_VERSION", "SYSTEM_ACTOR", "Actor", "Event", "EventType", "Role"]
