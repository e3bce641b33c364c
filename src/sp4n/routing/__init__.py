"""Region codes, the UU 23/2014 division of affairs, agency directories and the router.

The region list is read on first use (``get_region``, ``find_regions``, ``route``),
never on import.
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
from sp4n.routing._affairs import (
    AffairKind,
    AffairRow,
    Affairs,
    Attribute,
    AuthorityLevel,
    Certainty,
    Topic,
    load_affairs,
)
from sp4n.routing._decision import (
    Competence,
    Reason,
    RoutingDecision,
    RoutingRequest,
    RoutingState,
    Rule,
    Step,
)
from sp4n.routing._directory import (
    Agency,
    AgencyKind,
    Contact,
    Directory,
    WorkUnit,
    load_directory,
)
from sp4n.routing._router import Router, route
from sp4n.routing._routing_rules import (
    BUILTIN_RULES,
    AffairRule,
    LocalAgencyRule,
    NoCompetentLevelRule,
    NoWrongDoorRule,
    VillageSupervisorRule,
)

__all__ = [
    "BUILTIN_RULES",
    "CODE_PATTERN",
    "NAME_MAX",
    "AffairKind",
    "AffairRow",
    "AffairRule",
    "Affairs",
    "Agency",
    "AgencyKind",
    "Attribute",
    "AuthorityLevel",
    "Certainty",
    "Competence",
    "Contact",
    "DatasetInfo",
    "Directory",
    "LocalAgencyRule",
    "NoCompetentLevelRule",
    "NoWrongDoorRule",
    "Reason",
    "Region",
    "RegionLevel",
    "RegionMatch",
    "Router",
    "RoutingDecision",
    "RoutingRequest",
    "RoutingState",
    "Rule",
    "Step",
    "Topic",
    "VillageSupervisorRule",
    "WorkUnit",
    "dataset_info",
    "find_regions",
    "get_region",
    "iter_codes",
    "level_of",
    "load_affairs",
    "load_directory",
    "normalize_code",
    "parents",
    "province_timezone",
    "route",
]
