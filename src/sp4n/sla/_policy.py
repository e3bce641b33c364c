"""A :class:`Policy` is a named, versioned set of rules; an :class:`Override` changes one.

Overrides are data too: a region's SOP (a regency giving 30 days to follow up) or an
agency's tiered service standard replace fields of existing rules, add rules, or
remove them. Applying one yields a new policy whose ``version`` records it, so a
deadline computed under it can say which rules it was computed under.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from sp4n.errors import InvalidPolicyError, UnknownRuleError
from sp4n.sla._sla_rules import Rule

__all__ = ["KNOWN_EVENTS", "Override", "Policy"]

KNOWN_EVENTS: frozenset[str] = frozenset(
    {
        "submitted",
        "verified",
        "held",
        "archived",
        "forwarded",
        "returned",
        "acknowledged",
        "info_requested",
        "info_provided",
        "followed_up",
        "reporter_replied",
        "admin_replied",
        "completed",
        "rated",
        "reopened",
        "extended",
        "escalated",
        "merged",
        "visibility_changed",
        "deadline_moved",
        "reminded",
        "amended",
        "disposed",
        "follow_up_drafted",
    }
)
"""The event types of ``sp4n.lifecycle.EventType`` (kept in step by a test)."""


def _rules(value: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(value)


def _event_names(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise InvalidPolicyError("extra_events", value, "must be a list of event type names")
    names = list(value)
    for name in names:
        if not isinstance(name, str):
            raise InvalidPolicyError("extra_events", name, "must be a list of event type names")
    return frozenset(names)


def _changes(value: Mapping[str, Mapping[str, Any]]) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    if isinstance(value, tuple):
        return value
    if not isinstance(value, Mapping):
        raise InvalidPolicyError("changes", value, "must map rule ids to tables of fields")
    out: list[tuple[str, tuple[Any, ...]]] = []
    for rule_id, fields in value.items():
        if not isinstance(fields, Mapping):
            raise InvalidPolicyError(f"rules.{rule_id}", fields, "must be a table of fields")
        out.append((rule_id, tuple(sorted((k, _freeze(v)) for k, v in fields.items()))))
    return tuple(out)


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Mapping):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    return value


def _thaw(value: Any, key: str) -> Any:
    if key in {"when", "extension"} and isinstance(value, tuple):
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in value}
    if isinstance(value, tuple):
        return list(value)
    return value


@attrs.frozen
class Override:
    """Changes to a policy for one region or agency.

    :param name: a short identifier, e.g. ``"64.08-kutai-timur"``.
    :param version: the override's own revision.
    :param changes: rule id -> fields to replace (``{"T2": {"length": 30, "unit": "days"}}``).
    :param add: whole new rules.
    :param remove: ids of rules that do not apply.
    :param region: region code prefix it applies to (``None``: not region-bound).
    :param agency: agency id it applies to.
    :param sample: True when it illustrates a reported local practice, not a checked rule.
    """

    name: str
    version: str = "1"
    changes: tuple[tuple[str, tuple[Any, ...]], ...] = attrs.field(
        factory=tuple, converter=_changes
    )
    add: tuple[Rule, ...] = attrs.field(factory=tuple, converter=_rules)
    remove: tuple[str, ...] = attrs.field(factory=tuple, converter=tuple)
    region: str | None = None
    agency: str | None = None
    policy: str = "lapor"
    citation: str | None = None
    sample: bool = False
    source: str | None = None
    path: str | None = None
    """The file it was read from, named in errors."""

    @property
    def label(self) -> str:
        """``name@version`` as recorded in an overridden policy's version."""
        return f"{self.name}@{self.version}"

    def apply(self, policy: Policy) -> Policy:
        """Return ``policy`` with this override applied (the rules are re-validated)."""
        where = f"{self.path}: override {self.name}" if self.path else f"override {self.name}"
        by_id = {rule.id: rule for rule in policy.rules}
        for rule_id in self.remove:
            if rule_id not in by_id:
                raise InvalidPolicyError(
                    f"{where}: remove",
                    rule_id,
                    f"policy {policy.name} has no such rule",
                )
            del by_id[rule_id]
        for rule_id, fields in self.changes:
            if rule_id not in by_id:
                raise InvalidPolicyError(
                    f"{where}: rules.{rule_id}",
                    rule_id,
                    f"policy {policy.name} has no such rule to change; use [[rule]] to add one",
                )
            merged = by_id[rule_id].to_dict()
            if any(key == "citation" for key, _ in fields):
                merged["source"] = None  # a new citation does not inherit the old address
            for key, value in fields:
                if key == "id":
                    raise InvalidPolicyError(
                        f"{where}: rules.{rule_id}.id", value, "cannot rename a rule"
                    )
                merged[key] = _thaw(value, key)
            try:
                by_id[rule_id] = Rule.from_dict(merged)
            except InvalidPolicyError as exc:
                raise InvalidPolicyError(
                    f"{where}: {exc.field}", exc.value, exc.rule, hint=exc.hint
                ) from None
        for rule in self.add:
            if rule.id in by_id:
                raise InvalidPolicyError(
                    f"{where}: rule",
                    rule.id,
                    "already in the policy; change it instead",
                )
            by_id[rule.id] = rule
        order = [r.id for r in policy.rules if r.id in by_id] + [r.id for r in self.add]
        return Policy(
            name=policy.name,
            version=f"{policy.version}+{self.label}",
            rules=tuple(by_id[rule_id] for rule_id in order),
            title=policy.title,
            extra_events=policy.extra_events,
            overrides=(*policy.overrides, self),
        )


