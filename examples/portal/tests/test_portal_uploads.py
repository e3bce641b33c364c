"""Photos and documents through the portal's form, over real HTTP: stored stripped, listed on
the tracking page once published, fetched through Open311's media route; refusals in words."""

from __future__ import annotations

import html
import io
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from PIL import Image
from sp4n_portal import Portal

from sp4n import Desk
from sp4n.adapters.blobs import BlobStore, open_blob_store

GPS_IFD = 0x8825
Fetch = Callable[..., tuple[int, Any, str]]  # conftest's fetch fixture
FORM = {"title": "Jalan berlubang", "body": "Sejak Juli.", "topic": "road"}


def photo() -> bytes:
    """A JPEG with the camera owner's name and a GPS position in its EXIF."""
    exif = Image.Exif()
    exif[0x013B] = "Siti Pelapor"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (0.0, 54.0, 12.5), 3: "E", 4: (109.0, 28.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (9, 9, 90)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    return bool(Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD))


def post(url: str, fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[int, str, str]:
    """POST ``multipart/form-data`` as a browser does: ``(status, Location, page)``."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    for name, data in files:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="lampiran"; filename="{name}"'
        parts.append(f"{head}\r\nContent-Type: application/octet-stream\r\n\r\n".encode() + data)
        parts.append(b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(url + "/", body, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect()).open(request, timeout=10) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Location", ""), error.read().decode()


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return open_blob_store(f"file://{tmp_path}/blobs")


@pytest.fixture
def site(desk: Desk, blobs: BlobStore) -> Iterator[Portal]:
    with Portal(desk, region="61.07", blobs=blobs, sweep_every=60) as served:
        yield served


def test_without_a_blob_store_the_form_shows_no_file_input(portal: Portal, fetch: Fetch) -> None:
    _, _, page = fetch(portal.url + "/")
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' not in page
    assert "share_location" not in page


def test_with_a_blob_store_the_form_takes_photos_and_documents(site: Portal, fetch: Fetch) -> None:
    _, _, page = fetch(site.url + "/")
    assert '<input type="file" name="lampiran" multiple' in page
    assert 'accept="image/jpeg,image/png,application/pdf"' in page
    assert 'name="share_location"' in page
    assert "Bagikan lokasi foto" in page


def test_a_photo_is_stored_stripped_then_listed_and_served_once_forwarded(
    site: Portal, fetch: Fetch, desk: Desk, officer: Desk, blobs: BlobStore
) -> None:
    sent = photo()
    assert has_gps(sent)
    status, location, _ = post(site.url, {**FORM, "share_location": "on"}, [("jalan.jpg", sent)])
    assert status == 303
    ref = unquote(location.removeprefix("/lacak?id="))
    (stored,) = desk.get(ref).history[0].payload["attachments"]
    assert (stored["name"], stored["media_type"]) == ("jalan.jpg", "image/jpeg")
    kept = blobs.get(stored["ref"])
    assert not has_gps(kept)  # no coordinates in the form: the location is not kept
    assert b"Siti" not in kept
    link = f"/open311/v2/media/{ref}/1/0"
    assert link not in fetch(f"{site.url}/lacak?id={ref}")[2]  # not yet published
    assert fetch(site.url + link)[0] == 404
    officer.verify(ref)
    officer.forward(ref, "61.07-pupr")
    page = fetch(f"{site.url}/lacak?id={ref}")[2]
    assert f'<a href="{link}">jalan.jpg</a>' in page
    with urllib.request.urlopen(site.url + link, timeout=10) as response:
        assert (response.status, response.headers["Content-Type"]) == (200, "image/jpeg")
        assert response.read() == kept


def test_a_confidential_reports_files_are_never_listed(
    site: Portal, fetch: Fetch, officer: Desk
) -> None:
    fields = {**FORM, "visibility": "confidential", "name": "Budi", "email": "budi@example.org"}
    status, location, _ = post(site.url, fields, [("surat.pdf", b"%PDF-1.7 surat")])
    assert status == 303
    ref = unquote(location.removeprefix("/lacak?id="))
    officer.verify(ref)
    officer.forward(ref, "61.07-pupr")
    page = fetch(f"{site.url}/lacak?id={ref}")[2]
    assert "/open311/v2/media/" not in page
    assert "surat.pdf" not in page


@pytest.mark.parametrize(
    ("files", "fields", "words"),
    [
        ([("foto.jpg", b"MZ\x90\x00 program")], {}, "Jenis berkas lampiran ini tidak diterima"),
        ([("surat.pdf", b"%PDF-1.7")], {"visibility": "anonymous"}, "hanya menerima foto JPEG"),
    ],
)
def test_a_refused_file_is_a_400_form_with_what_was_typed(
    site: Portal, desk: Desk, tmp_path: Path, files: list[tuple[str, bytes]], fields, words
) -> None:
    typed = {**FORM, "title": 'Jembatan "Sahan" <retak>', "name": "Budi", **fields}
    status, _, page = post(site.url, typed, files)
    assert status == 400
    alert = re.search(r'<p class="galat" role="alert">(.*?)</p>', page, re.DOTALL)
    assert alert, page
    assert "Periksa kolom <b>Lampiran</b>" in alert.group(1)
    assert words in alert.group(1)
    assert f'name="title" value="{html.escape(typed["title"])}"' in page
    assert 'name="name" value="Budi"' in page
    assert 'type="file" name="lampiran"' in page  # the form again, ready for another file
    assert desk.list() == []  # nothing half-written
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []  # no file either


def test_a_url_encoded_form_still_works_with_a_blob_store(site: Portal, fetch: Fetch, desk: Desk):
    status, headers, _ = fetch(site.url + "/", FORM, follow=False)
    assert status == 303
    ref = unquote(headers["Location"].removeprefix("/lacak?id="))
    assert desk.get(ref).title == "Jalan berlubang"


def test_a_multipart_form_without_files_works_without_a_blob_store(
    portal: Portal, desk: Desk
) -> None:
    status, location, _ = post(portal.url, FORM, [])
    assert status == 303
    report = desk.get(unquote(location.removeprefix("/lacak?id="))).history[0]
    assert not report.payload.get("attachments")


def test_a_file_sent_to_a_portal_without_a_blob_store_is_refused_in_words(
    portal: Portal, desk: Desk
) -> None:
    status, _, page = post(portal.url, FORM, [("a.jpg", photo())])
    assert status == 400
    assert "Periksa kolom <b>Lampiran</b>" in page
    assert "tidak menerima lampiran" in page
    assert desk.list() == []


def test_a_file_over_the_upload_limit_is_a_400_form_naming_the_attachment(
    site: Portal, desk: Desk
) -> None:
    big = b"%PDF-1.7 " + b"x" * (10 * 1024 * 1024)  # just over UploadLimits' 10 MiB default
    status, _, page = post(site.url, {**FORM, "name": "Budi"}, [("besar.pdf", big)])
    assert status == 400
    assert "Periksa kolom <b>Lampiran</b>" in page
    assert "terlalu besar" in page
    assert 'name="name" value="Budi"' in page
    assert desk.list() == []


def test_an_anonymous_reports_photo_is_listed_and_served_stripped(
    site: Portal, fetch: Fetch, officer: Desk
) -> None:
    status, location, _ = post(site.url, {**FORM, "visibility": "anonymous"}, [("a.jpg", photo())])
    assert status == 303
    ref = unquote(location.removeprefix("/lacak?id="))
    officer.verify(ref)
    officer.forward(ref, "61.07-pupr")
    link = f"/open311/v2/media/{ref}/1/0"
    assert f'<a href="{link}">a.jpg</a>' in fetch(f"{site.url}/lacak?id={ref}")[2]
    with urllib.request.urlopen(site.url + link, timeout=10) as response:
        served = response.read()
    assert b"Siti" not in served
    assert not has_gps(served)
