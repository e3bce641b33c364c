"""Open311 GeoReport v2: the WSGI server over a Desk, a client, the relay to a hub."""

from sp4n.open311._app import BODY_MAX_BYTES, LIST_DAYS, LIST_MAX, Open311App
from sp4n.open311._client import GeoReportClient, RemoteReceipt, RemoteRequest
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
from sp4n.open311._relay import RELAY_STATUSES, Relay, RemoteLink, SyncReport, remote_link
from sp4n.open311._site import make_site

__all__ = [
    "BODY_MAX_BYTES",
    "DEFINITION_FIELDS",
    "DESCRIPTION_MAX",
    "LIST_DAYS",
    "LIST_MAX",
    "RELAY_STATUSES",
    "REQUEST_FIELDS",
    "SERVICE_FIELDS",
    "GeoReportClient",
    "NewRequest",
    "Open311App",
    "Relay",
    "RemoteLink",
    "RemoteReceipt",
    "RemoteRequest",
    "RequestQuery",
    "SyncReport",
    "encode",
    "error_items",
    "make_site",
    "ordered",
    "parse_new_request",
    "parse_params",
    "parse_query",
    "remote_link",
]
