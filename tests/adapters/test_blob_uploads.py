"""Accepting uploads: sniffed types, limits as settings, metadata and location stripped.

Photos are made and read back with Pillow, an independent JPEG/PNG implementation, so the
stripped files are checked to still be images, with the same pixels and orientation.
"""

from __future__ import annotations

import io
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from sp4n.adapters.blobs import (
    MemoryBlobStore,
    UploadLimits,
    accept_upload,
    sniff_media_type,
    strip_metadata,
)
from sp4n.errors import InvalidInputError

GPS_IFD = 0x8825
ORIENTATION, MAKE, ARTIST = 0x0112, 0x010F, 0x013B


def photo(*, orientation: int | None = 6, gps: bool = True, comment: bool = True) -> bytes:
    """A JPEG as a phone writes it: EXIF with camera, artist, GPS position, a comment."""
    image = Image.new("RGB", (32, 24), (200, 30, 40))
    exif = Image.Exif()
    exif[MAKE] = "KameraHP"
    exif[ARTIST] = "Siti Pelapor"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (0.0, 54.0, 12.5), 3: "E", 4: (109.0, 28.0, 1.0)})
    out = io.BytesIO()
    options = {"comment": b"dibuat oleh Siti"} if comment else {}
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90, **options)
    return out.getvalue()


def read(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Siti Pelapor")
    info.add_itxt("Comment", "rumah saya", zip=True)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


# -- sniffing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.4\n", "application/pdf"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x18ftyp3gp4\x00\x00", "video/3gpp"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"#!AMR\n", "audio/amr"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"MZ\x90\x00", None),
        (b"<html><script>", None),
        (b"", None),
    ],
)
def test_the_type_is_read_from_the_bytes(head: bytes, media_type: str | None) -> None:
    assert sniff_media_type(head) == media_type


def test_a_jpeg_is_sniffed() -> None:
    assert sniff_media_type(photo()) == "image/jpeg"


# -- stripping -------------------------------------------------------------------------------


def test_gps_camera_artist_and_comment_are_removed_orientation_and_pixels_kept() -> None:
    original = photo()
    assert read(original).getexif().get_ifd(GPS_IFD)  # the phone wrote a position
    stripped = strip_metadata(original, "image/jpeg")
    image = read(stripped)
    exif = image.getexif()
    assert dict(exif) == {ORIENTATION: 6}
    assert not exif.get_ifd(GPS_IFD)
    assert "comment" not in image.info
    assert b"Siti" not in stripped
    assert b"KameraHP" not in stripped
    assert image.tobytes() == read(original).tobytes()


def test_a_photo_without_orientation_loses_its_exif_entirely() -> None:
    stripped = strip_metadata(photo(orientation=None), "image/jpeg")
    assert dict(read(stripped).getexif()) == {}
    assert b"Exif" not in stripped


def test_a_shared_location_keeps_the_exif_but_not_the_comment() -> None:
    stripped = strip_metadata(photo(), "image/jpeg", keep_location=True)
    exif = read(stripped).getexif()
    assert exif.get_ifd(GPS_IFD)[1] == "N"
    assert b"dibuat oleh Siti" not in stripped


def test_png_text_chunks_are_dropped_and_the_image_still_decodes() -> None:
    original = png_with_text()
    assert read(original).info["Author"] == "Siti Pelapor"
    stripped = strip_metadata(original, "image/png")
    image = read(stripped)
    assert "Author" not in image.info
    assert "Comment" not in image.info
    assert b"Siti" not in stripped
    assert image.getpixel((0, 0)) == (1, 2, 3)


