"""The blob-store conformance suite: a test-class mixin every blob-store adapter must pass.

::

    import pytest
    from sp4n.testing import BlobStoreContract

    class TestMyBlobs(BlobStoreContract):
        @pytest.fixture
        def blobs(self, tmp_path):
            store = MyBlobStore(f"mine://{tmp_path}")
            yield store
            store.close()

Each test starts from an empty store and checks one promise of
:class:`sp4n.adapters.blobs.BlobStore`: content addressing, idempotent puts, checked reads,
typed errors for bad references, and a listing in ascending order for copying.
"""

from __future__ import annotations

import hashlib

import pytest

from sp4n.adapters.blobs import BlobStore, blob_ref
from sp4n.errors import InvalidInputError, UnknownBlobError

__all__ = ["BlobStoreContract"]

_PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64 + b"\xff\xd9"


class BlobStoreContract:
    """Conformance tests for a :class:`sp4n.adapters.blobs.BlobStore`; override ``blobs``."""

    @pytest.fixture
    def blobs(self) -> BlobStore:
        """The blob store under test, empty; a subclass must override this fixture."""
        raise NotImplementedError("override the `blobs` fixture in your BlobStoreContract subclass")

    def test_satisfies_the_blob_store_protocol(self, blobs: BlobStore) -> None:
        assert isinstance(blobs, BlobStore)
        assert isinstance(blobs.url, str)
        assert list(blobs.refs()) == []

    def test_put_returns_the_sha256_and_get_round_trips(self, blobs: BlobStore) -> None:
        ref = blobs.put(_PHOTO)
        assert ref == "sha256:" + hashlib.sha256(_PHOTO).hexdigest()
        assert blobs.get(ref) == _PHOTO
        assert blobs.exists(ref)

    def test_empty_and_binary_blobs_round_trip(self, blobs: BlobStore) -> None:
        for data in (b"", b"\x00" * 3, bytes(range(256))):
            assert blobs.get(blobs.put(data)) == data

    def test_same_bytes_are_kept_once(self, blobs: BlobStore) -> None:
        first = blobs.put(b"foto jalan")
        second = blobs.put(bytes(bytearray(b"foto jalan")))
        assert first == second
        assert list(blobs.refs()) == [first]

    def test_refs_are_every_blob_in_ascending_order(self, blobs: BlobStore) -> None:
        refs = {blobs.put(f"lampiran {i}".encode()) for i in range(12)}
        assert list(blobs.refs()) == sorted(refs)

    def test_unknown_ref_is_a_typed_not_found(self, blobs: BlobStore) -> None:
        missing = blob_ref(b"never stored")
        assert not blobs.exists(missing)
        with pytest.raises(UnknownBlobError) as info:
            blobs.get(missing)
        assert info.value.field == "ref"
        assert info.value.value == missing

    @pytest.mark.parametrize(
        "ref", ["", "sha256:abc", "md5:" + "0" * 32, "sha256:" + "G" * 64, "../../etc/passwd", 7]
    )
    def test_malformed_ref_is_rejected_naming_the_field(
        self, blobs: BlobStore, ref: object
    ) -> None:
        with pytest.raises(InvalidInputError) as info:
            blobs.get(ref)  # type: ignore[arg-type]
        assert info.value.field == "ref"
        with pytest.raises(InvalidInputError):
            blobs.exists(ref)  # type: ignore[arg-type]

    def test_put_refuses_what_is_not_bytes(self, blobs: BlobStore) -> None:
        with pytest.raises(InvalidInputError) as info:
            blobs.put("teks, bukan bytes")  # type: ignore[arg-type]
        assert info.value.field == "data"
        assert list(blobs.refs()) == []
