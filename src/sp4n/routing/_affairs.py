"""Complaint topics and the UU 23/2014 division of government affairs, as cited data.

A :class:`Topic` is what a complaint is about ("road", "school"); its
:class:`Attribute` values refine it ("road_status" = "provinsi"). An :class:`AffairRow`
says which level of government is competent for a topic when its attributes have
certain values, under which kind of affair (absolute, vertical, concurrent, ...), with
its citation and certainty. The default table ships as ``data/affairs.toml``; a region
extends or overrides it with its own TOML file (see docs/routing.md).

References:
    - UU 23/2014 Pasal 9-12 (absolute and concurrent affairs) and its Lampiran
      (the concurrent-affairs matrix), as summarised in regulation.md §8.
"""

from __future__ import annotations

import difflib
import enum
import tomllib
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from sp4n._certainty import Certainty
from sp4n.errors import InvalidInputError, UnknownTopicError
from sp4n.regions._codes import normalize_code

__all__ = [
    "AffairKind",
    "AffairRow",
    "Affairs",
    "Attribute",
    "AuthorityLevel",
    "Certainty",
    "Topic",
    "load_affairs",
]


class AuthorityLevel(enum.StrEnum):
    """The level of government an affair belongs to."""

    PUSAT = "pusat"
    PROVINSI = "provinsi"
    KABUPATEN_KOTA = "kabupaten_kota"
    DESA = "desa"


_LEVEL_SYNONYMS = {
    "central": "pusat",
    "national": "pusat",
    "nasional": "pusat",
    "province": "provinsi",
    "provincial": "provinsi",
    "regency": "kabupaten_kota",
    "city": "kabupaten_kota",
    "kabupaten": "kabupaten_kota",
    "kota": "kabupaten_kota",
    "regency_city": "kabupaten_kota",
    "village": "desa",
}


def to_level(value: object, *, field: str = "level") -> AuthorityLevel:
    """Read a level, accepting English and short synonyms ("province", "regency", ...)."""
    if isinstance(value, AuthorityLevel):
        return value
    text = str(value).strip().lower()
    try:
        return AuthorityLevel(_LEVEL_SYNONYMS.get(text, text))
    except ValueError:
        raise InvalidInputError(
            field, value, "a level is one of " + ", ".join(level.value for level in AuthorityLevel)
        ) from None


class AffairKind(enum.StrEnum):
    """How UU 23/2014 (or the body's own statute) assigns the affair."""

    ABSOLUTE = "absolute"  # urusan absolut, UU 23/2014 Pasal 10: central only
    VERTICAL = "vertical"  # a central body with its own regional offices (instansi vertikal)
    STATUTORY_BODY = "statutory_body"  # a national body set up by its own law (BPJS)
    SOE = "soe"  # a state-owned enterprise (BUMN), e.g. PLN
    CONCURRENT = "concurrent"  # urusan konkuren, split per the Lampiran


def _text(field: str) -> Any:
    def check(_instance: object, _attribute: object, value: object) -> None:
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError(field, value, "must be non-empty text")

    return check


@attrs.frozen
class Attribute:
    """A refinement of a topic with a closed set of allowed values."""

    key: str = attrs.field(validator=_text("attribute.key"))
    name: str
    name_en: str
    values: tuple[str, ...] = attrs.field(converter=tuple)
    required: bool = True

    @values.validator
    def _check_values(self, _attribute: object, value: tuple[str, ...]) -> None:
        if not value or len(set(value)) != len(value):
            raise InvalidInputError(
                f"attributes.{self.key}.values", value, "a non-empty list of distinct values"
            )


@attrs.frozen
class Topic:
    """A complaint topic; ``attributes`` maps each attribute key to its definition.

    ``aliases`` are other ids the topic answers to (Indonesian words such as "jalan").
    """

    id: str = attrs.field(validator=_text("topic.id"))
    name: str
    name_en: str
    attributes: Mapping[str, Attribute] = attrs.field(factory=dict)
    matrix_rows: tuple[int, ...] = attrs.field(default=(), converter=tuple)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def validate(self, attributes: Mapping[str, str] | None) -> dict[str, str]:
        """Return ``attributes`` checked against this topic, or raise InvalidInputError."""
        if not attributes:
            return {}
        if not isinstance(attributes, Mapping):
            raise InvalidInputError(
                "attributes", attributes, "attributes are a mapping of key to value"
            )
        checked: dict[str, str] = {}
        for key, value in attributes.items():
            definition = self.attributes.get(key)
            if definition is None:
                allowed = ", ".join(sorted(self.attributes)) or "none"
                raise InvalidInputError(
                    f"attributes.{key}",
                    value,
                    f"topic {self.id!r} has no attribute {key!r}; its attributes: {allowed}",
                )
            if value not in definition.values:
                raise InvalidInputError(
                    f"attributes.{key}",
                    value,
                    f"not an allowed {key} for topic {self.id!r}",
                    hint="allowed: " + ", ".join(definition.values),
                )
            checked[key] = value
        return checked


def _levels(levels: Iterable[str]) -> tuple[AuthorityLevel, ...]:
    return tuple(to_level(level, field="affairs.alternatives") for level in levels)


