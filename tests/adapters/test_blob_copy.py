"""Copying attachment blobs with the complaints: copy_blobs, copy_store(blobs=), sp4n migrate."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sp4n import Desk
from sp4n.adapters import copy_store, open_store
from sp4n.adapters.blobs import (
    BlobStore,
    FileBlobStore,
    MemoryBlobStore,
    accept_upload,
    copy_blobs,
    open_blob_store,
)
from sp4n.cli import main
from sp4n.errors import InvalidInputError, StoreError, StoreNotEmptyError
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Jakarta")


def _fill(db: str, blobs: BlobStore, count: int = 3) -> list[str]:
    """``count`` complaints, each with one PDF attachment stored in ``blobs``."""
    refs = []
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    with Desk.open(db, clock=clock) as desk:
        for i in range(count):
            attachment = accept_upload(blobs, f"%PDF-1.7 bukti {i}".encode(), name=f"b{i}.pdf")
            refs.append(attachment.ref or "")
            desk.submit(
                ComplaintDraft(
                    kind="pengaduan",
                    title=f"Jalan rusak {i}",
                    body="Berlubang.",
                    region="61.07",
                    topic="road",
                    channel="web",
                    reporter=Reporter(id=f"warga-{i}"),
                    attachments=[attachment],
                )
            )
    return refs


def test_copy_blobs_copies_what_the_target_lacks_and_can_run_again(tmp_path: Path) -> None:
    source, target = FileBlobStore(f"file://{tmp_path}/a"), MemoryBlobStore()
    refs = {source.put(f"foto {i}".encode()) for i in range(5)}
    target.put(b"foto 0")
    assert copy_blobs(source, target) == 4
    assert set(target.refs()) == refs
    assert copy_blobs(source, target) == 0


def test_a_damaged_source_blob_stops_the_copy(tmp_path: Path) -> None:
    source = FileBlobStore(f"file://{tmp_path}/a")
    ref = source.put(b"foto asli")
    digest = ref.removeprefix("sha256:")
    (tmp_path / "a" / digest[:2] / digest).write_bytes(b"foto palsu")
    target = MemoryBlobStore()
    with pytest.raises(StoreError, match="do not match"):
        copy_blobs(source, target)
    assert list(target.refs()) == []


def test_copying_a_blob_store_onto_itself_is_refused() -> None:
    blobs = MemoryBlobStore()
    with pytest.raises(InvalidInputError) as info:
        copy_blobs(blobs, blobs)
    assert info.value.field == "blobs_to"


def test_copy_store_carries_the_attachments_to_s3(tmp_path: Path, s3_url: str) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    files = FileBlobStore(f"file://{tmp_path}/files")
    refs = _fill(db, files)
    s3 = open_blob_store(s3_url)
    source, target = open_store(db), open_store("memory://")
    try:
        report = copy_store(source, target, blobs=(files, s3))
        assert (report.complaints, report.blobs, report.verified) == (3, 3, True)
        for row in target.query():
            (event, *_) = target.load(row.complaint_id)
            [attachment] = event.payload["attachments"]
            assert attachment["ref"] in refs
            assert s3.get(attachment["ref"]).startswith(b"%PDF-1.7 bukti")
    finally:
        source.close()
        target.close()
        s3.close()


def test_copy_store_copies_blobs_before_complaints_and_refuses_a_full_target(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    files = FileBlobStore(f"file://{tmp_path}/files")
    _fill(db, files)
    source, full = open_store(db), open_store(db)  # a target that holds complaints
    try:
        copied = MemoryBlobStore()
        with pytest.raises(StoreNotEmptyError):
            copy_store(source, full, blobs=(files, copied))
        assert list(copied.refs()) == []  # the emptiness check came first
    finally:
        source.close()
        full.close()


def test_cli_migrate_copies_blobs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    files = FileBlobStore(f"file://{tmp_path}/files")
    refs = _fill(db, files)
    args = ["migrate", "--from", db, "--to", f"sqlite:///{tmp_path / 'b.db'}", "--quiet"]
    blobs = ["--blobs-from", f"file://{tmp_path}/files", "--blobs-to", f"file://{tmp_path}/b"]
    assert main([*args, *blobs, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["blobs"] == 3
    assert sorted(FileBlobStore(f"file://{tmp_path}/b").refs()) == sorted(refs)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--blobs-from", "memory://"], "blobs-from = 'memory://': needs the other one too"),
        (["--blobs-to", "memory://"], "blobs-to = 'memory://': needs the other one too"),
        (["--blobs-from", "file:///x", "--blobs-to", "file:///x"], "must differ"),
    ],
)
def test_cli_migrate_blob_options_come_in_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    args = ["migrate", "--from", "memory://", "--to", f"sqlite:///{tmp_path / 'b.db'}"]
    assert main([*args, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
