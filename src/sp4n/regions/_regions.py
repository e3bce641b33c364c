"""The bundled Kemendagri region list: lookup by code, by name, and parent chains.

The list (Kepmendagri 300.2.2-2138/2025, 91,599 regions) ships gzip-compressed as
``data/kode_wilayah.tsv.gz`` and is read on first use, never at ``import sp4n``.
Rebuild it with ``python -m sp4n.regions.refresh`` (see docs/routing.md).

References:
    - Kepmendagri 300.2.2-2138/2025 (the code list) [reported], regulation.md §9.
    - Permendagri 58/2021 (code structure and updates) [read], regulation.md §9.
"""

from __future__ import annotations

import difflib
import gzip
from bisect import bisect_left
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo

import attrs

from sp4n.errors import InvalidInputError, UnknownRegionError
from sp4n.regions._codes import RegionLevel, level_of, normalize_code, province_timezone
from sp4n.regions._names import index_key, interpretations, normalize_name

__all__ = [
    "NAME_MAX",
    "DatasetInfo",
    "Region",
    "RegionMatch",
    "dataset_info",
    "find_regions",
    "get_region",
    "iter_codes",
    "parents",
]

_DATA_FILE = "data/kode_wilayah.tsv.gz"

# Common short forms of province names, as complaints write them.
_PROVINCE_ALIASES = {
    "sumut": "12",
    "sumbar": "13",
    "sumsel": "16",
    "babel": "19",
    "kepri": "21",
    "jakarta": "31",
    "dki jakarta": "31",
    "dki": "31",
    "jabar": "32",
    "jateng": "33",
    "diy": "34",
    "yogyakarta": "34",
    "di yogyakarta": "34",
    "jatim": "35",
    "ntb": "52",
    "ntt": "53",
    "kalbar": "61",
    "kalteng": "62",
    "kalsel": "63",
    "kaltim": "64",
    "kaltara": "65",
    "sulut": "71",
    "sulteng": "72",
    "sulsel": "73",
    "sultra": "74",
    "sulbar": "76",
    "malut": "82",
}

_REGENCY_CODE_LENGTH = len("PP.KK")
_PREFIX_SCAN = 64  # keys examined for a prefix match, at most
NAME_MAX = 200
"""Longest name :func:`find_regions` reads, in characters: the longest official name in the
Kemendagri list has 44 after normalising, so 200 leaves room for level words and spacing."""
_FUZZY_CUTOFF = 0.8


@attrs.frozen
class DatasetInfo:
    """What the bundled region list is: its name, version and row counts."""

    name: str
    version: str
    rows: int
    provinces: int
    regencies_and_cities: int
    districts: int
    villages: int
    source_sha256: str


@attrs.frozen
class Region:
    """One region of the Kemendagri list.

    ``province`` is the code of the province containing it (its own code for a
    province); ``parent`` is the code one level up, or None for a province.
    """

    code: str
    name: str
    level: RegionLevel
    timezone: ZoneInfo
    province: str
    parent: str | None

    @property
    def parents(self) -> tuple[Region, ...]:
        """The enclosing regions, nearest first, ending at the province."""
        return parents(self.code)


@attrs.frozen
class RegionMatch:
    """A candidate for a name lookup; ``score`` is 1.0 for a perfect match."""

    region: Region
    score: float


class _Dataset:
    """The list in memory: one dict from code to name, in code order."""

    __slots__ = ("info", "names")

    def __init__(self, names: dict[str, str], info: DatasetInfo) -> None:
        self.names = names
        self.info = info


