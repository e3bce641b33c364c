"""Region codes, the UU 23/2014 division of affairs, agency directories and the router.

The region list is read on first use (``get_region``, ``find_regions``), never on import.
"""

from sp4n.routing._codes import (
    CODE_PATTERN,
    RegionLevel,
    level_of,
    normalize_code,
    province_timezone,
)
from sp4n.routing._regions import (
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
