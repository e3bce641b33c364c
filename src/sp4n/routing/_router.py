"""The router: a directory, the affairs table and ordered rules; ``route`` decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

import attrs

from sp4n.errors import InvalidInputError
from sp4n.regions._regions import Region, _dataset, get_region
from sp4n.routing._affairs import Affairs, AuthorityLevel, load_affairs
from sp4n.routing._decision import (
    Reason,
    RoutingDecision,
    RoutingRequest,
    RoutingState,
    Rule,
)
from sp4n.routing._directory import Agency, Directory, load_directory
from sp4n.routing._routing_rules import BUILTIN_RULES

__all__ = ["Router", "route"]

_Template = tuple[Agency | None, AuthorityLevel, bool, tuple[Reason, ...], tuple[Agency, ...]]
_Memo = tuple[
    str,
    Agency | None,
    AuthorityLevel,
    bool,
    tuple[Reason, ...],
    tuple[Agency, ...],
    Mapping[str, str],
]
_MEMO_LIMIT = 65536  # decisions kept; the memo is cleared when it is full
_PREFIX_LENGTHS = (len("PP.KK.CC.DDDD"), len("PP.KK.CC"), len("PP.KK"), len("PP"))


def _sorted_rules(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    by_id: dict[str, Rule] = {}
    for rule in rules:
        if not isinstance(rule, Rule):
            raise InvalidInputError(
                "rules", rule, "a rule needs id, order, description, citation, certainty, apply"
            )
        by_id[rule.id] = rule
    return tuple(sorted(by_id.values(), key=lambda rule: (rule.order, rule.id)))


def _chain(code: str) -> tuple[str, ...]:
    parts = code.split(".")
    return tuple(".".join(parts[:depth]) for depth in range(len(parts), 0, -1))


@attrs.frozen
class Router:
    """Routes complaints with a directory, the affairs table and rules run in order.

    Build one with :meth:`default` (bundled affairs table and SAMPLE directory) or
    from your own parts; derive variants with :meth:`with_rules`,
    :meth:`with_directory` and :meth:`with_affairs`. Routing is deterministic.
    """

    directory: Directory
    affairs: Affairs
    rules: tuple[Rule, ...] = attrs.field(default=BUILTIN_RULES, converter=_sorted_rules)
    memoize: bool = True
    _significant: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    _memo: dict[tuple[object, ...], _Memo] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        significant = {a.region for a in self.directory if a.region is not None}
        significant.update(row.region for row in self.affairs.rows if row.region is not None)
        object.__setattr__(self, "_significant", frozenset(significant))
        object.__setattr__(self, "_memo", {})

    def anchor(self, code: str) -> str:
        """The deepest region enclosing ``code`` (itself included) that routing can tell
        apart: one the directory or a regional affairs row names; else the province.

        Two complaints with the same anchor, topic, attributes and exclusions get the
        same decision, which is what lets the router memoise decisions.
        """
        significant = self._significant
        for length in _PREFIX_LENGTHS:
            if len(code) >= length and code[:length] in significant:
                return code[:length]
        return code[:2]

    @classmethod
    def default(cls) -> Router:
        """The cached router over the bundled affairs table and sample directory."""
        return _default_router()

    def with_rules(self, *rules: Rule) -> Router:
        """A router with ``rules`` added; a rule with an existing id replaces it."""
        return attrs.evolve(self, rules=(*self.rules, *rules))

    def without_rules(self, *rule_ids: str) -> Router:
        """A router without the rules with these ids."""
        return attrs.evolve(self, rules=tuple(r for r in self.rules if r.id not in rule_ids))

    def with_directory(self, directory: Directory) -> Router:
        """A router over another directory."""
        return attrs.evolve(self, directory=directory)

    def with_plugin_rows(
        self,
        *,
        affair_rows: Iterable[Mapping[str, Any]] = (),
        agency_entries: Iterable[Mapping[str, Any]] = (),
    ) -> Router:
        """A router with rows from plugins applied: affairs rows (the
        ``sp4n_affairs_rows`` hook) and agency entries (``sp4n_directory_entries``)."""
        return attrs.evolve(
            self,
            affairs=self.affairs.with_rows(affair_rows),
            directory=self.directory.with_entries(agency_entries),
        )

    def with_affairs(self, affairs: Affairs) -> Router:
        """A router over another affairs table."""
        return attrs.evolve(self, affairs=affairs)

    def route(
        self,
        region: str | Region,
        topic: str,
        attributes: Mapping[str, str] | None = None,
        *,
        exclude: Iterable[str] = (),
    ) -> RoutingDecision:
        """Decide where a complaint about ``topic`` in ``region`` goes.

        ``attributes`` refine the topic (e.g. ``{"road_status": "provinsi"}``);
        ``exclude`` lists agencies that already returned the complaint as not their
        authority (bukan wewenang): they are never chosen again.

        Raises MalformedRegionCodeError / UnknownRegionError for a bad region,
        UnknownTopicError for a topic not in the taxonomy and InvalidInputError for an
        attribute the topic does not have or a value it does not allow.
        """
        code = region.code if isinstance(region, Region) else _known_code(region)
        anchor = self.anchor(code)
        key: tuple[object, ...] | None = None
        if self.memoize:
            # Keyed by the raw inputs: equal inputs validate the same way, so a hit skips
            # validation. Inputs that cannot be keyed take the slow path, which rejects them.
            try:
                items = tuple(sorted(attributes.items())) if attributes else ()
                excluded_key = _EMPTY if not exclude else _excluded(exclude)
                key = (topic, items, excluded_key, anchor)
                hit = self._memo.get(key)
            except (AttributeError, TypeError, InvalidInputError):
                key = hit = None
            if hit is not None:
                return RoutingDecision(code, *hit)  # positional: the hot path
        subject = self.affairs.topic(topic)
        checked = subject.validate(attributes)
        excluded = _EMPTY if not exclude else _excluded(exclude)
        request = RoutingRequest(
            region=get_region(anchor),
            topic=subject,
            attributes=checked,
            exclude=excluded,
            chain=_chain(anchor),
        )
        state = RoutingState(request)
        for rule in self.rules:
            step = rule.apply(state, self)
            if step is not None:
                state.advance(rule, step)
                if state.done:
                    break
        template = (subject.id, *_template(state), MappingProxyType(checked))
        if key is not None:
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = template
        return RoutingDecision(code, *template)


_EMPTY: frozenset[str] = frozenset()


def _excluded(exclude: Iterable[str]) -> frozenset[str]:
    ids = frozenset((exclude,) if isinstance(exclude, str) else exclude)
    for agency_id in ids:
        if not isinstance(agency_id, str):
            raise InvalidInputError(
                "exclude", agency_id, "exclude lists agency ids (text), e.g. '61.07-disdik'"
            )
    return ids


def _known_code(region: str) -> str:
    """``region`` as a dotted code of the bundled list (fast path for a known code)."""
    if type(region) is str and region in _dataset().names:
        return region
    return get_region(region).code


def _template(state: RoutingState) -> _Template:
    request = state.request
    agency = state.candidates[0] if state.candidates else None
    seen = {agency.id} if agency is not None else set()
    alternatives: list[Agency] = []
    for other in (*state.candidates[1:], *state.alternatives):
        if other.id not in seen and other.id not in request.exclude:
            seen.add(other.id)
            alternatives.append(other)
    if agency is not None:
        level = agency.level
    elif state.competence is not None:
        level = state.competence.level
    else:
        level = AuthorityLevel.PUSAT
    return agency, level, state.manual, tuple(state.reasons), tuple(alternatives)


@cache
def _default_router() -> Router:
    return Router(directory=load_directory(), affairs=load_affairs())


def route(
    region: str | Region,
    topic: str,
    attributes: Mapping[str, str] | None = None,
    *,
    exclude: Iterable[str] = (),
) -> RoutingDecision:
    """Route with the default router (bundled affairs table and SAMPLE directory)."""
    return _default_router().route(region, topic, attributes, exclude=exclude)
