"""Agency directories: who handles which topics, at which level, for which region.

A directory is loaded from TOML (``[[agencies]]`` tables) or CSV (one agency a row)
and may be layered: a later source replaces an agency with the same id. The package
ships a SAMPLE directory (``data/directory_sample.toml``) for the regions where
SP4N-LAPOR! rollouts were reported; a deployment loads its own.
"""

from __future__ import annotations

import csv
import enum
import io
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from sp4n.errors import InvalidInputError, UnknownAgencyError
from sp4n.regions._codes import normalize_code
from sp4n.routing._affairs import AuthorityLevel, to_level

__all__ = ["Agency", "AgencyKind", "Contact", "Directory", "WorkUnit", "load_directory"]

SAMPLE_DIRECTORY = "data/directory_sample.toml"


class AgencyKind(enum.StrEnum):
    """What sort of body an agency is."""

    MINISTRY = "ministry"
    AGENCY = "agency"  # a non-ministerial or constitutional body (Polri, MA, BKN)
    STATUTORY_BODY = "statutory_body"
    SOE = "soe"
    OPD = "opd"  # perangkat daerah: a regional government office
    VERTICAL_OFFICE = "vertical_office"  # a regional office of a central body
    VILLAGE = "village"  # pemerintah desa
    COORDINATOR = "coordinator"  # the SP4N-LAPOR! admin of a level (no wrong door)


@attrs.frozen
class Contact:
    """The liaison (pejabat penghubung) of an agency."""

    name: str = ""
    email: str = ""
    phone: str = ""