def test_png_exif_chunk_is_dropped_unless_the_location_is_shared() -> None:
    image = Image.new("RGB", (4, 4))
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (6.0, 10.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif.tobytes())
    assert b"eXIf" in out.getvalue()
    assert b"eXIf" not in strip_metadata(out.getvalue(), "image/png")
    assert b"eXIf" in strip_metadata(out.getvalue(), "image/png", keep_location=True)


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"\xff\xd8\xff\xe1\xff\xff" + b"\x00" * 10, "image/jpeg"),  # segment past the end
        (b"\xff\xd8\xff\xe0\x00", "image/jpeg"),  # cut inside a length
        (b"\xff\xd8\x00\x00", "image/jpeg"),  # no marker
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", "image/png"),  # cut chunk
        (b"\x89PNG\r\n\x1a\n", "image/png"),  # no IEND
    ],
)
def test_malformed_images_are_refused_naming_the_attachment(data: bytes, media_type: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        strip_metadata(data, media_type)
    assert info.value.field == "attachment"
    assert "well-formed" in info.value.rule


def test_other_types_are_kept_as_sent() -> None:
    assert strip_metadata(b"%PDF-1.7 isi", "application/pdf") == b"%PDF-1.7 isi"


# -- accept_upload ---------------------------------------------------------------------------


def test_an_upload_is_stored_stripped_under_the_hash_of_what_is_stored() -> None:
    blobs = MemoryBlobStore()
    attachment = accept_upload(blobs, photo(), name="C:\\fakepath\\IMG_0001.JPG")
    stored = blobs.get(attachment.ref or "")
    assert attachment.name == "IMG_0001.JPG"
    assert attachment.media_type == "image/jpeg"
    assert attachment.size_bytes == len(stored)
    assert not read(stored).getexif().get_ifd(GPS_IFD)
    assert list(blobs.refs()) == [attachment.ref]


def test_the_sniffed_type_wins_over_the_file_name() -> None:
    attachment = accept_upload(MemoryBlobStore(), b"%PDF-1.7 surat", name="foto.jpg")
    assert attachment.media_type == "application/pdf"


def test_an_anonymous_photo_never_keeps_its_location() -> None:
    blobs = MemoryBlobStore()
    attachment = accept_upload(blobs, photo(), name="a.jpg", anonymous=True, share_location=True)
    stored = blobs.get(attachment.ref or "")
    assert not read(stored).getexif().get_ifd(GPS_IFD)
    assert b"Siti" not in stored


def test_an_identified_reporter_who_shares_location_keeps_it() -> None:
    blobs = MemoryBlobStore()
    attachment = accept_upload(blobs, photo(), name="a.jpg", share_location=True)
    assert read(blobs.get(attachment.ref or "")).getexif().get_ifd(GPS_IFD)[3] == "E"


def test_an_anonymous_report_refuses_files_sp4n_cannot_strip() -> None:
    blobs = MemoryBlobStore()
    with pytest.raises(InvalidInputError) as info:
        accept_upload(blobs, b"%PDF-1.7 /Author (Siti)", name="surat.pdf", anonymous=True)
    assert info.value.field == "attachment.media_type"
    assert info.value.value == "application/pdf"
    assert "anonymous" in info.value.rule
    assert list(blobs.refs()) == []


@pytest.mark.parametrize(
    ("data", "field", "rule"),
    [
        (b"", "attachment.size_bytes", "must not be empty"),
        (b"\xff\xd8\xff" + b"\x00" * 2000, "attachment.size_bytes", "setting max_bytes"),
        (b"MZ\x90\x00 program", "attachment.media_type", "recognizes"),
        (b"GIF89a\x01\x00", "attachment.media_type", "setting media_types"),
        (b"\xff\xd8\xff\xe1\xff\xff", "attachment", "well-formed JPEG"),
    ],
)
def test_bad_uploads_are_typed_errors_and_store_nothing(data: bytes, field: str, rule: str) -> None:
    blobs = MemoryBlobStore()
    limits = UploadLimits(max_bytes=1000, media_types=frozenset({"image/jpeg", "image/png"}))
    with pytest.raises(InvalidInputError) as info:
        accept_upload(blobs, data, name="x", limits=limits)
    assert info.value.field == field
    assert rule in str(info.value)
    assert list(blobs.refs()) == []


def test_a_bad_file_name_is_refused_before_anything_is_stored() -> None:
    blobs = MemoryBlobStore()
    with pytest.raises(InvalidInputError) as info:
        accept_upload(blobs, b"%PDF-1.7", name="a\nb.pdf")
    assert info.value.field == "attachment.name"
    assert list(blobs.refs()) == []


def test_limits_come_from_text_settings() -> None:
    settings = {"max_bytes": "2048", "media_types": "image/png, video/mp4"}
    limits = UploadLimits.from_settings(settings)
    assert limits.max_bytes == 2048
    assert limits.media_types == {"image/png", "video/mp4"}


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"max_bytes": "0"}, "max_bytes"),
        ({"max_bytes": "lots"}, "max_bytes"),
        ({"max_bytes": str(26 * 1024 * 1024)}, "max_bytes"),
        ({"media_types": "application/x-msdownload"}, "media_types"),
        ({"media_types": " , "}, "media_types"),
        ({"max_size": "1"}, "settings"),
    ],
)
def test_bad_settings_name_their_key(settings: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        UploadLimits.from_settings(settings)
    assert info.value.field == field


def test_crc_of_kept_png_chunks_is_unchanged() -> None:
    stripped = strip_metadata(png_with_text(), "image/png")
    i = 8
    while i < len(stripped):
        length = int.from_bytes(stripped[i : i + 4], "big")
        chunk = stripped[i + 4 : i + 8 + length]
        crc = int.from_bytes(stripped[i + 8 + length : i + 12 + length], "big")
        assert zlib.crc32(chunk) == crc
        i += 12 + length


def test_the_blob_modules_examples_run() -> None:
    import doctest

    import sp4n.adapters.blobs as package
    from sp4n.adapters.blobs import _media, _upload

    for module in (package, _media, _upload):
        result = doctest.testmod(module)
        assert result.attempted > 0, module.__name__
        assert result.failed == 0, module.__name__


def test_one_bad_file_refuses_the_whole_report_and_stores_none() -> None:
    from sp4n.adapters.blobs import accept_uploads

    blobs = MemoryBlobStore()
    with pytest.raises(InvalidInputError) as info:
        accept_uploads(blobs, [("a.jpg", photo()), ("b.exe", b"MZ\x90\x00")])
    assert info.value.field == "attachments[1].media_type"
    assert list(blobs.refs()) == []
    stored = accept_uploads(blobs, [("a.jpg", photo()), ("b.pdf", b"%PDF-1.7")])
    assert [a.media_type for a in stored] == ["image/jpeg", "application/pdf"]
    assert sorted(blobs.refs()) == sorted(a.ref for a in stored)


@settings(max_examples=200, deadline=2000)
@given(
    st.sampled_from([b"\xff\xd8", b"\xff\xd8\xff\xe1", b"\x89PNG\r\n\x1a\n"]),
    st.binary(max_size=300),
)
def test_any_bytes_are_stripped_or_refused_never_a_crash(head: bytes, tail: bytes) -> None:
    data = head + tail
    media_type = "image/png" if head.startswith(b"\x89") else "image/jpeg"
    refused: InvalidInputError | None = None
    try:
        stripped = strip_metadata(data, media_type)
    except InvalidInputError as exc:
        refused = exc
    if refused is not None:
        assert refused.field == "attachment"
    else:
        assert len(stripped) <= len(data) + 64  # a minimal EXIF is at most that


@settings(max_examples=100, deadline=2000)
@given(st.binary(max_size=200), st.booleans())
def test_any_upload_is_stored_or_refused_with_a_typed_error(data: bytes, anonymous: bool) -> None:
    blobs = MemoryBlobStore()
    refused: InvalidInputError | None = None
    try:
        attachment = accept_upload(blobs, data, name="x", anonymous=anonymous)
    except InvalidInputError as exc:
        refused = exc
    if refused is not None:
        assert refused.field.startswith("attachment")
        assert list(blobs.refs()) == []
    else:
        assert list(blobs.refs()) == [attachment.ref]


def test_data_after_the_image_is_dropped() -> None:
    # phones append more images (depth maps, a motion-photo video) after the first EOI,
    # each with its own metadata
    original = photo(orientation=None) + photo()
    stripped = strip_metadata(original, "image/jpeg")
    assert stripped.endswith(b"\xff\xd9")
    assert b"Siti" not in stripped
    assert read(stripped).tobytes() == read(photo(orientation=None)).tobytes()


def test_a_progressive_jpeg_keeps_every_scan() -> None:
    image = Image.effect_noise((64, 48), 40).convert("RGB")
    exif = Image.Exif()
    exif[ARTIST] = "Siti Pelapor"
    out = io.BytesIO()
    image.save(out, "JPEG", progressive=True, exif=exif.tobytes(), quality=80)
    stripped = strip_metadata(out.getvalue(), "image/jpeg")
    assert b"Siti" not in stripped
    assert read(stripped).tobytes() == read(out.getvalue()).tobytes()


def test_only_the_icc_profile_app2_segment_is_kept() -> None:
    mpf = b"\xff\xe2" + (2 + 4 + 6).to_bytes(2, "big") + b"MPF\x00" + b"Siti!!"
    original = photo(orientation=None)
    with_mpf = original[:2] + mpf + original[2:]
    assert b"Siti!!" not in strip_metadata(with_mpf, "image/jpeg")


def test_unknown_png_chunks_are_dropped() -> None:
    original = png_with_text()
    chunk = b"caBX" + b"Siti Pelapor credential"
    extra = len(chunk[4:]).to_bytes(4, "big") + chunk + zlib.crc32(chunk).to_bytes(4, "big")
    with_extra = original[:33] + extra + original[33:]  # after IHDR
    stripped = strip_metadata(with_extra, "image/png")
    assert b"caBX" not in stripped
    assert read(stripped).getpixel((0, 0)) == (1, 2, 3)
