"""Blob stores: the conformance kit on memory, filesystem and a real S3 server (moto)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sp4n.adapters.blobs import (
    BlobStore,
    FileBlobStore,
    MemoryBlobStore,
    S3BlobStore,
    blob_ref,
    open_blob_store,
)
from sp4n.errors import (
    MalformedStoreUrlError,
    StoreError,
    StoreUnavailableError,
    UnknownStoreSchemeError,
)
from sp4n.testing import BlobStoreContract, TemporaryS3


class TestMemoryBlobStore(BlobStoreContract):
    @pytest.fixture
    def blobs(self) -> Iterator[BlobStore]:
        store = open_blob_store("memory://")
        yield store
        store.close()


class TestFileBlobStore(BlobStoreContract):
    @pytest.fixture
    def blobs(self, tmp_path: Path) -> Iterator[BlobStore]:
        store = open_blob_store(f"file://{tmp_path}/blobs")
        yield store
        store.close()


class TestS3BlobStore(BlobStoreContract):
    @pytest.fixture
    def blobs(self, s3_url: str) -> Iterator[BlobStore]:
        store = open_blob_store(s3_url)
        yield store
        store.close()


def test_builtin_schemes_open_their_adapters(tmp_path: Path, s3_url: str) -> None:
    assert isinstance(open_blob_store("memory://"), MemoryBlobStore)
    assert isinstance(open_blob_store(f"file://{tmp_path}/b"), FileBlobStore)
    assert isinstance(open_blob_store(s3_url), S3BlobStore)


@pytest.mark.parametrize("url", ["", "blobs", "/var/lib/sp4n", 7])
def test_a_url_without_a_scheme_is_malformed_naming_blobs(url: object) -> None:
    with pytest.raises(MalformedStoreUrlError) as info:
        open_blob_store(url)  # type: ignore[arg-type]
    assert info.value.field == "blobs"


def test_an_unknown_scheme_lists_the_registered_ones() -> None:
    with pytest.raises(UnknownStoreSchemeError, match="file, memory, s3"):
        open_blob_store("ftp://files.example/blobs")


@pytest.mark.parametrize("url", ["file://relative/dir", "file://host.example/srv/blobs"])
def test_a_file_url_must_be_an_absolute_local_directory(url: str) -> None:
    with pytest.raises(MalformedStoreUrlError, match="file:///absolute/directory"):
        open_blob_store(url)


def test_a_file_store_whose_parent_is_missing_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailableError, match="does not exist"):
        open_blob_store(f"file://{tmp_path}/no/such/parent")
    assert not (tmp_path / "no").exists()


def test_a_file_blob_is_written_whole_under_its_digest(tmp_path: Path) -> None:
    store = FileBlobStore(f"file://{tmp_path}/b")
    ref = store.put(b"foto")
    digest = ref.removeprefix("sha256:")
    assert (tmp_path / "b" / digest[:2] / digest).read_bytes() == b"foto"
    assert [p.name for p in (tmp_path / "b" / digest[:2]).iterdir()] == [digest]


def test_a_damaged_file_blob_is_refused_not_returned(tmp_path: Path) -> None:
    store = FileBlobStore(f"file://{tmp_path}/b")
    ref = store.put(b"foto asli")
    digest = ref.removeprefix("sha256:")
    (tmp_path / "b" / digest[:2] / digest).write_bytes(b"foto palsu")
    with pytest.raises(StoreError, match="do not match their SHA-256"):
        store.get(ref)


def test_stray_temporary_files_are_not_listed_as_blobs(tmp_path: Path) -> None:
    store = FileBlobStore(f"file://{tmp_path}/b")
    ref = store.put(b"foto")
    digest = ref.removeprefix("sha256:")
    (tmp_path / "b" / digest[:2] / ".tmp-crashed").write_bytes(b"half")
    assert list(store.refs()) == [ref]


def test_s3_blobs_are_objects_under_the_prefix(s3_server: TemporaryS3) -> None:
    bucket = s3_server.create_bucket()
    store = open_blob_store(s3_server.url(bucket, "bukti/2026"))
    ref = store.put(b"video")
    client = s3_server.client()
    try:
        keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
    finally:
        client.close()
    assert keys == ["bukti/2026/" + ref.removeprefix("sha256:")]
    other = open_blob_store(s3_server.url(bucket, "lain"))
    assert list(other.refs()) == []
    store.close()
    other.close()


def test_s3_store_hides_the_secret_in_its_url(s3_url: str) -> None:
    store = open_blob_store(s3_url)
    assert "sp4n-test:***@" in store.url
    store.close()


def test_s3_missing_bucket_is_unavailable(s3_server: TemporaryS3) -> None:
    with pytest.raises(StoreUnavailableError, match="head_bucket failed"):
        open_blob_store(s3_server.url("no-such-bucket"))


def test_s3_unreachable_endpoint_is_unavailable() -> None:
    url = "s3://k:s@bucket?endpoint_url=http://127.0.0.1:9&connect_timeout=1"
    with pytest.raises(StoreUnavailableError) as info:
        open_blob_store(url)
    assert "k:***@" in str(info.value)
    assert ":s@" not in str(info.value)


@pytest.mark.parametrize(
    ("query", "rule"),
    [("colour=blue", "unknown options"), ("connect_timeout=-1", "connect_timeout")],
)
def test_s3_bad_options_are_malformed(query: str, rule: str) -> None:
    with pytest.raises(MalformedStoreUrlError, match=rule):
        open_blob_store(f"s3://bucket?{query}")


def test_blob_ref_is_the_sha256_of_the_bytes() -> None:
    assert blob_ref(b"") == (
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_the_default_is_a_directory_beside_the_default_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sp4n.adapters.blobs import DEFAULT_BLOB_DIRECTORY

    monkeypatch.chdir(tmp_path)
    store = open_blob_store()
    assert isinstance(store, FileBlobStore)
    assert store.directory == tmp_path / DEFAULT_BLOB_DIRECTORY
    assert store.url == (tmp_path / "sp4n-blobs").as_uri()


def test_the_s3_server_ends_when_its_parent_dies(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from sp4n.testing._s3 import moto_server_available

    if not moto_server_available():
        pytest.skip("moto[server] not installed")
    script = (
        "import sys\n"
        "from sp4n.testing import TemporaryS3\n"
        "server = TemporaryS3().start()\n"
        "print(server._process.pid, flush=True)\n"
        "import os; os._exit(0)\n"  # dies without stop()
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    pid = int(result.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, 9)
    pytest.fail("the moto server outlived the process that started it")
