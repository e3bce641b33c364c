"""The Open311 GeoReport v2 server, over real HTTP on 127.0.0.1 and fuzzed as a WSGI app."""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sp4n.desk import Desk
from sp4n.lifecycle import ComplaintDraft
from sp4n.open311 import Open311App, make_site
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Jakarta")
KEY = "kunci-portal"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def desk() -> Iterator[Desk]:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    with Desk.open("memory://", clock=clock) as opened:
        yield opened


@pytest.fixture
def base(desk: Desk) -> Iterator[str]:
    server = make_server(
        "127.0.0.1", 0, make_site(desk, api_keys=[KEY], region="61.07"), handler_class=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _call(
    url: str,
    data: bytes | None = None,
    method: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(), exc.headers["Content-Type"]


def _post(base: str, **fields: str) -> tuple[int, Any]:
    params = {
        "api_key": KEY,
        "service_code": "road",
        "lat": "0.8456",
        "long": "109.4777",
        "description": "Jalan kabupaten di Sebalo berlubang besar.",
        "attribute[road_status]": "kabupaten",
        "email": "warga@example.id",
        **fields,
    }
    params = {k: v for k, v in params.items() if v != ""}
    status, body, _ = _call(f"{base}/open311/v2/requests.json", urlencode(params).encode())
    return status, json.loads(body)


def test_services_list_topics_in_json_and_xml(base: str) -> None:
    status, body, content_type = _call(f"{base}/open311/v2/services.json")
    assert status == 200
    assert content_type.startswith("application/json")
    services = {s["service_code"]: s for s in json.loads(body)}
    assert services["road"]["metadata"] is True
    assert services["road"]["service_name"] == "Jalan"
    assert services["court"]["metadata"] is False
    assert list(services["road"])[:4] == ["service_code", "service_name", "description", "metadata"]
    status, body, content_type = _call(f"{base}/open311/v2/services.xml")
    root = ET.fromstring(body)
    assert content_type.startswith("text/xml")
    assert root.tag == "services"
    assert "road" in {s.findtext("service_code") for s in root.iter("service")}


def test_service_definition_lists_attribute_values(base: str) -> None:
    status, body, _ = _call(f"{base}/open311/v2/services/road.json")
    definition = json.loads(body)
    [attribute] = definition["attributes"]
    assert attribute["code"] == "road_status"
    assert attribute["datatype"] == "singlevaluelist"
    assert {v["key"] for v in attribute["values"]} >= {"nasional", "provinsi", "kabupaten"}
    status, body, _ = _call(f"{base}/open311/v2/services/jalan.json")  # Indonesian alias
    assert json.loads(body)["service_code"] == "road"
    status, body, _ = _call(f"{base}/open311/v2/services/jembatan_langit.json")
    assert status == 404
    [error] = json.loads(body)
    assert error["code"] == 404
    assert "service_code = 'jembatan_langit'" in error["description"]


def test_post_creates_a_complaint_that_reads_back(base: str, desk: Desk) -> None:
    status, created = _post(base)
    assert status == 201
    [item] = created
    tracking = item["service_request_id"]
    complaint = desk.get(tracking)
    assert (complaint.region, complaint.topic, complaint.channel) == ("61.07", "road", "open311")
    assert "road_status=kabupaten" in complaint.body
    status, body, _ = _call(f"{base}/open311/v2/requests/{tracking}.json")
    [request] = json.loads(body)
    assert request["status"] == "open"
    assert request["service_code"] == "road"
    assert request["requested_datetime"] == "2026-03-02T09:00:00+07:00"
    # T1: 3 working days after Monday 2 March 2026 is Thursday 5 March; due_at is 00:00 after.
    assert request["expected_datetime"] == "2026-03-06T00:00:00+07:00"
    assert "warga@example.id" not in body.decode()


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "salah"}, 403, "api_key"),
        ({"service_code": "jembatan_langit"}, 404, "service_code"),
        ({"attribute[road_status]": "tol_langit"}, 400, "attributes.road_status"),
        ({"lat": "", "long": ""}, 400, "location"),
        ({"jurisdiction_id": "63.10"}, 404, "jurisdiction_id"),
        ({"jurisdiction_id": "61-07"}, 400, "jurisdiction_id"),
        ({"description": ""}, 400, "description"),
    ],
)
def test_bad_posts_get_4xx_and_write_nothing(
    base: str, desk: Desk, fields: dict[str, str], status: int, field: str
) -> None:
    answer_status, answer = _post(base, **fields)
    assert answer_status == status
    assert field in answer[0]["description"]
    assert desk.list() == []


