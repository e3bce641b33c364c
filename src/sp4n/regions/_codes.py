"""Kemendagri region codes: their shape, their level, and each province's time zone.

A code is ``PP`` (province), ``PP.KK`` (regency 01-69, city 71-99), ``PP.KK.CC``
(district, kecamatan) or ``PP.KK.CC.DDDD`` (village: the first digit of the last
segment is 1 for a kelurahan and 2 for a desa).

References:
    - Permendagri 137/2017 Pasal 4, as quoted in regulation.md §9 (format) [reported].
    - Kepmendagri 300.2.2-2138/2025 (the current code list) [reported].
    - Keppres 41/1987 (WIB/WITA/WIT) via ``data/provinsi_zona_waktu.csv`` [reported].
"""

from __future__ import annotations

import csv
import enum
import re
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from sp4n.errors import MalformedRegionCodeError, UnknownRegionError

__all__ = ["CODE_PATTERN", "RegionLevel", "level_of", "normalize_code", "province_timezone"]

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
"""The written form of a code (regulation.md §9)."""

_SHAPE_RULE = "a Kemendagri region code has the form PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD"


class RegionLevel(enum.StrEnum):
    """The administrative level a code denotes, read from the code's structure."""

    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    KOTA = "kota"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"
    DESA = "desa"


def normalize_code(code: object, *, field: str = "region") -> str:
    """Return ``code`` in dotted form, or raise :class:`MalformedRegionCodeError`.

    Plain digit strings of a valid length (``"6107"``, ``"6107012001"``) are accepted
    and dotted; surrounding white space is ignored.
    """
    if not isinstance(code, str):
        raise MalformedRegionCodeError(field, code, _SHAPE_RULE)
    text = code.strip()
    if text.isdigit() and len(text) in (2, 4, 6, 10):
        text = ".".join(p for p in (text[:2], text[2:4], text[4:6], text[6:10]) if p)
    if not CODE_PATTERN.match(text):
        raise MalformedRegionCodeError(field, code, _SHAPE_RULE, hint=_shape_hint(text))
    return text


_WIDTHS = (2, 2, 2, 4)


def _shape_hint(text: str) -> str:
    """Suggest the zero-padded code for '61.7' or '3.1', else how to find a code by name."""
    parts = re.split(r"[.\s,/_-]+", text)
    if 1 <= len(parts) <= 4 and all(p.isdigit() for p in parts) and len(parts[0]) == 2:
        padded = ".".join(p.zfill(w) for p, w in zip(parts, _WIDTHS, strict=False))
        if CODE_PATTERN.match(padded):
            return f"Did you mean {padded!r}? Segments are dotted and keep their leading zeros"
    return "e.g. '61.07' for Bengkayang; find a code by name with: sp4n region 'Bengkayang'"


def level_of(code: str) -> RegionLevel:
    """Return the level of a well-formed code from its structure alone."""
    parts = normalize_code(code).split(".")
    if len(parts) == 1:
        return RegionLevel.PROVINSI
    if len(parts) == 2:
        number = int(parts[1])
        if 1 <= number <= 69:
            return RegionLevel.KABUPATEN
        if 71 <= number <= 99:
            return RegionLevel.KOTA
        raise MalformedRegionCodeError(
            "region", code, "a regency segment is 01-69 and a city segment 71-99"
        )
    if len(parts) == 3:
        return RegionLevel.KECAMATAN
    first = parts[3][0]
    if first == "1":
        return RegionLevel.KELURAHAN
    if first in ("2", "3"):  # 3: customary village (desa adat), a desa for routing
        return RegionLevel.DESA
    raise MalformedRegionCodeError(
        "region", code, "a village segment starts with 1 (kelurahan) or 2 (desa)"
    )


@cache
def _province_zones() -> dict[str, tuple[str, str, str]]:
    text = files("sp4n.regions").joinpath("data/provinsi_zona_waktu.csv").read_text("utf-8")
    return {
        row["kode"]: (row["nama"], row["zona"], row["iana_tz"])
        for row in csv.DictReader(text.splitlines())
    }


def province_timezone(code: str) -> ZoneInfo:
    """Return the IANA time zone of the province that contains ``code``.

    Raises :class:`MalformedRegionCodeError` for a badly shaped code and
    :class:`UnknownRegionError` when no province has its first two digits.
    """
    province = normalize_code(code)[:2]
    try:
        _name, _zone, iana = _province_zones()[province]
    except KeyError:
        raise UnknownRegionError(
            "region", code, f"no province has code {province!r} in Kepmendagri 300.2.2-2138/2025"
        ) from None
    return ZoneInfo(iana)
