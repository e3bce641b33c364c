"""GeoReport v2 conformance, over real HTTP on the waitress server of ``sp4n serve``.

Required attributes, ``media_url``, ``Allow`` on 405, Service Discovery, the ``X-API-Key``
header, and the error format ``[{"code", "description"}]`` in JSON and XML.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

from sp4n.desk import Desk
from sp4n.open311 import Open311App, make_site
from sp4n.serving import Server, ServeSettings, serving
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Pontianak")
KEY = "kunci-portal"
FORM = {
    "api_key": KEY,
    "service_code": "road",
    "lat": "0.8456",
    "long": "109.4777",
    "description": "Jalan kabupaten di Sebalo berlubang besar.",
    "attribute[road_status]": "kabupaten",
}


@pytest.fixture
def desk() -> Iterator[Desk]:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    with Desk.open("memory://", clock=clock) as opened:
        yield opened


@pytest.fixture
def server(desk: Desk) -> Iterator[Server]:
    site = make_site(desk, api_keys=[KEY], region="61.07")
    with serving(site, ServeSettings(port=0)) as running:
        yield running


def _call(
    url: str, form: dict[str, str] | None = None, *, method: str | None = None, **headers: str
) -> tuple[int, Any, bytes]:
    data = None if form is None else urlencode(form).encode()
    request = urllib.request.Request(url, data=data, method=method)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


def test_a_required_attribute_missing_is_a_400_naming_it(server: Server, desk: Desk) -> None:
    form = {k: v for k, v in FORM.items() if k != "attribute[road_status]"}
    status, _, body = _call(f"{server.url}/open311/v2/requests.json", form)
    assert status == 400
    [error] = json.loads(body)
    assert error["code"] == 400
    assert "attribute[road_status] = None: is required by service 'road'" in error["description"]
    assert "kabupaten" in error["description"]  # the allowed values are named
    assert desk.list() == []
    status, _, body = _call(f"{server.url}/open311/v2/requests.xml", form)
    assert status == 400
    root = ET.fromstring(body)
    assert (root.tag, root.findtext("error/code")) == ("errors", "400")
    assert "road_status" in (root.findtext("error/description") or "")


def test_a_service_without_attributes_needs_none(server: Server) -> None:
    form = {**FORM, "service_code": "court"}
    del form["attribute[road_status]"]
    assert _call(f"{server.url}/open311/v2/requests.json", form)[0] == 201


def test_media_url_round_trips_in_the_request_and_the_list(server: Server, desk: Desk) -> None:
    media = "https://foto.bengkayang.go.id/laporan/lubang-km12.jpg"
    status, _, body = _call(f"{server.url}/open311/v2/requests.json", {**FORM, "media_url": media})
    assert status == 201
    ref = json.loads(body)[0]["service_request_id"]
    [attachment] = desk.get(ref).attachments
    assert (attachment.ref, attachment.media_type) == (media, "image/jpeg")
    _, _, body = _call(f"{server.url}/open311/v2/requests/{ref}.json")
    assert json.loads(body)[0]["media_url"] == media
    desk.verify(ref)  # lists show a report once forwarded (decision 0151)
    desk.forward(ref, attributes={"road_status": "kabupaten"})
    _, _, body = _call(f"{server.url}/open311/v2/requests.json")
    assert [r["media_url"] for r in json.loads(body)] == [media]
    _, _, body = _call(f"{server.url}/open311/v2/requests/{ref}.xml")
    assert ET.fromstring(body).findtext("request/media_url") == media


@pytest.mark.parametrize("media", ["javascript:alert(1)", "ftp://x/y.jpg", "https://a b/c.jpg"])
def test_a_media_url_that_is_not_http_is_a_400(server: Server, desk: Desk, media: str) -> None:
    status, _, body = _call(f"{server.url}/open311/v2/requests.json", {**FORM, "media_url": media})
    assert status == 400
    assert "media_url" in json.loads(body)[0]["description"]
    assert desk.list() == []


@pytest.mark.parametrize(
    ("path", "method", "allow"),
    [
        ("/open311/v2/requests.json", "DELETE", "GET, HEAD, POST"),
        ("/open311/v2/requests.xml", "PUT", "GET, HEAD, POST"),
        ("/open311/v2/services.json", "POST", "GET, HEAD"),
        ("/open311/v2/requests/LAPOR-2026-AAAA-AAAAA.json", "POST", "GET, HEAD"),
        ("/open311/v2/discovery.json", "DELETE", "GET, HEAD"),
    ],
)
def test_405_answers_carry_allow(server: Server, path: str, method: str, allow: str) -> None:
    status, headers, body = _call(server.url + path, {} if method != "DELETE" else None,
                                  method=method)  # fmt: skip
    assert status == 405
    assert headers["Allow"] == allow
    if path.endswith(".json"):
        assert json.loads(body)[0]["code"] == 405
    else:
        assert ET.fromstring(body).findtext("error/code") == "405"


def test_discovery_in_json_and_xml(server: Server, desk: Desk) -> None:
    status, _, body = _call(f"{server.url}/open311/discovery.json")
    assert status == 200
    document = json.loads(body)
    assert document["changeset"] == "2026-03-02T02:00:00Z"  # the Desk's clock, in UTC
    [endpoint] = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"http://127.0.0.1:{server.port}/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "production"
    status, _, body = _call(f"{server.url}/open311/v2/discovery.xml")
    root = ET.fromstring(body)
    assert (status, root.tag) == (200, "discovery")
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/url") == endpoint["url"]


def test_discovery_names_the_contact_and_key_service_given(desk: Desk) -> None:
    app = Open311App(desk, contact="lapor@bengkayang.go.id", key_service="Minta kunci di ...")
    document = app.discovery()
    assert (document["contact"], document["key_service"]) == (
        "lapor@bengkayang.go.id",
        "Minta kunci di ...",
    )
    assert document["endpoints"][0]["url"] == "/open311/v2"


def test_the_api_key_may_come_in_the_x_api_key_header(server: Server, desk: Desk) -> None:
    form = {k: v for k, v in FORM.items() if k != "api_key"}
    status, _, _ = _call(f"{server.url}/open311/v2/requests.json", form, X_API_Key=KEY)
    assert status == 201
    status, _, body = _call(f"{server.url}/open311/v2/requests.json", form, X_API_Key="salah")
    assert status == 403
    assert "api_key = '***'" in json.loads(body)[0]["description"]
    status, _, body = _call(
        f"{server.url}/open311/v2/requests.json", {**form, "api_key": "lain"}, X_API_Key=KEY
    )
    assert status == 403
    assert "differs from the X-API-Key header" in json.loads(body)[0]["description"]
    assert len(desk.list()) == 1


def _wsgi(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    answer: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer.update(status=status, headers=headers)

    body = b"".join(app(environ, start))
    return answer["status"], answer["headers"], body


@pytest.mark.parametrize(
    ("length", "status"),
    [("-1", "400"), ("\u0661\u0662", "400"), (None, "411"), (str(64 * 1024 + 1), "413")],
)
def test_bad_lengths_under_another_wsgi_server_keep_the_error_format(
    desk: Desk, length: str | None, status: str
) -> None:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/open311/v2/requests.xml",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "wsgi.input": io.BytesIO(b"api_key=x"),
    }
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    answer, _, body = _wsgi(Open311App(desk, api_keys=[KEY]), environ)
    assert answer.split()[0] == status
    root = ET.fromstring(body)
    assert root.findtext("error/code") == status
    assert "Content-Length" in (root.findtext("error/description") or "") or status == "413"


def test_the_body_limit_is_a_setting(desk: Desk) -> None:
    body = urlencode(FORM).encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/open311/v2/requests.json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    answer, _, text = _wsgi(Open311App(desk, api_keys=[KEY], body_max_bytes=50), environ)
    assert answer == "413 Payload Too Large"
    assert json.loads(text)[0]["description"].endswith("must be at most 50 bytes")
