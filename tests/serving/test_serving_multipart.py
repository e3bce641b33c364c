"""Splitting multipart/form-data bodies: fields, binary-exact files, typed refusals."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sp4n.errors import RequestBodyError
from sp4n.serving import MULTIPART_PARTS_MAX, FormData, parse_multipart, read_form

CT = "multipart/form-data; boundary=XyZ"


def part(name: str, value: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return f"--XyZ\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--XyZ--\r\n"


def test_fields_and_files_in_order() -> None:
    form = parse_multipart(
        body(
            part("title", "Jalan rusak é".encode()),
            part("media", b"\xff\xd8\xff", "a.jpg"),
            part("media", b"%PDF", "b.pdf"),
        ),
        CT,
    )
    assert form.fields == {"title": "Jalan rusak é"}
    assert [(f.field, f.filename, f.data) for f in form.files] == [
        ("media", "a.jpg", b"\xff\xd8\xff"),
        ("media", "b.pdf", b"%PDF"),
    ]


@settings(max_examples=50, deadline=2000)
@given(st.binary(max_size=4000))
def test_file_bytes_come_back_exactly(data: bytes) -> None:
    if b"--XyZ" in data:
        return
    (upload,) = parse_multipart(body(part("media", data, "f.bin")), CT).files
    assert upload.data == data


@pytest.mark.parametrize(
    ("raw", "content_type", "field"),
    [
        (body(part("t", b"x")), "multipart/form-data", "Content-Type"),
        (body(part("t", b"x")), "application/json; boundary=XyZ", "Content-Type"),
        (body(part("t", b"\xff\xfe")), CT, "t"),
        (body(part("t", b"a"), part("t", b"b")), CT, "t"),
        (
            b"--XyZ\r\nContent-Disposition: attachment\r\n\r\nx\r\n--XyZ--\r\n",
            CT,
            "Content-Disposition",
        ),
        (body(*[part(f"f{i}", b"x") for i in range(MULTIPART_PARTS_MAX + 1)]), CT, "body"),
        (b"no parts at all", CT, "body"),
    ],
)
def test_bad_bodies_are_400s_naming_the_field(raw: bytes, content_type: str, field: str) -> None:
    with pytest.raises(RequestBodyError) as info:
        parse_multipart(raw, content_type)
    assert info.value.field == field
    assert info.value.status == 400


def test_a_file_input_left_empty_is_no_file() -> None:
    # what a browser sends for <input type=file> when nothing was chosen (HTML 4.10.21.8)
    empty = (
        b'--XyZ\r\nContent-Disposition: form-data; name="media"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    form = parse_multipart(body(part("title", b"Jalan"), empty), CT)
    assert form.fields == {"title": "Jalan"}
    assert form.files == ()


def _environ(data: bytes, content_type: str) -> dict[str, object]:
    return {
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
    }


def test_read_form_takes_multipart_with_its_files() -> None:
    raw = body(part("title", b"Jalan rusak"), part("lampiran", b"%PDF-1.7", "surat.pdf"))
    form = read_form(_environ(raw, CT), limit=1024)
    assert form.fields == {"title": "Jalan rusak"}
    assert [(f.field, f.filename, f.data) for f in form.files] == [
        ("lampiran", "surat.pdf", b"%PDF-1.7")
    ]


def test_read_form_takes_a_url_encoded_form_without_files() -> None:
    raw = b"title=Jalan+rusak&body=Sejak+Mei%2C+%C3%A9&title=Jembatan"
    form = read_form(_environ(raw, "application/x-www-form-urlencoded"), limit=1024)
    assert form == FormData(fields={"title": "Jembatan", "body": "Sejak Mei, é"}, files=())


def test_read_form_refuses_a_body_over_the_limit_with_413() -> None:
    raw = body(part("lampiran", b"\xff" * 2000, "foto.jpg"))
    with pytest.raises(RequestBodyError) as refused:
        read_form(_environ(raw, CT), limit=1024)
    assert refused.value.status == 413


def test_file_pairs_are_name_and_bytes_as_the_channels_take_them() -> None:
    form = parse_multipart(
        body(part("title", b"x"), part("lampiran", b"%PDF", "b.pdf"), part("f", b"\xff", "a.jpg")),
        CT,
    )
    assert form.file_pairs == [("b.pdf", b"%PDF"), ("a.jpg", b"\xff")]
