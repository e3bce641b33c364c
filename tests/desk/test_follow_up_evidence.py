"""Officers add evidence (photos, documents) to a follow-up; the public never sees where."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from sp4n import Desk
from sp4n.adapters.blobs import FileBlobStore, accept_upload
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import Attachment, ComplaintDraft, Reporter, public_view, replay
from sp4n.testing import FrozenClock

PNK = ZoneInfo("Asia/Pontianak")


def after_photo() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Petugas PUPR"
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (5, 90, 5)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture(params=["memory", "sqlite"])
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Desk]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'd.db'}"
    clock = FrozenClock(datetime(2026, 8, 3, 9, 0, tzinfo=PNK))
    with Desk.open(url, clock=clock) as opened:
        yield opened


def forwarded(desk: Desk, visibility: str = "public") -> str:
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
        )
    )
    desk.verify(complaint.tracking_id)
    desk.forward(complaint.tracking_id, "61.07-pupr")
    return complaint.tracking_id


def test_a_follow_up_carries_the_officers_evidence(desk: Desk, tmp_path: Path) -> None:
    blobs = FileBlobStore(f"file://{tmp_path}/blobs")
    ref = forwarded(desk)
    evidence = [
        accept_upload(blobs, after_photo(), name="sesudah.jpg"),
        accept_upload(blobs, b"%PDF-1.7 berita acara", name="berita-acara.pdf"),
    ]
    complaint = desk.follow_up(ref, "Lubang sudah ditambal.", attachments=evidence)
    event = complaint.history[-1]
    assert event.type == "followed_up"
    assert [a["name"] for a in event.payload["attachments"]] == ["sesudah.jpg", "berita-acara.pdf"]
    stored = blobs.get(event.payload["attachments"][0]["ref"])
    assert b"Petugas" not in stored  # stripped like a citizen's photo
    assert replay(desk.store.load(complaint.complaint_id)).version == complaint.version


def test_the_public_sees_the_evidence_but_not_where_it_lives(desk: Desk) -> None:
    ref = forwarded(desk)
    evidence = Attachment(
        name="sesudah.jpg", media_type="image/jpeg", size_bytes=10, ref="sha256:" + "a" * 64
    )
    complaint = desk.follow_up(ref, "Sudah ditambal.", attachments=[evidence])
    view = public_view(complaint)
    assert view is not None
    [shown] = view["history"][-1]["payload"]["attachments"]
    assert shown == {"name": "sesudah.jpg", "media_type": "image/jpeg", "size_bytes": 10}


def test_a_follow_up_without_evidence_has_no_attachments_key(desk: Desk) -> None:
    complaint = desk.follow_up(forwarded(desk), "Dijadwalkan.")
    assert "attachments" not in complaint.history[-1].payload


def test_bad_evidence_is_refused_and_nothing_is_recorded(desk: Desk) -> None:
    ref = forwarded(desk)
    before = desk.get(ref).version
    with pytest.raises(InvalidInputError) as info:
        desk.follow_up(ref, "Sudah.", attachments=["foto.jpg"])  # type: ignore[list-item]
    assert info.value.field == "attachments"
    assert desk.get(ref).version == before
