"""Region codes, the UU 23/2014 division of affairs, agency directories and the router."""

from sp4n.routing._codes import (
    CODE_PATTERN,
    RegionLevel,
    level_of,
    normalize_code,
    province_timezone,
)

__all__ = ["CODE_PATTERN", "RegionLevel", "level_of", "normalize_code", "province_timezone"]
