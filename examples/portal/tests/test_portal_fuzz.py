"""Whatever a client sends, the portal answers a page, never a 500 (fuzzed in-process)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode
from wsgiref.util import setup_testing_defaults
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sp4n_portal import make_app

from sp4n import Desk
from sp4n.adapters.blobs import open_blob_store
from sp4n.testing import FrozenClock

FIELDS = ["title", "body", "region", "topic", "visibility", "name", "email", "phone", "kind"]
MARKUP = st.sampled_from(["<script>x</script>", '"><img src=x>', "<marquee>", "&amp;", "'"])
INJECTED = ("<script", "<img", "<marquee")  # markup the portal itself never writes
TEXT = st.one_of(st.text(max_size=120), MARKUP, st.sampled_from(["61.07", "road", "anonymous"]))


@pytest.fixture(scope="module")
def app() -> Iterator[Any]:
    clock = FrozenClock(datetime(2026, 8, 3, 9, 0, tzinfo=ZoneInfo("Asia/Pontianak")))
    with Desk.open("memory://", clock=clock) as desk:
        yield make_app(desk, region="61.07")


def _call(
    app: Any, method: str, path: str, query: str = "", body: bytes = b"", extra: Any = None
) -> tuple[str, str]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, **(extra or {})}
    environ |= {"QUERY_STRING": query, "CONTENT_LENGTH": str(len(body))}
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO(body)
    answers: list[str] = []
    page = b"".join(app(environ, lambda status, headers: answers.append(status)))
    return answers[0], page.decode()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(form=st.dictionaries(st.sampled_from([*FIELDS, "admin"]), TEXT, max_size=9))
def test_any_form_is_filed_or_refused_with_a_400_page(app, form):
    status, page = _call(app, "POST", "/", body=urlencode(form).encode())
    assert status in ("303 See Other", "400 Bad Request")
    if status.startswith("400"):
        assert "Periksa kolom <b>" in page
    assert not any(tag in page for tag in INJECTED)  # echoed values are escaped


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ref=TEXT, path=st.sampled_from(["/", "/lacak", "/lacak/", "/admin"]))
def test_any_lookup_is_a_page_never_a_500(app, ref, path):
    status, page = _call(app, "GET", path, query="id=" + quote(ref))
    assert status in ("200 OK", "400 Bad Request", "404 Not Found")
    assert not any(tag in page for tag in INJECTED)


@pytest.fixture(scope="module")
def upload_app() -> Iterator[Any]:
    clock = FrozenClock(datetime(2026, 8, 3, 9, 0, tzinfo=ZoneInfo("Asia/Pontianak")))
    with Desk.open("memory://", clock=clock) as desk:
        yield make_app(desk, region="61.07", blobs=open_blob_store("memory://"))


MAGIC = st.sampled_from([b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"%PDF-1.7", b"MZ"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(st.sampled_from([*FIELDS, "share_location"]), TEXT, max_size=6),
    files=st.lists(st.tuples(TEXT, MAGIC, st.binary(max_size=64)), max_size=3),
    tail=st.sampled_from([b"--B--\r\n", b"", b"--B\r\n", b"garbage"]),
)
def test_any_multipart_form_is_filed_or_refused_with_a_400_page(upload_app, form, files, tail):
    parts = [
        f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in form.items()
    ]
    for name, magic, data in files:
        disposition = f'form-data; name="lampiran"; filename="{name}"'
        parts.append(f"--B\r\nContent-Disposition: {disposition}\r\n\r\n".encode())
        parts.append(magic + data + b"\r\n")
    body = b"".join(parts) + tail
    environ_type = {"CONTENT_TYPE": "multipart/form-data; boundary=B"}
    status, page = _call(upload_app, "POST", "/", body=body, extra=environ_type)
    assert status in ("303 See Other", "400 Bad Request")
    if status.startswith("400"):
        assert "Periksa kolom <b>" in page
    assert not any(tag in page for tag in INJECTED)
