"""Normalising region names for lookup: case, accents, punctuation, spacing and prefixes.

``"Kab.  Bengkayang"``, ``"KABUPATEN BENGKAYANG"`` and ``"kabupaten bengkayang"`` all
reduce to the key ``"bengkayang"`` with the hint ``kabupaten``; ``"Kota Bandung"`` to
``"bandung"`` with the hint ``kota``. The hint is a preference, not a filter: it ranks the
city above the regency of the same name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from sp4n.regions._codes import RegionLevel

__all__ = ["Interpretation", "index_key", "interpretations", "normalize_name"]

_APOSTROPHES = re.compile(r"[’'`ʼ‘]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Abbreviations written both ways in the Kemendagri list and in complaints.
_SYNONYMS = {"kep": "kepulauan", "kab": "kabupaten", "prop": "provinsi", "propinsi": "provinsi"}

# Leading words that name a level, with the level they hint at.
_PREFIXES: dict[str, RegionLevel] = {
    "kabupaten": RegionLevel.KABUPATEN,
    "kota": RegionLevel.KOTA,
    "kotamadya": RegionLevel.KOTA,
    "provinsi": RegionLevel.PROVINSI,
    "prov": RegionLevel.PROVINSI,
    "kecamatan": RegionLevel.KECAMATAN,
    "kec": RegionLevel.KECAMATAN,
    "kelurahan": RegionLevel.KELURAHAN,
    "kel": RegionLevel.KELURAHAN,
    "desa": RegionLevel.DESA,
}
_LONG_PREFIXES = ("kabupaten", "kotamadya", "provinsi", "kecamatan", "kelurahan")
_PREFIX_STEMS = frozenset(prefix[:3] for prefix in _LONG_PREFIXES)
_MIN_FUZZY_PREFIX = 6  # "kabupate", "kecamata": misspelled level words worth recognising
_ADMINISTRATIVE = frozenset({"administrasi", "adm"})

Interpretation = tuple[str, RegionLevel | None]
"""A normalised key and the level its prefix hints at (None when there is no prefix)."""


def normalize_name(text: str) -> str:
    """Fold case and accents, drop apostrophes, turn punctuation into single spaces."""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = _APOSTROPHES.sub("", text.casefold())
    words = _NON_ALNUM.sub(" ", folded).split()
    if _SYNONYMS.keys().isdisjoint(words):
        return " ".join(words)
    return " ".join(_SYNONYMS.get(word, word) for word in words)


def _prefix_word(word: str, *, tolerant: bool) -> str | None:
    if word in _PREFIXES:
        return word
    if tolerant and len(word) >= _MIN_FUZZY_PREFIX and word[:3] in _PREFIX_STEMS:
        close = difflib.get_close_matches(word, _LONG_PREFIXES, n=1, cutoff=0.8)
        return close[0] if close else None
    return None


def _strip_prefix(words: list[str], *, tolerant: bool = False) -> Interpretation | None:
    prefix = _prefix_word(words[0], tolerant=tolerant) if len(words) >= 2 else None
    if prefix is None:
        return None
    rest = words[1:]
    while len(rest) > 1 and rest[0] in _ADMINISTRATIVE:
        rest = rest[1:]
    return " ".join(rest), _PREFIXES[prefix]


def index_key(name: str, *, regency_or_city: bool) -> str:
    """Return the key a region's official name is indexed under.

    Regency and city names lose their "Kabupaten" / "Kota (Administrasi)" prefix, so
    that "Bengkayang" finds "Kabupaten Bengkayang"; lower levels keep their name whole,
    since a village may really be called "Kota Baru".
    """
    normalized = normalize_name(name)
    if regency_or_city:
        stripped = _strip_prefix(normalized.split())
        if stripped is not None:
            return stripped[0]
    return normalized


def interpretations(query: str) -> tuple[Interpretation, ...]:
    """Return the ways to read a query: with its level prefix stripped, then whole."""
    normalized = normalize_name(query)
    if not normalized:
        return ()
    stripped = _strip_prefix(normalized.split(), tolerant=True)
    if stripped is None:
        return ((normalized, None),)
    return (stripped, (normalized, None))
