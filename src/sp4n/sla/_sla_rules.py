"""SLA rules as data: one :class:`Rule` per clock, validated when it is built.

A rule says which complaint events start, stop, pause, resume and restart its
clock, how long the clock runs (in working days or calendar days), who owes
the action, what expiry means, and where the rule comes from (``citation``)
with how sure we are of it (``certainty``, the tags of regulation.md).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from sp4n._certainty import Certainty
from sp4n.errors import InvalidPolicyError

__all__ = [
    "Certainty",
    "ExtensionCap",
    "FrozenMap",
    "OnExpiry",
    "Rule",
    "Unit",
]

_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_EVENT = re.compile(r"^[a-z][a-z0-9_]*$")

Scalar = str | int | bool


class Unit(enum.StrEnum):
    """How a rule's length is counted (ARCHITECTURE.md, counting convention)."""

    WORKING_DAYS = "working_days"
    """Hari kerja: day 1 is the first working day strictly after the start date."""
    DAYS = "days"
    """Plain "hari": the due date is the start date plus n calendar days."""


class OnExpiry(enum.StrEnum):
    """What it means when a clock runs out."""

    ESCALATE = "escalate"
    """A breach: someone owed an action and did not act in time; escalate it."""
    COMPLETE = "complete"
    """An automatic action: the complaint is completed (T3, silence after a follow-up)."""
    FLAG = "flag"
    """Record the lateness only (e.g. a complaint filed after the statutory window)."""


class FrozenMap(Mapping[str, tuple[Scalar, ...]]):
    """A read-only, hashable mapping of payload conditions (key -> accepted values)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, tuple[Scalar, ...]] | None = None) -> None:
        self._items: dict[str, tuple[Scalar, ...]] = dict(sorted((items or {}).items()))

    def __getitem__(self, key: str) -> tuple[Scalar, ...]:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def matches(self, context: Mapping[str, Any]) -> bool:
        """True when every key in the conditions has one of its accepted values in ``context``."""
        return all(context.get(key) in values for key, values in self._items.items())


def _member(kind: type[enum.StrEnum], field: str, value: object) -> Any:
    if isinstance(value, kind):
        return value
    allowed = ", ".join(member.value for member in kind)
    if isinstance(value, str) and value in {member.value for member in kind}:
        return kind(value)
    raise InvalidPolicyError(field, value, f"must be one of: {allowed}")


def _to_unit(value: object) -> Unit:
    result: Unit = _member(Unit, "unit", value)
    return result


def _to_certainty(value: object) -> Certainty:
    result: Certainty = _member(Certainty, "certainty", value)
    return result


def _to_behaviour_certainty(value: object) -> Certainty:
    result: Certainty = _member(Certainty, "behaviour_certainty", value)
    return result


def _to_extension_certainty(value: object) -> Certainty:
    result: Certainty = _member(Certainty, "extension.certainty", value)
    return result


def _to_on_expiry(value: object) -> OnExpiry:
    result: OnExpiry = _member(OnExpiry, "on_expiry", value)
    return result


def _event_list(field: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidPolicyError(field, value, "must be a list of event type names")
    names = tuple(value)
    for name in names:
        if not isinstance(name, str) or not _EVENT.match(name):
            raise InvalidPolicyError(
                field, name, "event type names are lower_snake_case, e.g. 'forwarded'"
            )
    if len(set(names)) != len(names):
        raise InvalidPolicyError(field, list(names), "lists an event type twice")
    return names


def _starts(value: object) -> tuple[str, ...]:
    return _event_list("starts", value)


def _stops(value: object) -> tuple[str, ...]:
    return _event_list("stops", value)


def _pauses(value: object) -> tuple[str, ...]:
    return _event_list("pauses", value)


def _resumes(value: object) -> tuple[str, ...]:
    return _event_list("resumes", value)


def _restarts(value: object) -> tuple[str, ...]:
    return _event_list("restarts", value)


def _reopens(value: object) -> tuple[str, ...]:
    return _event_list("reopens", value)


def _conditions(value: object) -> FrozenMap:
    if isinstance(value, FrozenMap):
        return value
    if not isinstance(value, Mapping):
        raise InvalidPolicyError("when", value, "must be a table of payload key = value(s)")
    items: dict[str, tuple[Scalar, ...]] = {}
    for key, accepted in value.items():
        if not isinstance(key, str) or not key:
            raise InvalidPolicyError("when", key, "condition keys are payload key names")
        values = tuple(accepted) if isinstance(accepted, list | tuple) else (accepted,)
        if not values or not all(isinstance(v, str | int | bool) for v in values):
            raise InvalidPolicyError(
                f"when.{key}", accepted, "must be a string, number or boolean, or a list of them"
            )
        items[key] = values
    return FrozenMap(items)


LENGTH_MAX = 3660
"""Longest rule accepted, in days or working days: ten years, beyond any deadline the cited
regulations set and within the calendars' range (decision 0142)."""


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= LENGTH_MAX:
        raise InvalidPolicyError(
            attribute.name, value, f"must be a whole number >= 1 and <= {LENGTH_MAX}"
        )


