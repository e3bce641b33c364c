"""What an uploaded file is (by its magic bytes) and how its metadata is stripped.

The media type a client declares is never trusted: :func:`sniff_media_type` reads the first
bytes. :func:`strip_metadata` rewrites JPEG and PNG files without what identifies or locates
the person who took them (decision 0192):

- JPEG: the EXIF segment (APP1 ``Exif``) is replaced by a minimal one that keeps only the
  Orientation tag (so the photo still displays upright) unless the reporter shares the
  location, in which case it is kept whole; XMP, IPTC (APP13), MPF, the other application
  segments and comments are always dropped, and so is everything after the first image's
  end (phones append depth maps and motion-photo videos there). JFIF, ICC colour profiles
  (APP2 ``ICC_PROFILE``) and the Adobe segment (APP14, needed to decode CMYK) are kept. The
  image data, every scan of a progressive JPEG included, is copied byte for byte: nothing is
  re-encoded.
- PNG: critical chunks and the ancillary ones that describe the picture (colour,
  transparency, animation) are copied with their CRCs; every other ancillary chunk is
  dropped (text, ``tIME``, C2PA ``caBX``, a vendor's), ``eXIf`` unless the location is shared,
  and anything after ``IEND``.
"""

from __future__ import annotations

import struct

from sp4n.errors import InvalidInputError

__all__ = ["STRIPPABLE_MEDIA_TYPES", "sniff_media_type", "strip_metadata"]

STRIPPABLE_MEDIA_TYPES = frozenset({"image/jpeg", "image/png"})
"""Types whose metadata :func:`strip_metadata` removes; other types are stored as sent."""

_FTYP_BRANDS = {
    b"qt  ": "video/quicktime",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
    b"3gp6": "video/3gpp",
    b"3gg6": "video/3gpp",
    b"3g2a": "video/3gpp2",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heic",
    b"msf1": "image/heic",
    b"M4A ": "audio/mp4",
}


def sniff_media_type(data: bytes) -> str | None:
    """The media type ``data`` starts like, or ``None`` for none sp4n knows.

    >>> sniff_media_type(b"\\xff\\xd8\\xff\\xe0\\x00\\x10JFIF"), sniff_media_type(b"%PDF-1.7")
    ('image/jpeg', 'application/pdf')
    """
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "video/mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return None


def strip_metadata(data: bytes, media_type: str, *, keep_location: bool = False) -> bytes:
    """``data`` without identifying metadata (see the module text); other types unchanged.

    :param keep_location: the reporter shares where the photo was taken: keep EXIF whole.
    :raises InvalidInputError: the file is not a well-formed JPEG or PNG (field
        ``attachment``); nothing is stored.
    """
    if media_type == "image/jpeg":
        return _strip_jpeg(data, keep_location=keep_location)
    if media_type == "image/png":
        return _strip_png(data, keep_location=keep_location)
    return data


def _malformed(kind: str, where: int) -> InvalidInputError:
    return InvalidInputError("attachment", f"byte {where}", f"is not a well-formed {kind} file")


_SOS, _EOI, _APP1, _APP2 = 0xDA, 0xD9, 0xE1, 0xE2
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM, RST0-7: no length
_ORIENTATION = 0x0112


def _keeps(marker: int, segment: bytes) -> bool:
    """Whether a JPEG segment other than EXIF is copied: not an APPn or COM, or a colour one
    (JFIF APP0, the ICC profile in APP2, Adobe APP14)."""
    if marker == 0xE0 or marker == 0xEE:
        return True
    if marker == _APP2:
        return segment[4:16] == b"ICC_PROFILE\x00"  # not MPF, FlashPix
    return not (0xE0 <= marker <= 0xEF or marker == 0xFE)  # APP0-APP15, COM


def _scan_end(data: bytes, i: int) -> int:
    """Where the entropy-coded data starting at ``i`` ends: the next marker that is neither a
    stuffed 0xFF00, a fill byte nor a restart marker."""
    while True:
        j = data.find(b"\xff", i)
        if j < 0 or j + 1 >= len(data):
            raise _malformed("JPEG", len(data))
        follower = data[j + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7 or follower == 0xFF:
            i = j + 1 if follower == 0xFF else j + 2
            continue
        return j


def _strip_jpeg(data: bytes, *, keep_location: bool) -> bytes:
    """Copy the segments to keep and every scan; stop at the first image's EOI (phones append
    depth maps and motion-photo videos after it, with metadata of their own)."""
    out = bytearray(b"\xff\xd8")
    i = 2
    while True:
        if i + 2 > len(data) or data[i] != 0xFF:
            raise _malformed("JPEG", i)
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker in _STANDALONE:
            out += data[i : i + 2]
            i += 2
            continue
        if marker == _EOI:
            out += data[i : i + 2]
            return bytes(out)
        if i + 4 > len(data):
            raise _malformed("JPEG", i)
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        end = i + 2 + length
        if length < 2 or end > len(data):
            raise _malformed("JPEG", i)
        segment = data[i:end]
        if marker == _SOS:  # the header, then entropy-coded data up to the next marker
            scan = _scan_end(data, end)
            out += data[i:scan]
            i = scan
            continue
        if marker == _APP1 and segment[4:10] == b"Exif\x00\x00":
            out += segment if keep_location else _minimal_exif(segment[10:])
        elif _keeps(marker, segment):
            out += segment
        i = end


def _minimal_exif(tiff: bytes) -> bytes:
    """An APP1 EXIF segment with only the Orientation of ``tiff`` (empty when it has none)."""
    orientation = _orientation(tiff)
    if orientation is None:
        return b""
    body = b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8)
    body += struct.pack(">H", 1) + struct.pack(">HHIHH", _ORIENTATION, 3, 1, orientation, 0)
    body += struct.pack(">I", 0)  # no next IFD
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def _orientation(tiff: bytes) -> int | None:
    if tiff[:4] not in (b"II*\x00", b"MM\x00*") or len(tiff) < 8:
        return None
    order = "<" if tiff[:2] == b"II" else ">"
    (ifd,) = struct.unpack(order + "I", tiff[4:8])
    if ifd + 2 > len(tiff):
        return None
    (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
    for n in range(count):
        entry = tiff[ifd + 2 + 12 * n : ifd + 14 + 12 * n]
        if len(entry) < 12:
            return None
        tag, kind, _, value = struct.unpack(order + "HHIH", entry[:10])
        if tag == _ORIENTATION and kind == 3 and 1 <= value <= 8:
            return int(value)
    return None


_KEEP_ANCILLARY = frozenset(
    {b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs", b"hIST", b"sPLT",
     b"cICP", b"mDCv", b"cLLi", b"acTL", b"fcTL", b"fdAT"}
)  # fmt: skip
"""Ancillary PNG chunks that describe the picture (colour, transparency, animation): kept.
Every other ancillary chunk (text, time, EXIF, C2PA credentials, a vendor's) is dropped."""


def _strip_png(data: bytes, *, keep_location: bool) -> bytes:
    out = bytearray(data[:8])
    i = 8
    while i < len(data):
        if i + 12 > len(data):
            raise _malformed("PNG", i)
        (length,) = struct.unpack(">I", data[i : i + 4])
        kind = data[i + 4 : i + 8]
        end = i + 12 + length
        if end > len(data):
            raise _malformed("PNG", i)
        critical = kind[:1].isupper()  # bit 5 of the first byte: ancillary when lower case
        if critical or kind in _KEEP_ANCILLARY or (kind == b"eXIf" and keep_location):
            out += data[i:end]
        i = end
        if kind == b"IEND":
            return bytes(out)
    raise _malformed("PNG", i)
