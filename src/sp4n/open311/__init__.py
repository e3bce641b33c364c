"""Open311 GeoReport v2: documents, parameter checking, and (later) the WSGI server."""

from sp4n.open311._format import (
    DEFINITION_FIELDS,
    REQUEST_FIELDS,
    SERVICE_FIELDS,
    encode,
    error_items,
    ordered,
)
from sp4n.open311._params import (
    DESCRIPTION_MAX,
    NewRequest,
    RequestQuery,
    parse_new_request,
    parse_params,
    parse_query,
)

__all__ = [
    "DEFINITION_FIELDS",
    "DESCRIPTION_MAX",
    "REQUEST_FIELDS",
    "SERVICE_FIELDS",
    "NewRequest",
    "RequestQuery",
    "encode",
    "error_items",
    "ordered",
    "parse_new_request",
    "parse_params",
    "parse_query",
]
