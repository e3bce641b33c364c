"""GeoReport v2 documents in JSON and XML, field for field as the specification lists them.

References:
    - Open311 GeoReport v2 specification, http://wiki.open311.org/GeoReport_v2 (services,
      service definitions, service requests, errors) [read].
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from sp4n._text import xml_safe

__all__ = [
    "DEFINITION_FIELDS",
    "REQUEST_FIELDS",
    "SERVICE_FIELDS",
    "encode",
    "error_items",
    "ordered",
]

SERVICE_FIELDS = (
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
)
"""Keys of one service in ``GET services`` (in the specification's order)."""

REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
"""Keys of one service request in ``GET requests`` (in the specification's order)."""

DEFINITION_FIELDS = (
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
)
"""Keys of one attribute of a service definition (``values`` follows them)."""

# The XML root and item element names per document, from the specification's examples.
_XML_NAMES = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "created": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def error_items(status: int, description: str) -> list[dict[str, Any]]:
    """Return the specification's error document: ``[{"code": ..., "description": ...}]``."""
    return [{"code": status, "description": description}]


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return xml_safe(str(value))  # XML 1.0 cannot carry C0 controls or lone surrogates


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


_XML_ITEMS = {
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
"""Lists written as repeated child elements (the specification's examples), by parent."""


def _xml_children(parent: ET.Element, item: Mapping[str, Any]) -> None:
    for key, value in item.items():
        child = ET.SubElement(parent, key)
        if key in _XML_ITEMS and isinstance(value, Sequence) and not isinstance(value, str):
            for entry in value:
                element = ET.SubElement(child, _XML_ITEMS[key])
                if isinstance(entry, Mapping):
                    _xml_children(element, entry)
                else:
                    element.text = _scalar(entry)
        elif isinstance(value, list | tuple):
            child.text = ",".join(_scalar(v) for v in value)
        else:
            child.text = _scalar(value)


def _xml(document: str, payload: Any) -> bytes:
    if document in ("definition", "discovery"):
        root = ET.Element("service_definition" if document == "definition" else "discovery")
        _xml_children(root, payload)
    else:
        root_name, item_name = _XML_NAMES[document]
        root = ET.Element(root_name)
        for item in payload:
            _xml_children(ET.SubElement(root, item_name), item)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def encode(document: str, payload: Any, fmt: str) -> tuple[str, bytes]:
    """Encode ``payload`` as ``fmt`` (``json`` or ``xml``); return the content type and body.

    ``document`` is one of ``services``, ``definition``, ``requests``, ``created`` or
    ``errors`` (or ``discovery``) and picks the XML element names.
    """
    if fmt == "xml":
        return "text/xml; charset=utf-8", _xml(document, payload)
    text = json.dumps(payload, ensure_ascii=False, default=_json_default)
    try:
        body = text.encode()
    except UnicodeEncodeError:  # a lone surrogate (an echoed value): escape it as JSON allows
        body = json.dumps(payload, default=_json_default).encode()
    return "application/json; charset=utf-8", body


def ordered(item: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """Return ``item`` with the specification's keys first, in order, missing ones as None."""
    result = {key: item.get(key) for key in fields}
    result.update({k: v for k, v in item.items() if k not in result})
    return result
