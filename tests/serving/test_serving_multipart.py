"""Splitting multipart/form-data bodies: fields, binary-exact files, typed refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sp4n.errors import RequestBodyError
from sp4n.serving import MULTIPART_PARTS_MAX, parse_multipart

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
