"""Attachment bytes: the blob-store protocol, its built-in adapters and the upload checks.

>>> from sp4n.adapters.blobs import open_blob_store
>>> blobs = open_blob_store("memory://")
>>> ref = blobs.put(b"%PDF-1.7 surat")
>>> ref[:17], blobs.get(ref)
('sha256:a3f77adf42', b'%PDF-1.7 surat')
"""

from sp4n.adapters.blobs._copy import copy_blobs
from sp4n.adapters.blobs._fetch import FETCH_REDIRECTS_MAX, fetch_media
from sp4n.adapters.blobs._local import FileBlobStore, MemoryBlobStore
from sp4n.adapters.blobs._media import STRIPPABLE_MEDIA_TYPES, sniff_media_type, strip_metadata
from sp4n.adapters.blobs._public import public_file, public_files
from sp4n.adapters.blobs._s3 import S3BlobStore
from sp4n.adapters.blobs._store import (
    DEFAULT_BLOB_DIRECTORY,
    BlobStore,
    BlobStoreFactory,
    blob_ref,
    blob_scheme,
    check_blob,
    check_ref,
    open_blob_store,
)
from sp4n.adapters.blobs._upload import (
    DEFAULT_MEDIA_TYPES,
    UploadLimits,
    accept_upload,
    accept_uploads,
)

__all__ = [
    "DEFAULT_BLOB_DIRECTORY",
    "DEFAULT_MEDIA_TYPES",
    "FETCH_REDIRECTS_MAX",
    "STRIPPABLE_MEDIA_TYPES",
    "BlobStore",
    "BlobStoreFactory",
    "FileBlobStore",
    "MemoryBlobStore",
    "S3BlobStore",
    "UploadLimits",
    "accept_upload",
    "accept_uploads",
    "blob_ref",
    "blob_scheme",
    "check_blob",
    "check_ref",
    "copy_blobs",
    "fetch_media",
    "open_blob_store",
    "public_file",
    "public_files",
    "sniff_media_type",
    "strip_metadata",
]
