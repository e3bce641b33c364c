"""Bounded fuzzing of the WSGI app in-process: odd paths, bodies and form values are answered
with a page (never a 500 or a traceback), and a refused action writes nothing."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

from console_support import PASSWORD, file_complaint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sp4n_console import COOKIE, OfficerBook, make_app

from sp4n import Desk

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = st.text(st.characters(codec="utf-8"), max_size=60)


class Client:
    """Calls the WSGI app directly, keeping its session cookie."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookie = ""

    def call(self, method: str, path: str, body: bytes = b"", query: str = "") -> tuple[str, str]:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "HTTP_COOKIE": self.cookie,
            "REMOTE_ADDR": "127.0.0.1",
        }
        answer: list[Any] = []
        data = b"".join(self.app(environ, lambda status, headers: answer.append((status, headers))))
        status, headers = answer[0]
        for name, value in headers:
            if name == "Set-Cookie":
                self.cookie = value.split(";", 1)[0]
        assert self.cookie.startswith(COOKIE + "=")
        return status, data.decode()

    def csrf(self, path: str = "/masuk") -> str:
        _, page = self.call("GET", path)
        return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]


_SIGNED_IN: dict[tuple[int, str], tuple[Desk, Client]] = {}


def signed_in(desk: Desk, officers: OfficerBook, officer: str) -> Client:
    """One signed-in client per Desk and officer (hashing is slow on purpose)."""
    known = _SIGNED_IN.get((id(desk), officer))
    if known is not None and known[0] is desk:
        return known[1]
    client = Client(make_app(desk, officers=officers))
    token = client.csrf()
    form = urlencode({"csrf": token, "officer": officer, "password": PASSWORD}).encode()
    status, _ = client.call("POST", "/masuk", form)
    assert status.startswith("303")
    _SIGNED_IN[(id(desk), officer)] = (desk, client)
    return client


@FUZZ
@given(
    method=st.sampled_from(["GET", "POST", "HEAD", "PUT"]),
    path=st.one_of(
        TEXT.map(lambda s: "/" + s),
        st.sampled_from(
            ["/laporan/", "/laporan/x/verify", "/dasbor", "/dasbor.csv", "/keluar", "/masuk"]
        ),
    ),
    query=TEXT,
    body=st.binary(max_size=200),
)
def test_any_request_gets_a_page_not_a_crash(
    desk: Desk, officers: OfficerBook, method: str, path: str, query: str, body: bytes
) -> None:
    client = signed_in(desk, officers, "admin61")
    status, page = client.call(
        method, path.encode("utf-8", "surrogatepass").decode("latin-1"), body, query
    )
    assert not status.startswith("5"), (status, page[-300:])
    assert "Traceback" not in page


@FUZZ
@given(
    action=st.sampled_from(
        ["verify", "amend", "hold", "forward", "return", "request_info", "follow_up"]
    ),
    values=st.dictionaries(
        st.sampled_from(
            ["version", "agency", "reason", "question", "text", "topic", "region", "kind", "title"]
        ),
        st.one_of(TEXT, st.sampled_from(["1", "puskesmas", "61.07", "64.71", "aspirasi"])),
        max_size=7,
    ),
)
def test_odd_form_values_are_refused_without_writing(
    desk: Desk, officers: OfficerBook, action: str, values: dict[str, str]
) -> None:
    tracking = file_complaint(desk)  # the same complaint each time (same who, when, what)
    before = desk.get(tracking).version
    admin = action in ("verify", "amend", "hold", "forward")
    client = signed_in(desk, officers, "admin61" if admin else "pupr")
    token = client.csrf()
    form = urlencode({**values, "csrf": token}).encode()
    status, page = client.call("POST", f"/laporan/{tracking}/{action}", form)
    assert not status.startswith("5"), (status, page[-300:])
    if not status.startswith("303"):
        assert desk.get(tracking).version == before
    else:
        assert values.get("version") == str(before)
        assert desk.get(tracking).version == before + 1


def test_mounted_under_a_prefix_links_and_cookie_follow_it(
    desk: Desk, officers: OfficerBook
) -> None:
    app = make_app(desk, officers=officers)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/masuk",
        "SCRIPT_NAME": "/konsol",
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(b""),
        "REMOTE_ADDR": "127.0.0.1",
    }
    answer: list[Any] = []
    page = b"".join(app(environ, lambda status, headers: answer.append(headers))).decode()
    headers = answer[0]
    cookie = next(value for name, value in headers if name == "Set-Cookie")
    assert "; Path=/konsol;" in cookie
    assert 'action="/konsol/masuk"' in page
    assert 'href="/konsol/console.css"' in page
    environ = {**environ, "PATH_INFO": "/console.css", "wsgi.input": io.BytesIO(b"")}
    answer.clear()
    b"".join(app(environ, lambda status, headers: answer.append(headers)))
    caching = [value for name, value in answer[0] if name == "Cache-Control"]
    assert caching == ["max-age=3600"]


def test_a_hostile_mount_point_is_quoted(desk: Desk, officers: OfficerBook) -> None:
    app = make_app(desk, officers=officers)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/masuk",
        "SCRIPT_NAME": '/x"><script>',
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(b""),
        "REMOTE_ADDR": "127.0.0.1",
    }
    page = b"".join(app(environ, lambda status, headers: None)).decode()
    assert "<script>" not in page
    assert 'action="/x%22%3E%3Cscript%3E/masuk"' in page


@FUZZ
@given(
    action=st.sampled_from(["dispose", "approve_follow_up", "draft_follow_up"]),
    values=st.dictionaries(
        st.sampled_from(["version", "unit", "note", "text"]),
        st.one_of(TEXT, st.sampled_from(["1", "6", "bina-marga", "cipta-karya", "Draf."])),
        max_size=4,
    ),
)
def test_odd_disposition_forms_are_refused_without_writing(
    desk: Desk, officers: OfficerBook, action: str, values: dict[str, str]
) -> None:
    tracking = file_complaint(desk)
    if desk.get(tracking).status.value == "submitted":  # once: to the unit, in progress
        desk.verify(tracking)
        desk.forward(tracking, "61.07-pupr")
        desk.acknowledge(tracking)
        desk.dispose(tracking, "bina-marga")
    before = desk.get(tracking).version
    client = signed_in(desk, officers, "binamarga" if action == "draft_follow_up" else "pupr")
    form = urlencode({**values, "csrf": client.csrf()}).encode()
    status, page = client.call("POST", f"/laporan/{tracking}/{action}", form)
    assert not status.startswith("5"), (status, page[-300:])
    assert "Traceback" not in page
    if not status.startswith("303"):
        assert desk.get(tracking).version == before
    else:
        assert values.get("version") == str(before)
        assert desk.get(tracking).version == before + 1