@attrs.frozen
class WorkUnit:
    """A work unit (unit kerja) inside an agency, to which its liaison disposes complaints
    (a bidang, seksi or UPT); ``contact`` is who receives the dispositions (decision 0201)."""

    id: str = attrs.field()
    name: str
    contact: Contact = attrs.field(factory=Contact)

    @id.validator
    def _check_id(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            raise InvalidInputError("unit.id", value, "must be non-empty text of at most 200")


def _units(value: object) -> tuple[WorkUnit, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise InvalidInputError("units", value, "must be a list of work units")
    units: list[WorkUnit] = []
    for item in value:
        if isinstance(item, WorkUnit):
            units.append(item)
        elif isinstance(item, Mapping):
            contact = item.get("contact") or {}
            units.append(
                WorkUnit(
                    id=item["id"],
                    name=str(item.get("name") or item["id"]),
                    contact=Contact(**{k: str(v) for k, v in contact.items()}),
                )
            )
        else:
            raise InvalidInputError("units", item, "a work unit is a table with id and name")
    ids = [unit.id for unit in units]
    if len(set(ids)) != len(ids):
        raise InvalidInputError("units", ids, "work unit ids must be unique in an agency")
    return tuple(units)


def _region(value: object) -> str | None:
    if value in (None, ""):
        return None
    return normalize_code(value, field="agency.region")


@attrs.frozen
class Agency:
    """A body that handles complaints: a ministry, an OPD, a vertical office, an SOE ...

    ``level`` is the level of government it belongs to (a Polres is ``pusat``: a
    vertical office of a central body); ``region`` is the region it serves (None for a
    national body). ``priority`` orders agencies of the same level and region that
    handle the same topic (lower first); ties fall back to the id.
    """

    id: str = attrs.field()
    name: str
    kind: AgencyKind = attrs.field(converter=AgencyKind)
    level: AuthorityLevel = attrs.field(converter=to_level)
    region: str | None = attrs.field(default=None, converter=_region)
    topics: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    contact: Contact = attrs.field(factory=Contact)
    priority: int = 100
    sample: bool = False
    units: tuple[WorkUnit, ...] = attrs.field(default=(), converter=_units)

    def unit(self, unit_id: str) -> WorkUnit:
        """The work unit ``unit_id`` of this agency, or :class:`UnknownAgencyError`."""
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        known = ", ".join(u.id for u in self.units) or "none listed"
        raise UnknownAgencyError(
            "unit", unit_id, f"is not a work unit of {self.id} in the directory (units: {known})"
        )

    @id.validator
    def _check_id(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError("agency.id", value, "must be non-empty text")

    @region.validator
    def _check_region(self, _attribute: object, value: str | None) -> None:
        if value is None and self.level is not AuthorityLevel.PUSAT:
            raise InvalidInputError(
                f"agencies[{self.id}].region", value, f"a {self.level} agency needs a region"
            )


class Directory:
    """A set of agencies with indexes for routing; immutable once built."""

    __slots__ = ("_agencies", "_by_key", "_coordinators", "sample", "sources")

    def __init__(
        self, agencies: Iterable[Agency], *, sources: tuple[str, ...] = (), sample: bool = False
    ) -> None:
        self._agencies: dict[str, Agency] = {}
        for agency in agencies:
            self._agencies[agency.id] = agency
        self.sources = sources
        self.sample = sample
        ordered = sorted(self._agencies.values(), key=lambda a: (a.priority, a.id))
        by_key: dict[tuple[str, AuthorityLevel, str | None], list[Agency]] = {}
        coordinators: dict[tuple[AuthorityLevel, str | None], list[Agency]] = {}
        for agency in ordered:
            for topic in agency.topics:
                by_key.setdefault((topic, agency.level, agency.region), []).append(agency)
            if agency.kind is AgencyKind.COORDINATOR:
                coordinators.setdefault((agency.level, agency.region), []).append(agency)
        self._by_key = {key: tuple(value) for key, value in by_key.items()}
        self._coordinators = {key: tuple(value) for key, value in coordinators.items()}

    def __len__(self) -> int:
        return len(self._agencies)

    def __iter__(self) -> Iterator[Agency]:
        return iter(self._agencies.values())

    def __contains__(self, agency_id: object) -> bool:
        return agency_id in self._agencies

    def get(self, agency_id: str) -> Agency:
        """Return the agency with ``agency_id`` or raise :class:`UnknownAgencyError`."""
        try:
            return self._agencies[agency_id]
        except KeyError:
            raise UnknownAgencyError("agency", agency_id, "not in the agency directory") from None

    def handling(self, topic: str, level: AuthorityLevel, region: str | None) -> tuple[Agency, ...]:
        """Agencies of ``level`` serving exactly ``region`` that handle ``topic``."""
        return self._by_key.get((topic, level, region), ())

    def coordinators(self, level: AuthorityLevel, region: str | None) -> tuple[Agency, ...]:
        """The complaint coordinators (admins) of ``level`` for exactly ``region``."""
        return self._coordinators.get((level, region), ())

    def with_agencies(self, *agencies: Agency) -> Directory:
        """Return a new directory with ``agencies`` added (same id: replaced)."""
        return Directory(
            (*self._agencies.values(), *agencies), sources=self.sources, sample=self.sample
        )

    def with_entries(self, entries: Iterable[Mapping[str, Any]]) -> Directory:
        """A directory with ``entries`` (``[[agencies]]``-shaped mappings, e.g. from the
        ``sp4n_directory_entries`` hook) added; same id: replaced."""
        from sp4n.regions._regions import get_region

        agencies = []
        for number, entry in enumerate(entries):
            agency = _agency_from(entry, f"entries[{number}]", sample=False)
            if agency.region is not None:
                get_region(agency.region)
            agencies.append(agency)
        return self.with_agencies(*agencies)

    def without(self, *agency_ids: str) -> Directory:
        """Return a new directory without the given agencies."""
        drop = set(agency_ids)
        return Directory(
            (a for a in self._agencies.values() if a.id not in drop),
            sources=self.sources,
            sample=self.sample,
        )


def _agency_from(entry: Mapping[str, Any], where: str, *, sample: bool) -> Agency:
    try:
        contact = entry.get("contact") or {}
        return Agency(
            id=entry["id"],
            name=entry["name"],
            kind=entry.get("kind") or _default_kind(entry["level"]),
            level=entry["level"],
            region=entry.get("region"),
            topics=tuple(entry.get("topics", ())),
            contact=Contact(**{k: str(v) for k, v in contact.items()}),
            priority=int(entry.get("priority", 100)),
            sample=sample,
            units=entry.get("units", ()),
        )
    except InvalidInputError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        rule = f"an agency entry is malformed: {exc}"
        raise InvalidInputError(where, dict(entry), rule) from None


def _default_kind(level: object) -> AgencyKind:
    return AgencyKind.AGENCY if to_level(level) is AuthorityLevel.PUSAT else AgencyKind.OPD


def _csv_entries(text: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for row in csv.DictReader(io.StringIO(text)):
        entry: dict[str, Any] = {k: v for k, v in row.items() if k and v not in (None, "")}
        entry["topics"] = [t for t in row.get("topics", "").replace(";", " ").split() if t]
        entry["contact"] = {
            key: row[f"contact_{key}"]
            for key in ("name", "email", "phone")
            if row.get(f"contact_{key}")
        }
        for key in ("contact_name", "contact_email", "contact_phone"):
            entry.pop(key, None)
        entries.append(entry)
    return entries


def _entries(source: str | Path) -> tuple[list[Mapping[str, Any]], bool, str]:
    if isinstance(source, Path):
        text, where = source.read_text(encoding="utf-8"), str(source)
        if source.suffix.lower() == ".csv":
            return list(_csv_entries(text)), False, where
    else:
        text, where = source, "<string>"
    data = tomllib.loads(text)
    return list(data.get("agencies", ())), bool(data.get("meta", {}).get("sample")), where


def load_directory(
    *sources: str | Path, sample: bool = True, entries: Iterable[Mapping[str, Any]] = ()
) -> Directory:
    """Load a directory: the bundled SAMPLE (unless ``sample=False``), then each source,
    then ``entries`` (mappings shaped like an ``[[agencies]]`` table, e.g. the rows plugins
    return from the ``sp4n_directory_entries`` hook; ``kind`` defaults to "opd", or
    "agency" for a central body).

    A source is a path to a ``.toml`` or ``.csv`` file, or TOML text. CSV columns:
    ``id,name,kind,level,region,topics,priority,contact_name,contact_email,contact_phone``
    (topics separated by spaces or semicolons). A later agency with the same id replaces
    an earlier one. Every agency's region must be a known Kemendagri code.
    """
    from sp4n.regions._regions import get_region

    agencies: list[Agency] = []
    names: list[str] = []
    is_sample = False
    layers: list[tuple[list[Mapping[str, Any]], bool, str]] = []
    if sample:
        text = files("sp4n.routing").joinpath(SAMPLE_DIRECTORY).read_text("utf-8")
        shipped, flag, _ = _entries(text)
        layers.append((shipped, flag, f"sp4n.routing:{SAMPLE_DIRECTORY}"))
    layers.extend(_entries(source) for source in sources)
    extra: list[Mapping[str, Any]] = [dict(entry) for entry in entries]
    if extra:
        layers.append((extra, False, "entries"))
    for layer, flag, where in layers:
        names.append(where)
        is_sample = is_sample or flag
        for number, entry in enumerate(layer):
            agency = _agency_from(entry, f"{where} agencies[{number}]", sample=flag)
            if agency.region is not None:
                get_region(agency.region)
            agencies.append(agency)
    return Directory(agencies, sources=tuple(names), sample=is_sample)