def _region_prefix(value: object) -> str | None:
    if value is None:
        return None
    return normalize_code(value, field="affairs.region")


@attrs.frozen
class AffairRow:
    """One row of the division of affairs: who is competent for a topic, and why.

    ``when`` maps attribute keys to the values the row covers (absent key: any value,
    but a required attribute must still be given). ``region`` restricts the row to a
    region and everything under it (a regional override). ``alternatives`` are levels
    that may also hold the affair (listed as alternatives in a decision);
    ``supervisor`` is the level and topic that supervises a village-level affair.
    """

    topic: str
    level: AuthorityLevel = attrs.field(converter=to_level)
    kind: AffairKind = attrs.field(converter=AffairKind)
    citation: str = attrs.field(validator=_text("affair.citation"))
    certainty: Certainty = attrs.field(converter=Certainty)
    when: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    region: str | None = attrs.field(default=None, converter=_region_prefix)
    alternatives: tuple[AuthorityLevel, ...] = attrs.field(default=(), converter=_levels)
    supervisor: tuple[AuthorityLevel, str] | None = None
    matrix_row: int | None = None
    note: str = ""

    def matches(self, region_code: str, attributes: Mapping[str, str]) -> bool:
        """Whether the row covers a complaint in ``region_code`` with ``attributes``."""
        if self.region is not None and not (
            region_code == self.region or region_code.startswith(self.region + ".")
        ):
            return False
        return all(attributes.get(key) in values for key, values in self.when.items())

    @property
    def specificity(self) -> tuple[int, int]:
        """Region depth, then number of conditions: the more specific row wins."""
        depth = 0 if self.region is None else self.region.count(".") + 1
        return depth, len(self.when)


