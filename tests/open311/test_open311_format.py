"""GeoReport v2 documents and parameter checking (the server itself is tested over HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sp4n.errors import Open311Error
from sp4n.open311 import (
    REQUEST_FIELDS,
    encode,
    error_items,
    ordered,
    parse_new_request,
    parse_params,
    parse_query,
)

VALID = {
    "api_key": "kunci",
    "service_code": "jalan",
    "lat": "0.8456",
    "long": "109.4777",
    "description": "Jalan kabupaten di Desa Sebalo berlubang.",
    "attribute[road_status]": "kabupaten",
    "email": "warga@example.id",
}


def test_new_request_is_read_with_attributes() -> None:
    request = parse_new_request(parse_params(urlencode(VALID)))
    assert request.service_code == "jalan"
    assert (request.lat, request.long) == (0.8456, 109.4777)
    assert dict(request.attributes) == {"road_status": "kabupaten"}
    assert request.email == "warga@example.id"


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"api_key": None}, "api_key", 403),
        ({"service_code": None}, "service_code", 400),
        ({"lat": "91"}, "lat", 400),
        ({"long": "abc"}, "long", 400),
        ({"long": None}, "lat/long", 400),
        ({"lat": None, "long": None}, "location", 400),
        ({"email": "bukan-email"}, "email", 400),
        ({"description": "x" * 4001}, "description", 400),
        ({"attributes": "x"}, "attributes", 400),
    ],
)
def test_bad_new_requests_name_the_parameter(
    change: dict[str, str | None], field: str, status: int
) -> None:
    params = {**VALID, **change}
    params = {k: v for k, v in params.items() if v is not None}
    with pytest.raises(Open311Error) as info:
        parse_new_request(parse_params(urlencode(params)))
    assert info.value.field == field
    assert info.value.status == status
    assert field in str(info.value)


def test_address_string_alone_is_a_location() -> None:
    params = {"api_key": "k", "service_code": "jalan", "address_string": "Jl. Sanggau Ledo km 3"}
    assert parse_new_request(params).address_string == "Jl. Sanggau Ledo km 3"


def test_invalid_utf8_and_repeated_parameters_are_rejected() -> None:
    with pytest.raises(Open311Error, match="UTF-8"):
        parse_params(b"description=\xff\xfe")
    with pytest.raises(Open311Error, match="given once"):
        parse_params("status=open&status=closed")


def test_query_reads_ids_status_and_aware_dates() -> None:
    query = parse_query(
        parse_params(
            "service_request_id=a,b&status=open&start_date=2026-03-01T00:00:00Z"
            "&end_date=2026-03-31T23:59:59%2B07:00"
        )
    )
    assert query.service_request_ids == ("a", "b")
    assert query.status == "open"
    assert query.start_date == datetime(2026, 3, 1, tzinfo=UTC)
    assert query.end_date == datetime(2026, 3, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=7)))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=pending", "status"),
        ("start_date=2026-03-01T00:00:00", "start_date"),
        ("start_date=kemarin", "start_date"),
        ("start_date=2026-03-02T00:00:00Z&end_date=2026-03-01T00:00:00Z", "end_date"),
    ],
)
def test_bad_queries_name_the_parameter(query: str, field: str) -> None:
    with pytest.raises(Open311Error) as info:
        parse_query(parse_params(query))
    assert info.value.field == field


def test_json_and_xml_documents_follow_the_specification() -> None:
    item = ordered(
        {
            "service_request_id": "LAPOR-2026-000001",
            "status": "open",
            "requested_datetime": datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=7))),
            "lat": 0.8456,
        },
        REQUEST_FIELDS,
    )
    assert list(item)[: len(REQUEST_FIELDS)] == list(REQUEST_FIELDS)
    content_type, body = encode("requests", [item], "json")
    assert content_type.startswith("application/json")
    assert b'"requested_datetime": "2026-03-02T09:00:00+07:00"' in body
    content_type, body = encode("requests", [item], "xml")
    root = ET.fromstring(body)
    assert content_type.startswith("text/xml")
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == "LAPOR-2026-000001"  # type: ignore[union-attr]
    assert root.find("request/status_notes").text is None  # type: ignore[union-attr]


def test_service_definition_xml_nests_attributes_and_values() -> None:
    definition = {
        "service_code": "jalan",
        "attributes": [
            {
                "variable": True,
                "code": "road_status",
                "datatype": "singlevaluelist",
                "required": True,
                "values": [{"key": "kabupaten", "name": "Jalan kabupaten"}],
            }
        ],
    }
    root = ET.fromstring(encode("definition", definition, "xml")[1])
    assert root.tag == "service_definition"
    assert root.find("attributes/attribute/required").text == "true"  # type: ignore[union-attr]
    assert root.find("attributes/attribute/values/value/key").text == "kabupaten"  # type: ignore[union-attr]


def test_error_document() -> None:
    assert error_items(404, "not found") == [{"code": 404, "description": "not found"}]
    root = ET.fromstring(encode("errors", error_items(400, "bad"), "xml")[1])
    assert root.find("error/code").text == "400"  # type: ignore[union-attr]


@given(st.binary(max_size=300))
def test_fuzzed_form_bodies_raise_only_open311_errors(body: bytes) -> None:
    try:
        params = parse_params(body)
        parse_new_request(params)
        parse_query(params)
    except Open311Error as exc:
        assert 400 <= exc.status < 500  # noqa: PT017 - fuzzing: any typed 4xx is fine


@given(st.dictionaries(st.sampled_from([*VALID, "start_date", "status", "end_date"]), st.text()))
def test_fuzzed_parameters_raise_only_open311_errors(params: dict[str, str]) -> None:
    try:
        parse_new_request(params)
    except Open311Error as exc:
        assert exc.status in (400, 403)  # noqa: PT017
    try:
        parse_query(params)
    except Open311Error as exc:
        assert exc.status == 400  # noqa: PT017
