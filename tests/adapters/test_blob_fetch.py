"""fetch_media: a gateway's media URL downloaded over real HTTP on 127.0.0.1 into blobs."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from sp4n.adapters.blobs import MemoryBlobStore, UploadLimits, fetch_media
from sp4n.errors import InvalidInputError

GPS_IFD = 0x8825


def photo() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Siti Pelapor"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (0.0, 54.0, 12.5)})
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (9, 90, 9)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


PHOTO = photo()


class Gateway(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        if path == "/mms/foto%20jalan.jpg":
            self._send(200, PHOTO, Content_Type="image/jpeg")
        elif path == "/redirect":
            self._send(302, Location="/mms/foto%20jalan.jpg")
        elif path == "/loop":
            self._send(302, Location="/loop")
        elif path == "/to-file":
            self._send(302, Location="file:///etc/passwd")
        elif path == "/big":
            self._send(200, b"", Content_Length="999999999")
        elif path == "/endless":  # no length: the reader must stop by itself
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"\xff\xd8\xff" + b"\x00" * 4096)
        elif path == "/slow":
            time.sleep(3)
            self._send(200, PHOTO)
        elif path == "/private":
            ok = self.headers.get("Authorization") == "Bearer kunci"
            self._send(200 if ok else 401, PHOTO if ok else b"no")
        elif path == "/program.jpg":
            self._send(200, b"MZ\x90\x00 program")
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_a_gateway_photo_is_fetched_stripped_and_stored(gateway: str) -> None:
    blobs = MemoryBlobStore()
    attachment = fetch_media(f"{gateway}/mms/foto%20jalan.jpg", blobs)
    assert (attachment.name, attachment.media_type) == ("foto jalan.jpg", "image/jpeg")
    stored = blobs.get(attachment.ref or "")
    assert b"Siti" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif().get_ifd(GPS_IFD)


def test_redirects_are_followed_to_http_only(gateway: str) -> None:
    blobs = MemoryBlobStore()
    assert fetch_media(f"{gateway}/redirect", blobs).name == "foto jalan.jpg"
    with pytest.raises(InvalidInputError, match="redirected more than 3 times"):
        fetch_media(f"{gateway}/loop", blobs)
    with pytest.raises(InvalidInputError, match="http:// or https://"):
        fetch_media(f"{gateway}/to-file", blobs)


def test_the_gateways_credentials_are_sent(gateway: str) -> None:
    blobs = MemoryBlobStore()
    with pytest.raises(InvalidInputError, match="answered HTTP 401"):
        fetch_media(f"{gateway}/private", blobs)
    attachment = fetch_media(f"{gateway}/private", blobs, headers={"Authorization": "Bearer kunci"})
    assert attachment.media_type == "image/jpeg"


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/big", "at most 10000"),
        ("/endless", "over 10000 bytes"),
        ("/missing.jpg", "answered HTTP 404"),
        ("/program.jpg", "recognizes"),
    ],
)
def test_bad_media_store_nothing(gateway: str, path: str, rule: str) -> None:
    blobs = MemoryBlobStore()
    with pytest.raises(InvalidInputError) as info:
        fetch_media(f"{gateway}{path}", blobs, limits=UploadLimits(max_bytes=10_000))
    assert rule in str(info.value)
    assert list(blobs.refs()) == []


def test_a_slow_gateway_times_out(gateway: str) -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInputError) as info:
        fetch_media(f"{gateway}/slow", MemoryBlobStore(), timeout=0.5)
    assert info.value.field == "media_url"
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    "url", ["ftp://gw.example/a.jpg", "file:///etc/passwd", "http://", "gw.example/a.jpg"]
)
def test_only_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        fetch_media(url, MemoryBlobStore())
    assert info.value.field == "media_url"


def test_an_unreachable_gateway_is_a_typed_error() -> None:
    with pytest.raises(InvalidInputError, match="could not be fetched"):
        fetch_media("http://127.0.0.1:9/a.jpg", MemoryBlobStore(), timeout=2)