@attrs.frozen
class Affairs:
    """The topic taxonomy and the rows of the division of affairs."""

    topics: Mapping[str, Topic]
    rows: tuple[AffairRow, ...]
    sources: tuple[str, ...] = ()
    _by_topic: Mapping[str, tuple[AffairRow, ...]] = attrs.field(init=False, eq=False, repr=False)
    _aliases: Mapping[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        aliases: dict[str, str] = {}
        for topic in self.topics.values():
            for alias in topic.aliases:
                taken = aliases.get(alias) or (alias if alias in self.topics else None)
                if taken is not None and taken != topic.id:
                    raise InvalidInputError(
                        f"topics.{topic.id}.aliases", alias, f"already names topic {taken!r}"
                    )
                aliases[alias] = topic.id
        object.__setattr__(self, "_aliases", aliases)
        grouped: dict[str, list[AffairRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.topic, []).append(row)
        by_topic = {
            topic: tuple(sorted(rows, key=lambda row: row.specificity, reverse=True))
            for topic, rows in grouped.items()
        }
        object.__setattr__(self, "_by_topic", by_topic)

    def topic(self, topic_id: str) -> Topic:
        """Return the topic with ``topic_id`` (or an alias) or raise UnknownTopicError."""
        if isinstance(topic_id, str):
            found = self.topics.get(topic_id)
            if found is not None:
                return found
            alias = self._aliases.get(topic_id)
            if alias is not None:
                return self.topics[alias]
        raise UnknownTopicError(
            "topic", topic_id, "not in the topic taxonomy", hint=self._topic_hint(topic_id)
        )

    def _topic_hint(self, wrong: object) -> str:
        """ "Did you mean 'road'?" from ids and Indonesian aliases, then the known ids."""
        known = "known topics: " + ", ".join(sorted(self.topics))
        if not isinstance(wrong, str):
            return known + " (see: sp4n topics)"
        names = {**{topic: topic for topic in self.topics}, **self._aliases}
        close = difflib.get_close_matches(wrong.strip().casefold(), names, n=3, cutoff=0.6)
        suggestions = list(dict.fromkeys(names[name] for name in close))
        if not suggestions:
            return known + " (see: sp4n topics)"
        quoted = " or ".join(repr(topic) for topic in suggestions)
        return f"Did you mean {quoted}? See all topics and their aliases with: sp4n topics"

    def rows_for(self, topic_id: str) -> tuple[AffairRow, ...]:
        """The rows of a topic, most specific first, then in file order."""
        return self._by_topic.get(topic_id, ())

    def with_rows(self, rows: Iterable[Mapping[str, Any]]) -> Affairs:
        """A table with ``rows`` (``[[affairs]]``-shaped mappings) applied on top: a row
        with the same topic, ``when`` and ``region`` replaces the earlier one."""
        by_key = {_key(row): row for row in self.rows}
        for number, entry in enumerate(rows):
            row = _canonical(_row_from(entry, f"rows[{number}]"), self._aliases)
            _check_row(row, self.topics)
            by_key[_key(row)] = row
        return Affairs(
            topics=self.topics, rows=tuple(by_key.values()), sources=(*self.sources, "rows")
        )

    def levels(self, topic_id: str) -> tuple[AuthorityLevel, ...]:
        """The distinct levels the rows of a topic assign, in level order."""
        found = {row.level for row in self.rows_for(topic_id)}
        return tuple(level for level in AuthorityLevel if level in found)


def _key(row: AffairRow) -> tuple[str, tuple[tuple[str, tuple[str, ...]], ...], str | None]:
    return row.topic, tuple(sorted(row.when.items())), row.region


def _topic_from(data: Mapping[str, Any]) -> Topic:
    attributes = {
        key: Attribute(
            key=key,
            name=spec.get("name", key),
            name_en=spec.get("name_en", key),
            values=spec.get("values", ()),
            required=spec.get("required", True),
        )
        for key, spec in data.get("attributes", {}).items()
    }
    return Topic(
        id=data.get("id", ""),
        name=data.get("name", data.get("id", "")),
        name_en=data.get("name_en", data.get("name", "")),
        attributes=attributes,
        matrix_rows=data.get("matrix_rows", ()),
        aliases=data.get("aliases", ()),
    )


def _row_from(data: Mapping[str, Any], where: str) -> AffairRow:
    try:
        when = {
            key: (value,) if isinstance(value, str) else tuple(value)
            for key, value in (data.get("when") or {}).items()
        }
        supervisor = data.get("supervisor")
        return AffairRow(
            topic=data["topic"],
            level=data["level"],
            kind=data.get("kind", AffairKind.CONCURRENT),
            citation=data.get("citation", ""),
            certainty=data["certainty"],
            when=when,
            region=data.get("region"),
            alternatives=data.get("alternatives", ()),
            supervisor=(
                None if supervisor is None else (to_level(supervisor["level"]), supervisor["topic"])
            ),
            matrix_row=data.get("matrix_row"),
            note=data.get("note", ""),
        )
    except (KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, InvalidInputError):
            raise
        raise InvalidInputError(where, dict(data), f"an affair row is malformed: {exc}") from None


def _read(source: str | Path) -> tuple[dict[str, Any], str]:
    if isinstance(source, Path):
        return tomllib.loads(source.read_text(encoding="utf-8")), str(source)
    return tomllib.loads(source), "<string>"


def load_affairs(
    *extra: str | Path, base: bool = True, rows: Iterable[Mapping[str, Any]] = ()
) -> Affairs:
    """Load the default affairs table, then apply each ``extra`` TOML (a path or text),
    then ``rows`` (mappings shaped like an ``[[affairs]]`` table, e.g. the rows plugins
    return from the ``sp4n_affairs_rows`` hook; ``kind`` defaults to "concurrent" and a
    level may be written "province", "regency", "central" ...).

    In an extra file a ``[[topics]]`` entry with a known id replaces that topic and a
    new id adds one; an ``[[affairs]]`` row with the same topic, ``when`` and ``region``
    as an earlier row replaces it, any other row is added. Rows are checked: the topic
    must exist and every ``when`` key and value must be one of the topic's attributes.
    """
    sources: list[tuple[dict[str, Any], str]] = []
    if base:
        text = files("sp4n.routing").joinpath("data/affairs.toml").read_text("utf-8")
        sources.append((tomllib.loads(text), "sp4n.routing:data/affairs.toml"))
    sources.extend(_read(item) for item in extra)
    extra_rows = [dict(row) for row in rows]
    if extra_rows:
        sources.append(({"affairs": extra_rows}, "rows"))
    topics: dict[str, Topic] = {}
    by_key: dict[tuple[str, tuple[tuple[str, tuple[str, ...]], ...], str | None], AffairRow] = {}
    for data, _where in sources:
        for entry in data.get("topics", ()):
            topic = _topic_from(entry)
            topics[topic.id] = topic
    aliases = {alias: topic.id for topic in topics.values() for alias in topic.aliases}
    for data, where in sources:
        for number, entry in enumerate(data.get("affairs", ())):
            row = _canonical(_row_from(entry, f"{where} affairs[{number}]"), aliases)
            by_key[_key(row)] = row
    for row in by_key.values():
        _check_row(row, topics)
    return Affairs(topics=topics, rows=tuple(by_key.values()), sources=tuple(w for _, w in sources))


def _canonical(row: AffairRow, aliases: Mapping[str, str]) -> AffairRow:
    """The row with its topic written as the canonical id (a row may use an alias)."""
    canonical = aliases.get(row.topic)
    return row if canonical is None else attrs.evolve(row, topic=canonical)


def _check_row(row: AffairRow, topics: Mapping[str, Topic]) -> None:
    topic = topics.get(row.topic)
    if topic is None:
        raise UnknownTopicError("affairs.topic", row.topic, "an affair row names an unknown topic")
    for key, values in row.when.items():
        attribute = topic.attributes.get(key)
        if attribute is None:
            raise InvalidInputError(
                f"affairs.when.{key}", values, f"topic {row.topic!r} has no attribute {key!r}"
            )
        unknown = [value for value in values if value not in attribute.values]
        if unknown:
            raise InvalidInputError(
                f"affairs.when.{key}", unknown, f"not allowed values of {key} for {row.topic!r}"
            )
    if row.supervisor is not None and row.supervisor[1] not in topics:
        raise UnknownTopicError(
            "affairs.supervisor.topic", row.supervisor[1], "a supervisor names an unknown topic"
        )
