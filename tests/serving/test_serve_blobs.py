"""``sp4n serve --blobs URL``: uploads through the real waitress server into a blob store."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from sp4n import Desk
from sp4n.adapters.blobs import FileBlobStore
from sp4n.errors import InvalidInputError
from sp4n.serving import application

KEY = "kunci-portal"
FIELDS = {
    "api_key": KEY,
    "service_code": "road",
    "lat": "0.8456",
    "long": "109.4777",
    "description": "Jalan kabupaten di Sebalo berlubang besar.",
    "attribute[road_status]": "kabupaten",
}


def photo(size: int = 16) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Siti Pelapor"
    noise = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    noise.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def multipart(data: bytes) -> bytes:
    out = bytearray()
    for name, value in FIELDS.items():
        out += f'--B\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    out += b'--B\r\nContent-Disposition: form-data; name="media"; filename="a.jpg"\r\n\r\n'
    return bytes(out + data + b"\r\n--B--\r\n")


def test_serve_with_blobs_takes_a_photo_larger_than_max_body(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.db'}"
    command = [sys.executable, "-m", "sp4n", "serve", "--db", db, "--port", "0", "--region",
               "61.07", "--api-key", KEY, "--blobs", f"file://{tmp_path}/blobs",
               "--max-body", "4096", "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match is not None, (line, process.stderr.read() if process.stderr else "")
        big = photo(200)  # well over --max-body
        assert len(big) > 4096
        request = urllib.request.Request(
            f"{match.group()}/open311/v2/requests.json", data=multipart(big)
        )
        request.add_header("Content-Type", "multipart/form-data; boundary=B")
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 201
            tracking = json.loads(answer.read())[0]["service_request_id"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    with Desk.open(db) as desk:
        [attachment] = desk.get(tracking).attachments
    stored = FileBlobStore(f"file://{tmp_path}/blobs").get(attachment.ref or "")
    assert b"Siti" not in stored


@pytest.mark.parametrize(
    ("option", "field"),
    [
        (["--blobs", "ftp://x/y"], "blobs"),
        (["--max-upload", "0"], "max-upload"),
        (["--public-url", "lapor.example.id"], "public_url"),
        (["--upload-max-bytes", "0"], "max_bytes"),
        (["--upload-types", "application/x-msdownload"], "media_types"),
    ],
)
def test_serve_bad_blob_options_exit_2_with_one_line(option: list[str], field: str) -> None:
    command = [sys.executable, "-m", "sp4n", "serve", "--db", "memory://", "--port", "0"]
    result = subprocess.run(
        [*command, *option], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert field in result.stderr


def test_application_reads_sp4n_blobs(tmp_path: Path) -> None:
    app = application({"SP4N_DB": "memory://", "SP4N_BLOBS": f"file://{tmp_path}/b"})
    assert callable(app)
    assert (tmp_path / "b").is_dir()
    with pytest.raises(InvalidInputError) as info:
        application({"SP4N_DB": "memory://", "SP4N_PUBLIC_URL": "ftp://lapor.example.id"})
    assert info.value.field == "public_url"
    with pytest.raises(InvalidInputError) as info:
        application({"SP4N_DB": "memory://", "SP4N_UPLOAD_TYPES": "text/html"})
    assert info.value.field == "media_types"
