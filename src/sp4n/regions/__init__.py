"""The shared ground: Kemendagri region codes and names, and each province's time zone.

Both :mod:`sp4n.sla` (a region's time zone and overlays) and :mod:`sp4n.routing` (who is
competent where) stand on this layer; it imports nothing of sp4n but ``sp4n.errors``.
The region list is read on first use (``get_region``, ``find_regions``), never on import.
Rebuild it with ``python -m sp4n.regions.refresh`` (see docs/routing.md).
"""

from sp4n.regions._codes import (
    CODE_PATTERN,
    RegionLevel,
    level_of,
    normalize_code,
    province_timezone,
)
from sp4n.regions._regions import (
    NAME_MAX,
    DatasetInfo,
    Region,
    RegionMatch,
    dataset_info,
    find_regions,
    get_region,
    iter_codes,
    parents,
)

__all__ = [
    "CODE_PATTERN",
    "NAME_MAX",
    "DatasetInfo",
    "Region",
    "RegionLevel",
    "RegionMatch",
    "dataset_info",
    "find_regions",
    "get_region",
    "iter_codes",
    "level_of",
    "normalize_code",
    "parents",
    "province_timezone",
]
