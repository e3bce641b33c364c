"""Files through the intake channels: e-mail attachments and web-form uploads into blobs."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from PIL import Image

from sp4n.adapters.blobs import MemoryBlobStore
from sp4n.adapters.channels import EmailChannel, WebFormChannel
from sp4n.errors import InvalidInputError

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GPS_IFD = 0x8825


def photo() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Siti Pelapor"
    exif[0x0112] = 3
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (0.0, 54.0, 12.5), 3: "E", 4: (109.0, 28.0, 1.0)})
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (90, 9, 9)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def gps(data: bytes) -> dict[int, object]:
    return dict(Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD))


def email(*attachments: tuple[bytes, str, str, str]) -> bytes:
    message = EmailMessage()
    message["From"] = "Siti Aminah <siti@example.id>"
    message["To"] = "lapor@bengkayangkab.go.id"
    message["Subject"] = "Sampah menumpuk di pasar #waste"
    message["Date"] = format_datetime(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    message.set_content("Sudah seminggu tidak diangkut.")
    for data, maintype, subtype, filename in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(message)


def test_email_attachments_are_stored_stripped() -> None:
    blobs = MemoryBlobStore()
    channel = EmailChannel("61.07", blobs=blobs)
    intake = channel.parse(email((photo(), "image", "jpeg", "pasar.jpg")), received_at=AT)
    [attachment] = intake.draft.attachments
    stored = blobs.get(attachment.ref or "")
    assert (attachment.name, attachment.media_type) == ("pasar.jpg", "image/jpeg")
    assert attachment.size_bytes == len(stored)
    assert gps(stored) == {}
    assert b"Siti" not in stored
    assert Image.open(io.BytesIO(stored)).getexif()[0x0112] == 3


def test_email_signatures_are_not_evidence() -> None:
    blobs = MemoryBlobStore()
    raw = email(
        (b"%PDF-1.7 surat", "application", "pdf", "surat.pdf"),
        (b"\x30\x82 signature", "application", "pkcs7-signature", "smime.p7s"),
    )
    intake = EmailChannel("61.07", blobs=blobs).parse(raw, received_at=AT)
    assert [a.name for a in intake.draft.attachments] == ["surat.pdf"]
    assert len(list(blobs.refs())) == 1


def test_an_email_with_a_bad_attachment_is_refused_and_stores_nothing() -> None:
    blobs = MemoryBlobStore()
    raw = email(
        (photo(), "image", "jpeg", "a.jpg"),
        (b"MZ\x90\x00 program", "application", "octet-stream", "foto.jpg.exe"),
    )
    with pytest.raises(InvalidInputError) as info:
        EmailChannel("61.07", blobs=blobs).parse(raw, received_at=AT)
    assert info.value.field == "attachments[1].media_type"
    assert list(blobs.refs()) == []


def test_an_email_channel_without_blobs_keeps_metadata_only() -> None:
    intake = EmailChannel("61.07").parse(email((photo(), "image", "jpeg", "a.jpg")), received_at=AT)
    [attachment] = intake.draft.attachments
    assert attachment.ref is not None
    assert attachment.ref.startswith("sha256:")


FORM = {"title": "Jalan rusak", "body": "Berlubang sejak Juli.", "region": "61.07"}


def test_web_form_files_are_stored_and_attached() -> None:
    blobs = MemoryBlobStore()
    channel = WebFormChannel(blobs=blobs)
    intake = channel.parse(FORM, received_at=AT, files=[("jalan.jpg", photo())])
    [attachment] = intake.draft.attachments
    assert gps(blobs.get(attachment.ref or "")) == {}


def test_a_reporter_who_shares_location_keeps_the_photo_position() -> None:
    blobs = MemoryBlobStore()
    form = {**FORM, "lat": "0.9", "lon": "109.4", "share_location": "ya"}
    intake = WebFormChannel(blobs=blobs).parse(form, received_at=AT, files=[("a.jpg", photo())])
    [attachment] = intake.draft.attachments
    assert gps(blobs.get(attachment.ref or ""))[1] == "N"


def test_an_anonymous_reporter_never_keeps_the_photo_position() -> None:
    blobs = MemoryBlobStore()
    form = {**FORM, "lat": "0.9", "lon": "109.4", "share_location": "1", "visibility": "anonymous"}
    intake = WebFormChannel(blobs=blobs).parse(form, received_at=AT, files=[("a.jpg", photo())])
    [attachment] = intake.draft.attachments
    stored = blobs.get(attachment.ref or "")
    assert gps(stored) == {}
    assert b"Siti" not in stored


def test_an_anonymous_form_refuses_a_pdf_and_stores_nothing() -> None:
    blobs = MemoryBlobStore()
    form = {**FORM, "visibility": "anonymous"}
    with pytest.raises(InvalidInputError) as info:
        WebFormChannel(blobs=blobs).parse(form, received_at=AT, files=[("s.pdf", b"%PDF-1.7")])
    assert info.value.field == "attachment.media_type"
    assert list(blobs.refs()) == []


def test_a_bad_form_stores_no_file() -> None:
    blobs = MemoryBlobStore()
    with pytest.raises(InvalidInputError) as info:
        WebFormChannel(blobs=blobs).parse(
            {**FORM, "title": ""}, received_at=AT, files=[("a.jpg", photo())]
        )
    assert info.value.field == "title"
    assert list(blobs.refs()) == []


def test_files_without_a_blob_store_are_refused() -> None:
    with pytest.raises(InvalidInputError) as info:
        WebFormChannel().parse(FORM, received_at=AT, files=[("a.jpg", photo())])
    assert info.value.field == "files"