@attrs.frozen(cache_hash=True)  # a cache key of every clock evaluation
class Policy:
    """A named, versioned set of SLA rules.

    Built and validated at once: rule ids are unique and every event a rule names is an
    event type sp4n knows (or one the policy declares in ``extra_events``).
    """

    name: str
    version: str
    rules: tuple[Rule, ...] = attrs.field(converter=_rules)
    title: str = ""
    extra_events: frozenset[str] = attrs.field(factory=frozenset, converter=_event_names)
    overrides: tuple[Override, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise InvalidPolicyError("name", self.name, "a policy needs a name")
        if not self.version or not isinstance(self.version, str):
            raise InvalidPolicyError("version", self.version, "a policy needs a version string")
        seen: set[str] = set()
        known = KNOWN_EVENTS | self.extra_events
        for rule in self.rules:
            if not isinstance(rule, Rule):
                raise InvalidPolicyError("rules", rule, "must hold Rule values")
            if rule.id in seen:
                raise InvalidPolicyError("rule.id", rule.id, "rule ids must be unique in a policy")
            seen.add(rule.id)
            for event in sorted(rule.events):
                if event not in known:
                    raise InvalidPolicyError(
                        f"rule {rule.id}: events",
                        event,
                        "not a known event type",
                        hint="declare custom events in [policy] extra_events",
                    )

    def rule(self, rule_id: str) -> Rule:
        """Return the rule with this id (UnknownRuleError when there is none)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise UnknownRuleError(
            "rule_id", rule_id, f"policy {self.name} has rules: {', '.join(self.ids)}"
        )

    @property
    def ids(self) -> tuple[str, ...]:
        """The rule ids in policy order."""
        return tuple(rule.id for rule in self.rules)

    @property
    def samples(self) -> tuple[str, ...]:
        """Names of applied overrides that are samples rather than checked rules."""
        return tuple(o.name for o in self.overrides if o.sample)

    def with_overrides(self, *overrides: Override | Mapping[str, Mapping[str, Any]]) -> Policy:
        """Return a new policy with each override applied in order (later ones win).

        A plain mapping ``{"T2": {"length": 30, "unit": "days"}}`` is read as an
        unnamed override of rule fields.
        """
        policy = self
        for number, override in enumerate(overrides, 1):
            if not isinstance(override, Override):
                override = Override(name=f"inline{number}", changes=override)
            policy = override.apply(policy)
        return policy

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sp4n policy --json`` (ARCHITECTURE.md), plus extra keys."""
        return {
            "name": self.name,
            "version": self.version,
            "rules": [rule.to_dict() for rule in self.rules],
            "overrides": [
                {
                    "name": o.name,
                    "version": o.version,
                    "region": o.region,
                    "agency": o.agency,
                    "sample": o.sample,
                    "citation": o.citation,
                }
                for o in self.overrides
            ],
        }
