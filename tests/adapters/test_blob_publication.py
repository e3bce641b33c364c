"""Serving stored files publicly: only a published complaint's, stripped again if anonymous."""

from __future__ import annotations

import io
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

from sp4n.adapters.blobs import (
    BlobStore,
    accept_upload,
    open_blob_store,
    public_file,
    public_files,
)
from sp4n.desk import Desk
from sp4n.lifecycle import Attachment, ComplaintDraft, Reporter
from sp4n.open311 import make_site
from sp4n.testing import FrozenClock

PNK = ZoneInfo("Asia/Pontianak")
GPS_IFD = 0x8825


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def photo() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Siti Pelapor"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (0.0, 54.0, 12.5)})
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (9, 9, 90)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def desk() -> Iterator[Desk]:
    clock = FrozenClock(datetime(2026, 8, 3, 9, 0, tzinfo=PNK))
    with Desk.open("memory://", clock=clock) as opened:
        yield opened


@pytest.fixture
def blobs(tmp_path: Path) -> BlobStore:
    return open_blob_store(f"file://{tmp_path}/blobs")


@pytest.fixture
def base(desk: Desk, blobs: BlobStore) -> Iterator[str]:
    server = make_server(
        "127.0.0.1", 0, make_site(desk, region="61.07", blobs=blobs), handler_class=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/open311/v2/media"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def get(url: str) -> tuple[int, bytes, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read(), exc.headers


def submit(desk: Desk, attachments: list[Attachment], visibility: str = "public") -> str:
    complaint = desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title="Jalan berlubang",
            body="Sejak Juli.",
            region="61.07",
            topic="road",
            channel="web",
            reporter=Reporter(id="warga-1"),
            visibility=visibility,
            attachments=attachments,
        )
    )
    return complaint.tracking_id


def forward(desk: Desk, ref: str) -> None:
    desk.verify(ref)
    desk.forward(ref, "61.07-pupr")


def test_a_file_is_served_once_its_complaint_is_published(
    base: str, desk: Desk, blobs: BlobStore
) -> None:
    attachment = accept_upload(blobs, photo(), name="jalan rusak.jpg")
    ref = submit(desk, [attachment])
    assert get(f"{base}/{ref}/1/0")[0] == 404  # submitted: not yet public
    forward(desk, ref)
    status, body, headers = get(f"{base}/{ref}/1/0")
    assert status == 200
    assert body == blobs.get(attachment.ref or "")
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''jalan%20rusak.jpg" in headers["Content-Disposition"]


def test_a_confidential_complaints_files_are_never_served(
    base: str, desk: Desk, blobs: BlobStore
) -> None:
    attachment = accept_upload(blobs, photo(), name="a.jpg")
    ref = submit(desk, [attachment], visibility="confidential")
    forward(desk, ref)
    status, body, _ = get(f"{base}/{ref}/1/0")
    assert status == 404
    assert b"\xff\xd8" not in body


def test_an_anonymous_complaints_photo_is_stripped_again_and_a_pdf_withheld(
    base: str, desk: Desk, blobs: BlobStore
) -> None:
    raw_photo = photo()  # stored as sent, e.g. while the report was still public
    files = [
        Attachment(
            name="a.jpg",
            media_type="image/jpeg",
            size_bytes=len(raw_photo),
            ref=blobs.put(raw_photo),
        ),
        Attachment(
            name="s.pdf", media_type="application/pdf", size_bytes=8, ref=blobs.put(b"%PDF-1.7")
        ),
    ]
    ref = submit(desk, files, visibility="anonymous")
    forward(desk, ref)
    status, body, _ = get(f"{base}/{ref}/1/0")
    assert status == 200
    assert b"Siti" not in body
    assert not Image.open(io.BytesIO(body)).getexif().get_ifd(GPS_IFD)
    assert get(f"{base}/{ref}/1/1")[0] == 404


def test_an_officers_evidence_is_served_at_its_follow_up(
    base: str, desk: Desk, blobs: BlobStore
) -> None:
    ref = submit(desk, [])
    forward(desk, ref)
    evidence = accept_upload(blobs, b"%PDF-1.7 berita acara", name="ba.pdf")
    complaint = desk.follow_up(ref, "Sudah ditambal.", attachments=[evidence])
    seq = complaint.history[-1].seq
    status, body, headers = get(f"{base}/{ref}/{seq}/0")
    assert (status, body) == (200, b"%PDF-1.7 berita acara")
    assert headers["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("tail", ["1/5", "9/0", "1/x", "1/0/extra"])
def test_anything_else_is_the_same_404(base: str, desk: Desk, blobs: BlobStore, tail: str) -> None:
    ref = submit(desk, [accept_upload(blobs, photo(), name="a.jpg")])
    forward(desk, ref)
    assert get(f"{base}/{ref}/{tail}")[0] == 404
    assert get(f"{base}/LAP-TIDAKADA/1/0")[0] == 404


def test_a_url_attachment_or_a_missing_blob_is_not_served(desk: Desk, blobs: BlobStore) -> None:
    files = [
        Attachment(name="m", media_type="image/jpeg", size_bytes=0, ref="https://x.example/m.jpg"),
        Attachment(name="n", media_type="image/jpeg", size_bytes=1, ref="sha256:" + "0" * 64),
    ]
    ref = submit(desk, files)
    forward(desk, ref)
    complaint = desk.get(ref)
    assert public_file(complaint, 1, 0, blobs) is None
    assert public_file(complaint, 1, 1, blobs) is None


def test_head_answers_the_headers_without_the_bytes(
    base: str, desk: Desk, blobs: BlobStore
) -> None:
    attachment = accept_upload(blobs, b"%PDF-1.7 surat", name="s.pdf")
    ref = submit(desk, [attachment])
    forward(desk, ref)
    request = urllib.request.Request(f"{base}/{ref}/1/0", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read() == b""
    post = urllib.request.Request(f"{base}/{ref}/1/0", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(post, timeout=10)
    assert info.value.code == 404
    info.value.close()


def test_public_files_lists_what_public_file_serves_in_history_order(
    desk: Desk, blobs: BlobStore
) -> None:
    ref = submit(desk, [accept_upload(blobs, photo(), name="a.jpg")])
    assert public_files(desk.get(ref), blobs) == []  # not yet published
    forward(desk, ref)
    evidence = accept_upload(blobs, b"%PDF-1.7 berita acara", name="ba.pdf")
    complaint = desk.follow_up(ref, "Sudah ditambal.", attachments=[evidence])
    seq = complaint.history[-1].seq
    listed = [(s, n, a.name) for s, n, a in public_files(complaint, blobs)]
    assert listed == [(1, 0, "a.jpg"), (seq, 0, "ba.pdf")]


def test_public_files_withholds_an_anonymous_complaints_pdf(desk: Desk, blobs: BlobStore) -> None:
    pdf = Attachment(
        name="s.pdf", media_type="application/pdf", size_bytes=8, ref=blobs.put(b"%PDF-1.7")
    )
    ref = submit(desk, [accept_upload(blobs, photo(), name="a.jpg"), pdf], visibility="anonymous")
    forward(desk, ref)
    assert [(s, n, a.name) for s, n, a in public_files(desk.get(ref), blobs)] == [(1, 0, "a.jpg")]


def test_public_files_lists_nothing_of_a_confidential_complaint(
    desk: Desk, blobs: BlobStore
) -> None:
    ref = submit(desk, [accept_upload(blobs, photo(), name="a.jpg")], visibility="confidential")
    forward(desk, ref)
    assert public_files(desk.get(ref), blobs) == []
