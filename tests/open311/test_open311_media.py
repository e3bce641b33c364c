"""Open311 ``POST requests`` with ``media`` files (multipart/form-data), over real HTTP."""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from sp4n.adapters.blobs import BlobStore, UploadLimits, open_blob_store
from sp4n.desk import Desk
from sp4n.errors import InvalidInputError
from sp4n.open311 import make_site
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Jakarta")
KEY = "kunci-portal"
GPS_IFD = 0x8825


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def photo() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Siti Pelapor"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (0.0, 54.0, 12.5)})
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (9, 9, 9)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def desk() -> Iterator[Desk]:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    with Desk.open("memory://", clock=clock) as opened:
        yield opened


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return open_blob_store(f"file://{tmp_path}/blobs")


def _serve(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def base(desk: Desk, blobs: BlobStore) -> Iterator[str]:
    limits = UploadLimits(max_bytes=200_000)
    yield from _serve(
        make_site(desk, api_keys=[KEY], region="61.07", blobs=blobs, upload_limits=limits)
    )


@pytest.fixture
def plain(desk: Desk) -> Iterator[str]:
    yield from _serve(make_site(desk, api_keys=[KEY], region="61.07"))


FIELDS = {
    "api_key": KEY,
    "service_code": "road",
    "lat": "0.8456",
    "long": "109.4777",
    "description": "Jalan kabupaten di Sebalo berlubang besar.",
    "attribute[road_status]": "kabupaten",
}


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> bytes:
    out = bytearray()
    for name, value in fields.items():
        out += f'--B0undary\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += value.encode() + b"\r\n"
    for field, filename, data in files:
        out += (
            f'--B0undary\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        out += data + b"\r\n"
    return bytes(out + b"--B0undary--\r\n")


def post(base: str, body: bytes, content_type: str) -> tuple[int, Any]:
    request = urllib.request.Request(f"{base}/open311/v2/requests.json", data=body)
    request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


MULTIPART = "multipart/form-data; boundary=B0undary"


def test_a_media_photo_is_stored_stripped_and_attached(
    base: str, desk: Desk, blobs: BlobStore
) -> None:
    status, created = post(base, multipart(FIELDS, [("media", "jalan.jpg", photo())]), MULTIPART)
    assert status == 201, created
    complaint = desk.get(created[0]["service_request_id"])
    [attachment] = complaint.attachments
    assert (attachment.name, attachment.media_type) == ("jalan.jpg", "image/jpeg")
    stored = blobs.get(attachment.ref or "")
    assert attachment.size_bytes == len(stored)
    assert b"Siti" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif().get_ifd(GPS_IFD)


def test_an_exe_named_jpg_is_refused_and_nothing_is_stored(
    base: str, desk: Desk, blobs: BlobStore
) -> None:
    body = multipart(FIELDS, [("media", "jalan.jpg", b"MZ\x90\x00 program")])
    status, errors = post(base, body, MULTIPART)
    assert status == 400
    assert "attachment.media_type = '4d 5a 90 00 20 70 72 6f'" in errors[0]["description"]
    assert list(blobs.refs()) == []
    assert desk.store.query() == []


def test_a_file_over_the_limit_is_refused(base: str, blobs: BlobStore) -> None:
    big = b"\xff\xd8\xff" + b"\x00" * 250_000
    status, errors = post(base, multipart(FIELDS, [("media", "a.jpg", big)]), MULTIPART)
    assert status == 400
    assert "setting max_bytes" in errors[0]["description"]
    assert list(blobs.refs()) == []


def test_a_refused_request_stores_no_blob(base: str, blobs: BlobStore) -> None:
    fields = {**FIELDS, "service_code": "jembatan_langit"}
    status, _ = post(base, multipart(fields, [("media", "a.jpg", photo())]), MULTIPART)
    assert status == 404
    assert list(blobs.refs()) == []


def test_files_in_another_field_are_refused(base: str) -> None:
    status, errors = post(base, multipart(FIELDS, [("foto", "a.jpg", photo())]), MULTIPART)
    assert status == 400
    assert "files go in the field media" in errors[0]["description"]


def test_a_broken_multipart_body_is_a_400(base: str) -> None:
    status, errors = post(base, b"--B0undary\r\nno headers here", MULTIPART)
    assert status == 400
    status, errors = post(base, b"x", "multipart/form-data")
    assert status == 400
    assert "boundary" in errors[0]["description"]


def test_without_a_blob_store_multipart_is_refused(plain: str, desk: Desk) -> None:
    status, errors = post(plain, multipart(FIELDS, [("media", "a.jpg", photo())]), MULTIPART)
    assert status == 400
    assert "send media_url" in errors[0]["description"]
    assert desk.store.query() == []


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_media_url_points_at_the_stored_file_once_published(desk: Desk, blobs: BlobStore) -> None:
    servers = _serve(make_site(desk, api_keys=[KEY], region="61.07", blobs=blobs,
                               public_url="http://127.0.0.1:1"))  # fmt: skip
    base = next(servers)
    try:
        status, created = post(base, multipart(FIELDS, [("media", "a.jpg", photo())]), MULTIPART)
        assert status == 201
        ref = created[0]["service_request_id"]
        desk.verify(ref)
        desk.forward(ref, "61.07-pupr")
        expected = f"http://127.0.0.1:1/open311/v2/media/{ref}/1/0"
        assert _get_json(f"{base}/open311/v2/requests/{ref}.json")[0]["media_url"] == expected
        [listed] = _get_json(f"{base}/open311/v2/requests.json")
        assert listed["media_url"] == expected
        with urllib.request.urlopen(expected.replace("http://127.0.0.1:1", base)) as answer:
            assert answer.read()[:3] == b"\xff\xd8\xff"
    finally:
        next(servers, None)


def test_without_a_public_url_no_media_url_is_made_up(base: str, desk: Desk) -> None:
    status, created = post(base, multipart(FIELDS, [("media", "a.jpg", photo())]), MULTIPART)
    assert status == 201
    ref = created[0]["service_request_id"]
    desk.verify(ref)
    desk.forward(ref, "61.07-pupr")
    assert _get_json(f"{base}/open311/v2/requests/{ref}.json")[0]["media_url"] is None


def test_a_bad_public_url_is_refused() -> None:
    with Desk.open("memory://") as desk, pytest.raises(InvalidInputError) as info:
        make_site(desk, public_url="lapor.example.id/")
    assert info.value.field == "public_url"


def test_a_multipart_post_without_files_is_a_plain_request(base: str, desk: Desk) -> None:
    status, created = post(base, multipart(FIELDS, []), MULTIPART)
    assert status == 201
    assert desk.get(created[0]["service_request_id"]).attachments == ()