def _optional_text(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidPolicyError(attribute.name, value, "must be a string")


def _flag(instance: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidPolicyError(attribute.name, value, "must be true or false")


def _nonempty(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidPolicyError(attribute.name, value, "must be a non-empty string")


@attrs.frozen
class ExtensionCap:
    """How far a rule's clock may be extended by ``extended`` events.

    :param max_times: how many extensions one clock cycle may receive.
    :param max_working_days: the most working days one extension may add.
    :param citation: where the cap comes from; :param certainty: how sure we are.
    """

    max_times: int = attrs.field(validator=_positive_int)
    max_working_days: int = attrs.field(validator=_positive_int)
    citation: str = attrs.field(validator=_nonempty)
    certainty: Certainty = attrs.field(
        converter=_to_extension_certainty, default=Certainty.REPORTED
    )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        return {
            "max_times": self.max_times,
            "max_working_days": self.max_working_days,
            "citation": self.citation,
            "certainty": self.certainty.value,
        }


def _extension(value: object) -> ExtensionCap | None:
    if value is None or isinstance(value, ExtensionCap):
        return value
    if isinstance(value, Mapping):
        unknown = set(value) - {"max_times", "max_working_days", "citation", "certainty"}
        if unknown:
            raise InvalidPolicyError(
                "extension", sorted(unknown)[0], "unknown key in an extension cap"
            )
        for key in ("max_times", "max_working_days", "citation"):
            if key not in value:
                raise InvalidPolicyError(f"extension.{key}", None, "is required")
        return ExtensionCap(**dict(value))
    raise InvalidPolicyError("extension", value, "must be a table or absent")


@attrs.frozen
class Rule:
    """One SLA clock: what starts and stops it, how long it runs, and where it comes from.

    Event lists hold event type names (``sp4n.lifecycle.EventType`` values):

    * ``starts``: the first of these starts the clock (when ``when`` matches).
    * ``stops``: stops a running or paused clock.
    * ``pauses`` / ``resumes``: working days between a pause and its resume do not count.
    * ``restarts``: begins a new cycle from zero whenever the clock has started before.
    * ``reopens``: begins a new cycle only if the clock is stopped (e.g. a reply after a
      follow-up gives the agency a fresh window).

    ``anchor`` names a payload key of the starting event holding a date (``YYYY-MM-DD``)
    from which the clock counts instead of the event's own instant; such a rule may then
    stop on the same event (the 30-day filing window is measured from the service date
    to the submission).

    ``certainty`` is how sure we are of the rule's length and trigger (what the source
    says); ``behaviour_certainty`` of how the clock reacts beyond that: its pauses,
    restarts, reopenings and anchor, which sp4n mostly models where the sources are silent
    (decisions 0022-0024). It defaults to ``inferred`` (decision 0155).
    """

    id: str = attrs.field()
    title: str = attrs.field(validator=_nonempty)
    title_en: str = attrs.field(validator=_nonempty)
    starts: tuple[str, ...] = attrs.field(converter=_starts)
    length: int = attrs.field(validator=_positive_int)
    unit: Unit = attrs.field(converter=_to_unit)
    citation: str = attrs.field(validator=_nonempty)
    certainty: Certainty = attrs.field(converter=_to_certainty)
    stops: tuple[str, ...] = attrs.field(default=(), converter=_stops)
    pauses: tuple[str, ...] = attrs.field(default=(), converter=_pauses)
    resumes: tuple[str, ...] = attrs.field(default=(), converter=_resumes)
    restarts: tuple[str, ...] = attrs.field(default=(), converter=_restarts)
    reopens: tuple[str, ...] = attrs.field(default=(), converter=_reopens)
    roll_forward: bool = attrs.field(default=False, validator=_flag)
    role: str = attrs.field(default="admin", validator=_nonempty)
    on_expiry: OnExpiry = attrs.field(default=OnExpiry.ESCALATE, converter=_to_on_expiry)
    when: FrozenMap = attrs.field(factory=FrozenMap, converter=_conditions)
    anchor: str | None = attrs.field(default=None)
    extension: ExtensionCap | None = attrs.field(default=None, converter=_extension)
    source: str | None = attrs.field(default=None, validator=_optional_text)
    note: str | None = attrs.field(default=None, validator=_optional_text)
    behaviour_certainty: Certainty = attrs.field(
        default=Certainty.INFERRED, converter=_to_behaviour_certainty
    )

    @id.validator
    def _check_id(self, attribute: attrs.Attribute[str], value: object) -> None:
        if not isinstance(value, str) or not _IDENT.match(value):
            raise InvalidPolicyError(
                "id", value, "rule ids start with a letter and use letters, digits, _ . -"
            )

    @roll_forward.validator
    def _check_roll(self, attribute: attrs.Attribute[bool], value: object) -> None:
        if not isinstance(value, bool):
            raise InvalidPolicyError(f"rule {self.id}: roll_forward", value, "must be true/false")

    @anchor.validator
    def _check_anchor(self, attribute: attrs.Attribute[str | None], value: object) -> None:
        if value is not None and (not isinstance(value, str) or not value):
            raise InvalidPolicyError(f"rule {self.id}: anchor", value, "must be a payload key")

    def __attrs_post_init__(self) -> None:
        where = f"rule {self.id}"
        if not self.starts:
            raise InvalidPolicyError(f"{where}: starts", [], "a rule needs a starting event")
        same = set(self.starts) & set(self.stops)
        if same and self.anchor is None:
            raise InvalidPolicyError(
                f"{where}: stops",
                sorted(same)[0],
                "a rule may not stop on the event that starts it",
                hint="set `anchor` to count from a date in the payload, or pick another event",
            )
        again = set(self.restarts) & set(self.stops)
        if again and self.anchor is None:
            raise InvalidPolicyError(
                f"{where}: restarts",
                sorted(again)[0],
                "a rule may not restart and stop on the same event",
            )
        both = set(self.pauses) & set(self.resumes)
        if both:
            raise InvalidPolicyError(
                f"{where}: resumes", sorted(both)[0], "an event cannot both pause and resume"
            )
        clash = set(self.pauses) & (set(self.starts) | set(self.stops))
        if clash:
            raise InvalidPolicyError(
                f"{where}: pauses", sorted(clash)[0], "an event cannot both pause and start/stop"
            )
        if self.extension is not None and self.on_expiry is OnExpiry.COMPLETE:
            raise InvalidPolicyError(
                f"{where}: extension",
                self.extension.max_working_days,
                "an automatic-completion timer cannot be extended",
            )

    @property
    def events(self) -> frozenset[str]:
        """Every event type this rule reacts to."""
        return frozenset(
            (*self.starts, *self.stops, *self.pauses, *self.resumes, *self.restarts, *self.reopens)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping of every field."""
        return {
            "id": self.id,
            "title": self.title,
            "title_en": self.title_en,
            "starts": list(self.starts),
            "stops": list(self.stops),
            "pauses": list(self.pauses),
            "resumes": list(self.resumes),
            "restarts": list(self.restarts),
            "reopens": list(self.reopens),
            "length": self.length,
            "unit": self.unit.value,
            "roll_forward": self.roll_forward,
            "role": self.role,
            "on_expiry": self.on_expiry.value,
            "when": {key: list(values) for key, values in self.when.items()},
            "anchor": self.anchor,
            "extension": self.extension.to_dict() if self.extension else None,
            "citation": self.citation,
            "source": self.source,
            "certainty": self.certainty.value,
            "behaviour_certainty": self.behaviour_certainty.value,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        """Build a rule from a mapping (a TOML table); unknown keys are an error."""
        fields = {a.name for a in attrs.fields(cls)}
        rule_id = data.get("id", "?")
        for key in data:
            if key not in fields:
                raise InvalidPolicyError(
                    f"rule {rule_id}: {key}", data[key], "unknown key in a rule"
                )
        for key in ("id", "title", "title_en", "starts", "length", "unit", "citation"):
            if key not in data:
                raise InvalidPolicyError(f"rule {rule_id}: {key}", None, "is required")
        if "certainty" not in data:
            raise InvalidPolicyError(
                f"rule {rule_id}: certainty", None, "is required (read, reported or inferred)"
            )
        try:
            return cls(**dict(data))
        except InvalidPolicyError as exc:
            if exc.field.startswith("rule "):
                raise
            raise InvalidPolicyError(
                f"rule {rule_id}: {exc.field}", exc.value, exc.rule, hint=exc.hint
            ) from None