def test_confidential_never_appears_and_anonymous_hides_identity(base: str, desk: Desk) -> None:
    def draft(visibility: str, title: str) -> ComplaintDraft:
        return ComplaintDraft(
            kind="pengaduan",
            title=title,
            body=f"{title}.",
            region="61.07",
            topic="puskesmas",
            channel="web",
            visibility=visibility,
            reporter={"id": "u-9", "name": "Siti", "email": "siti@example.id", "phone": "+628111"},
        )

    secret = desk.submit(draft("confidential", "Pungutan liar"))
    anonymous = desk.submit(draft("anonymous", "Puskesmas tutup"))
    for complaint in (secret, anonymous):  # published once forwarded (decision 0151)
        desk.verify(complaint.tracking_id)
        desk.forward(complaint.tracking_id)
    status, _, _ = _call(f"{base}/open311/v2/requests/{secret.tracking_id}.json")
    assert status == 404
    status, body, _ = _call(f"{base}/open311/v2/requests.json")
    listed = {r["service_request_id"] for r in json.loads(body)}
    assert listed == {anonymous.tracking_id}
    for needle in ("Siti", "siti@example.id", "+628111", "u-9"):
        assert needle not in body.decode()


def test_list_filters_by_status_code_and_dates(base: str, desk: Desk) -> None:
    _, created = _post(base)
    desk.verify(created[0]["service_request_id"])
    desk.forward(created[0]["service_request_id"])  # published (decision 0151)
    _, body, _ = _call(f"{base}/open311/v2/requests.json?status=open&service_code=road")
    assert len(json.loads(body)) == 1
    _, body, _ = _call(f"{base}/open311/v2/requests.json?status=closed")
    assert json.loads(body) == []
    _status, body, _ = _call(
        f"{base}/open311/v2/requests.json?start_date=2026-03-03T00:00:00%2B07:00"
    )
    assert json.loads(body) == []
    _, body, _ = _call(f"{base}/open311/v2/requests.xml")
    assert ET.fromstring(body).find("request/service_code").text == "road"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("path", "data", "content_type", "status"),
    [
        ("/open311/v2/requests.json?start_date=2026-03-01T00:00:00", None, "", 400),
        ("/open311/v2/requests.json?status=pending", None, "", 400),
        (
            "/open311/v2/requests.json",
            b"description=\xff",
            "application/x-www-form-urlencoded",
            400,
        ),
        ("/open311/v2/requests.json", b"{}", "application/json", 400),
        ("/open311/v2/nothing.json", None, "", 404),
        ("/open311/v2/requests/LAPOR-0000.json", None, "", 404),
        ("/elsewhere", None, "", 404),
    ],
)
def test_client_errors_are_4xx_in_the_error_format(
    base: str, path: str, data: bytes | None, content_type: str, status: int
) -> None:
    answer_status, body, _ = _call(base + path, data, content_type=content_type or "text/plain")
    assert answer_status == status
    if path.startswith("/open311/"):
        assert json.loads(body)[0]["code"] == status


def test_put_is_not_allowed(base: str) -> None:
    status, body, _ = _call(f"{base}/open311/v2/services.json", b"", method="PUT")
    assert status == 405
    assert json.loads(body)[0]["code"] == 405


def test_status_page_finds_a_complaint_by_tracking_id(base: str) -> None:
    _, created = _post(base)
    tracking = created[0]["service_request_id"]
    status, body, content_type = _call(f"{base}/?id={tracking}")
    assert status == 200
    assert content_type.startswith("text/html")
    assert "Belum Terverifikasi" in body.decode()
    status, body, _ = _call(f"{base}/?id=LAPOR-2026-XXXX")
    assert status == 404


_PATHS = st.sampled_from(
    [
        "/open311/v2/services.json",
        "/open311/v2/services/road.xml",
        "/open311/v2/requests.json",
        "/open311/v2/requests/x.json",
        "/open311/v2/requests.xml",
        "/open311/v2/",
        "/",
    ]
)


@settings(max_examples=150)
@given(
    path=st.one_of(_PATHS, st.text(max_size=40).map(lambda t: "/open311/v2/" + t)),
    method=st.sampled_from(["GET", "POST", "DELETE"]),
    query=st.text(max_size=80),
    body=st.binary(max_size=200),
)
def test_fuzzed_requests_never_get_a_500(path: str, method: str, query: str, body: bytes) -> None:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    with Desk.open("memory://", clock=clock) as desk:
        app = Open311App(desk, api_keys={KEY}, region="61.07")
        statuses: list[str] = []
        environ = {
            "PATH_INFO": path,
            "REQUEST_METHOD": method,
            "QUERY_STRING": query,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "wsgi.input": io.BytesIO(body),
        }
        app(environ, lambda status, headers: statuses.append(status))
        assert int(statuses[0].split()[0]) < 500
