"""The built-in blob-store adapters, registered through the same hook as a plugin's."""

from __future__ import annotations

from sp4n.adapters._spec import hookimpl
from sp4n.adapters.blobs._local import FileBlobStore, MemoryBlobStore
from sp4n.adapters.blobs._s3 import S3BlobStore
from sp4n.adapters.hookspecs import RegisterBlobStore

__all__ = ["sp4n_register_blob_stores"]


@hookimpl
def sp4n_register_blob_stores(register: RegisterBlobStore) -> None:
    """Register ``memory://``, ``file:///dir`` and ``s3://bucket/prefix``."""
    register("memory", MemoryBlobStore)
    register("file", FileBlobStore)
    register("s3", S3BlobStore)
