"""Reading a ``multipart/form-data`` body (RFC 7578): text fields and uploaded files.

The body is read first, within a limit, by :func:`~sp4n.serving.read_body`; this module only
splits it, with the standard library's :mod:`email` parser, and refuses what a browser does
not send: a part without a ``form-data`` name, too many parts, text fields that are not
UTF-8, a repeated text field. A file input left empty (``filename=""``, no bytes) is no file.

References:
    - RFC 7578 sections 4.2 (Content-Disposition ``name``, ``filename``), 4.4 (a part's
      Content-Type, ``text/plain`` by default) and 5.1.2 (UTF-8 field values) [read].
"""

from __future__ import annotations

from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs

import attrs

from sp4n.errors import RequestBodyError
from sp4n.serving._body import read_body

__all__ = ["MULTIPART_PARTS_MAX", "FormData", "Upload", "parse_multipart", "read_form"]

MULTIPART_PARTS_MAX = 64
"""Most parts one form may have (fields and files together)."""


@attrs.frozen
class Upload:
    """One file of a form: the form ``field`` it came in, the ``filename`` sent, its bytes."""

    field: str
    filename: str
    data: bytes = attrs.field(repr=lambda data: f"<{len(data)} bytes>")


@attrs.frozen
class FormData:
    """A parsed form: ``fields`` (text, one value each) and ``files`` in the order sent."""

    fields: dict[str, str]
    files: tuple[Upload, ...]

    @property
    def file_pairs(self) -> list[tuple[str, bytes]]:
        """``(file name, bytes)`` of each file, as ``WebFormChannel.parse(files=...)`` takes."""
        return [(upload.filename, upload.data) for upload in self.files]


def parse_multipart(body: bytes, content_type: str) -> FormData:
    """Split a ``multipart/form-data`` ``body`` sent with header ``content_type``.

    :raises RequestBodyError: (400) the header has no boundary, the body is no multipart
        message of it, a part has no ``form-data`` name, there are more than
        :data:`MULTIPART_PARTS_MAX` parts, a text field is not UTF-8 or comes twice.
    """
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in (
        content_type.lower()
    ):
        raise RequestBodyError(
            "Content-Type", content_type[:80], "must be multipart/form-data with a boundary"
        )
    header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise RequestBodyError("body", f"{len(body)} bytes", "is not a multipart/form-data body")
    if message.defects:
        raise RequestBodyError(
            "body", type(message.defects[0]).__name__, "is not a well-formed multipart body"
        )
    parts = list(message.iter_parts())
    if not parts:
        raise RequestBodyError("body", "0 parts", "a multipart/form-data body has parts")
    if len(parts) > MULTIPART_PARTS_MAX:
        raise RequestBodyError("body", f"{len(parts)} parts", f"at most {MULTIPART_PARTS_MAX}")
    fields: dict[str, str] = {}
    files: list[Upload] = []
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if part.get_content_disposition() != "form-data" or not isinstance(name, str) or not name:
            raise RequestBodyError(
                "Content-Disposition",
                str(part.get("Content-Disposition", ""))[:80],
                'each part must be form-data with a name="..." (RFC 7578 4.2)',
            )
        raw = part.get_payload(decode=True)
        data = raw if isinstance(raw, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            if filename or data:  # filename="" and no bytes: a file input left empty
                files.append(Upload(field=name, filename=filename, data=data))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise RequestBodyError(name, f"{len(data)} bytes", "must be UTF-8 text") from None
        if name in fields:
            raise RequestBodyError(name, text[:40], "is sent twice; a form field has one value")
        fields[name] = text
    return FormData(fields=fields, files=tuple(files))


def read_form(environ: Mapping[str, Any], *, limit: int) -> FormData:
    """Read and split the form POSTed to a WSGI ``environ``, its body at most ``limit`` bytes.

    A ``multipart/form-data`` body goes through :func:`parse_multipart` (fields and files);
    any other is read as URL-encoded text (no files; a field sent twice keeps its last value,
    bytes that are not UTF-8 become U+FFFD).

    :raises RequestBodyError: what :func:`~sp4n.serving.read_body` (a 413 over ``limit``)
        and :func:`parse_multipart` refuse.
    """
    raw, content_type = read_body(environ, limit=limit), str(environ.get("CONTENT_TYPE") or "")
    if content_type.lower().startswith("multipart/"):
        return parse_multipart(raw, content_type)
    text = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    return FormData(fields={k: v[-1] for k, v in text.items()}, files=())
