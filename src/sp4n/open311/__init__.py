"""Open311 GeoReport v2: the WSGI server over a Desk, its documents and parameter checking."""

from sp4n.open311._app import BODY_MAX_BYTES, LIST_DAYS, LIST_MAX, Open311App
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
from sp4n.open311._site import make_site

__all__ = [
    "BODY_MAX_BYTES",
    "DEFINITION_FIELDS",
    "DESCRIPTION_MAX",
    "LIST_DAYS",
    "LIST_MAX",
    "REQUEST_FIELDS",
    "SERVICE_FIELDS",
    "NewRequest",
    "Open311App",
    "RequestQuery",
    "encode",
    "error_items",
    "make_site",
    "ordered",
    "parse_new_request",
    "parse_params",
    "parse_query",
]