class _NameIndex:
    """Index keys to codes, plus the keys sorted (prefix search) and by first letter."""

    __slots__ = ("by_initial", "keys", "longest", "sorted_keys")

    def __init__(self, names: dict[str, str]) -> None:
        keys: dict[str, str | tuple[str, ...]] = {}
        for code, name in names.items():
            key = index_key(name, regency_or_city=len(code) == _REGENCY_CODE_LENGTH)
            found = keys.get(key)
            if found is None:
                keys[key] = code
            elif isinstance(found, str):
                keys[key] = (found, code)
            else:
                keys[key] = (*found, code)
        for alias, code in _PROVINCE_ALIASES.items():
            found = keys.get(alias)
            if found is None:
                keys[alias] = code
            elif isinstance(found, str):
                keys[alias] = (code, found)
            elif code not in found:
                keys[alias] = (code, *found)
        self.keys = keys
        self.sorted_keys = sorted(keys)
        by_initial: dict[tuple[str, int], list[str]] = {}
        for key in self.sorted_keys:
            by_initial.setdefault((key[0], len(key)), []).append(key)
        self.by_initial = by_initial
        self.longest = max(map(len, keys), default=0)

    def pool(self, key: str) -> list[str]:
        """Keys with the same initial and a length within the fuzzy cut-off's reach."""
        spread = max(2, len(key) // 4)  # ratio >= 0.8 allows about a quarter more or less
        found: list[str] = []
        for length in range(len(key) - spread, len(key) + spread + 1):
            found.extend(self.by_initial.get((key[0], length), ()))
        return found

    def codes(self, key: str) -> tuple[str, ...]:
        found = self.keys.get(key, ())
        return (found,) if isinstance(found, str) else found


@cache
def _dataset() -> _Dataset:
    raw = files("sp4n.regions").joinpath(_DATA_FILE).read_bytes()
    meta: dict[str, str] = {}
    names: dict[str, str] = {}
    shared: dict[str, str] = {}  # one string object per distinct name (many villages repeat)
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
            continue
        code, _, name = line.partition("\t")
        names[code] = shared.setdefault(name, name)
    info = DatasetInfo(
        name=meta["dataset"],
        version=meta["version"],
        rows=int(meta["rows"]),
        provinces=int(meta["provinces"]),
        regencies_and_cities=int(meta["regencies_and_cities"]),
        districts=int(meta["districts"]),
        villages=int(meta["villages"]),
        source_sha256=meta["source_sha256"],
    )
    return _Dataset(names, info)


@cache
def _name_index() -> _NameIndex:
    return _NameIndex(_dataset().names)


def dataset_info() -> DatasetInfo:
    """Return the name, version and counts of the bundled region list."""
    return _dataset().info


def iter_codes() -> Iterator[str]:
    """Yield every region code of the bundled list, in code order."""
    return iter(_dataset().names)


_LEVEL_BY_LENGTH = {2: RegionLevel.PROVINSI, 8: RegionLevel.KECAMATAN}
_KOTA_FROM = 70


@lru_cache(maxsize=64)
def _zone(province: str) -> ZoneInfo:
    return province_timezone(province)


def _known_level(code: str) -> RegionLevel:
    """The level of a code known to be in the list (so well formed)."""
    level = _LEVEL_BY_LENGTH.get(len(code))
    if level is not None:
        return level
    if len(code) == _REGENCY_CODE_LENGTH:
        return RegionLevel.KOTA if int(code[3:]) > _KOTA_FROM else RegionLevel.KABUPATEN
    return RegionLevel.KELURAHAN if code[9] == "1" else RegionLevel.DESA


def _unknown_code_hint(code: str) -> str:
    """Name the nearest existing parent and how to look a code up by name."""
    names = _dataset().names
    parts = code.split(".")
    for depth in range(len(parts) - 1, 0, -1):
        parent = ".".join(parts[:depth])
        if parent in names:
            return (
                f"{parent} ({names[parent]}) exists but has no {code}; find the code by name "
                "with: sp4n region NAME (or sp4n.routing.find_regions). If the region is newer "
                "than the bundled list, refresh it: python -m sp4n.routing.refresh"
            )
    return (
        "Find the code by name with: sp4n region NAME (or sp4n.routing.find_regions); "
        "province codes run from 11 (Aceh) to 96 (Papua Barat Daya)"
    )


@lru_cache(maxsize=16384)
def _region(code: str) -> Region:
    name = _dataset().names.get(code)
    if name is None:
        level_of(code)  # a malformed segment (61.00, 61.07.01.0001) is malformed, not unknown
        info = _dataset().info
        raise UnknownRegionError(
            "region",
            code,
            f"no region has this code in {info.version}",
            hint=_unknown_code_hint(code),
        )
    return Region(
        code=code,
        name=name,
        level=_known_level(code),
        timezone=_zone(code[:2]),
        province=code[:2],
        parent=code.rpartition(".")[0] or None,
    )


def get_region(code: str) -> Region:
    """Return the region with Kemendagri ``code`` (dotted or plain digits).

    Raises :class:`~sp4n.errors.MalformedRegionCodeError` when the code does not
    have the Kemendagri shape and :class:`~sp4n.errors.UnknownRegionError` when it
    does but no region in the bundled list has it; both name the value.
    """
    if type(code) is str and code in _dataset().names:
        return _region(code)
    return _region(normalize_code(code))


def parents(code: str) -> tuple[Region, ...]:
    """Return the regions enclosing ``code``, nearest first, ending at its province."""
    region = get_region(code)
    chain: list[Region] = []
    parent = region.parent
    while parent is not None:
        enclosing = _region(parent)
        chain.append(enclosing)
        parent = enclosing.parent
    return tuple(chain)


def _depth_penalty(code: str) -> float:
    return 0.01 * code.count(".")


def _exact_score(code: str, hint: RegionLevel | None) -> float:
    level = _known_level(code)
    if hint is None:
        return 0.95 - _depth_penalty(code)
    villages = (RegionLevel.DESA, RegionLevel.KELURAHAN)
    if hint == level or (hint in villages and level in villages):
        return 1.0
    return 0.85 - _depth_penalty(code)


def _prefix_scores(index: _NameIndex, key: str, scores: dict[str, float]) -> None:
    keys = index.sorted_keys
    start = bisect_left(keys, key)
    for candidate in keys[start : start + _PREFIX_SCAN]:
        if not candidate.startswith(key):
            break
        if candidate == key:
            continue
        score = 0.6 + 0.2 * len(key) / len(candidate)
        for code in index.codes(candidate):
            value = score - _depth_penalty(code)
            if value > scores.get(code, 0.0):
                scores[code] = value


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    edits.update(a + c + b[1:] for a, b in splits if b for c in _ALPHABET)
    edits.update(a + c + b for a, b in splits for c in _ALPHABET)
    return edits


def _fuzzy_scores(
    index: _NameIndex, key: str, hint: RegionLevel | None, scores: dict[str, float]
) -> None:
    """Close spellings: names one edit away (fast), else difflib among similar names.

    The level a reading names ("Kota ...") still counts, as it does for exact matches.
    """
    # One edit changes the length by at most one: a longer key has no such neighbour, and
    # generating its edits would cost len(key) squared.
    near = len(key) <= index.longest + 1
    candidates = [edit for edit in _one_edit(key) if edit in index.keys] if near else []
    if not candidates:
        pool = index.pool(key)
        candidates = difflib.get_close_matches(key, pool, n=10, cutoff=_FUZZY_CUTOFF)
    for candidate in candidates:
        ratio = difflib.SequenceMatcher(None, key, candidate).ratio()
        for code in index.codes(candidate):
            value = 0.7 * ratio * _exact_score(code, hint)
            if value > scores.get(code, 0.0):
                scores[code] = value


def find_regions(name: str, limit: int = 10) -> tuple[RegionMatch, ...]:
    """Return regions whose name matches ``name``, best first, with scores in (0, 1].

    Matching ignores case, accents, punctuation and spacing; a leading "Kabupaten",
    "Kab.", "Kota", "Provinsi", "Kecamatan", "Desa" or "Kelurahan" is a preference
    for that level, so "Kota Bandung" ranks the city above "Kabupaten Bandung".
    Exact matches outrank prefix matches, which outrank close spellings. Ties keep
    code order. Raises :class:`~sp4n.errors.UnknownRegionError` when nothing matches.
    """
    if isinstance(name, str) and len(name) > NAME_MAX:
        raise InvalidInputError(
            "name", f"{name[:40]}... ({len(name)} chars)", f"must be at most {NAME_MAX} characters"
        )
    if not isinstance(name, str) or not normalize_name(name):
        raise InvalidInputError("name", name, "a region name must contain letters or digits")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise InvalidInputError("limit", limit, "the number of candidates must be at least 1")
    index = _name_index()
    scores: dict[str, float] = {}
    readings = interpretations(name)
    for key, hint in readings:
        for code in index.codes(key):
            value = _exact_score(code, hint)
            if value > scores.get(code, 0.0):
                scores[code] = value
    if len(scores) < limit:
        for key, _hint in readings:
            _prefix_scores(index, key, scores)
    if not scores:
        for key, hint in readings:
            _fuzzy_scores(index, key, hint, scores)
    if not scores:
        raise UnknownRegionError(
            "name",
            name,
            f"matches no region name in {dataset_info().version}",
            hint="try the official name, e.g. 'Kabupaten Bengkayang', or a region code",
        )
    # Dotted codes have fixed-width segments, so their text order is their numeric order.
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        RegionMatch(region=_region(code), score=round(score, 3)) for code, score in ranked[:limit]
    )
