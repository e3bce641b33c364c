"""Attachment bytes: the blob-store protocol, its built-in adapters and the upload checks.

>>> from sp4n.adapters.blobs import open_blob_store
>>> blobs = open_blob_store("memory://")
>>> ref = blobs.put(b"%PDF-1.7 surat")
>>> ref[:17], blobs.get(ref)
('sha256:a3f77adf42', b'%PDF-1.7 surat')
"""

from sp4n.adapters.blobs._local import FileBlobStore, MemoryBlobStore
from sp4n.adapters.blobs._s3 import S3BlobStore
from sp4n.adapters.blobs._store import (
    BlobStore,
    BlobStoreFactory,
    blob_ref,
    blob_scheme,
    check_blob,
    check_ref,
    open_blob_store,
)

__all__ = [
    "BlobStore",
    "BlobStoreFactory",
    "FileBlobStore",
    "MemoryBlobStore",
    "S3BlobStore",
    "blob_ref",
    "blob_scheme",
    "check_blob",
    "check_ref",
    "open_blob_store",
]
