"""The blob-store protocol: content-addressed bytes of attachments (photos, video, documents).

A blob is addressed by its SHA-256 (``sha256:<64 hex digits>``), so storing the same bytes twice
keeps one copy, a reference can never point at other bytes, and every adapter can check what it
reads. The :class:`~sp4n.lifecycle.Attachment` in the event log carries the reference, the
media type and the size; the store keeps only bytes (decision 0190).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

import pluggy

from sp4n.errors import (
    MalformedStoreUrlError,
    StoreError,
    UnknownBlobError,
    UnknownStoreSchemeError,
)

__all__ = [
    "DEFAULT_BLOB_DIRECTORY",
    "BlobStore",
    "BlobStoreFactory",
    "blob_ref",
    "blob_scheme",
    "check_blob",
    "check_ref",
    "open_blob_store",
]

_REF = re.compile(r"^sha256:[0-9a-f]{64}$")

BlobStoreFactory = Callable[[str], "BlobStore"]
"""``factory(url)`` opens a :class:`BlobStore` for a URL of the scheme it registered."""


@runtime_checkable
class BlobStore(Protocol):
    """Where the bytes of attachments live, addressed by content.

    ``put`` is idempotent (the same bytes give the same reference and are kept once);
    ``get`` checks the bytes against the reference before returning them.
    """

    url: str

    def put(self, data: bytes) -> str:
        """Keep ``data``; return its reference ``sha256:<hex>``."""
        ...  # pragma: no cover - protocol

    def get(self, ref: str) -> bytes:
        """Return the bytes of ``ref``; :class:`~sp4n.errors.UnknownBlobError` if absent."""
        ...  # pragma: no cover - protocol

    def exists(self, ref: str) -> bool:
        """Whether the store holds ``ref``."""
        ...  # pragma: no cover - protocol

    def refs(self) -> Iterator[str]:
        """Every reference the store holds, in ascending order (for copying)."""
        ...  # pragma: no cover - protocol

    def close(self) -> None:
        """Release connections; the store is not used afterwards."""
        ...  # pragma: no cover - protocol


def blob_ref(data: bytes) -> str:
    """The content address of ``data``: ``sha256:`` and its hex digest."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def check_ref(ref: object) -> str:
    """Return ``ref`` if it is a blob reference, else raise naming the field ``ref``.

    :raises InvalidInputError: not ``sha256:`` followed by 64 lower-case hex digits.
    """
    from sp4n.errors import InvalidInputError

    if not isinstance(ref, str) or not _REF.match(ref):
        raise InvalidInputError("ref", ref, "must be sha256: and 64 lower-case hex digits")
    return ref


def check_blob(url: str, ref: str, data: bytes | None) -> bytes:
    """Return ``data`` read for ``ref`` from the store at ``url`` after checking it.

    :raises UnknownBlobError: ``data`` is ``None`` (the store does not hold ``ref``).
    :raises StoreError: the bytes do not hash to ``ref`` (the store was tampered with or
        damaged); they are not returned.
    """
    if data is None:
        raise UnknownBlobError(ref, url)
    if blob_ref(data) != ref:
        msg = f"blob = {ref!r}: the bytes in {url} do not match their SHA-256; not returned"
        raise StoreError(msg)
    return data


def _check_bytes(data: object) -> bytes:
    from sp4n.errors import InvalidInputError

    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidInputError("data", type(data).__name__, "a blob is bytes")
    return bytes(data)


def blob_scheme(url: object) -> str:
    """Return the lower-cased scheme of a blob-store URL, or raise naming ``blobs``."""
    if not isinstance(url, str) or "://" not in url:
        raise MalformedStoreUrlError(
            "blobs",
            url,
            "a blob-store URL looks like scheme://location",
            hint="e.g. file:///var/lib/sp4n/blobs, memory:// or s3://bucket/prefix",
        )
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise MalformedStoreUrlError("blobs", url, f"cannot be parsed as a URL ({exc})") from exc
    if not scheme:
        raise MalformedStoreUrlError("blobs", url, "the URL has no scheme before ://")
    return scheme


DEFAULT_BLOB_DIRECTORY = "sp4n-blobs"
"""The directory of the default blob store, in the working directory (beside ``sp4n.db``)."""


def open_blob_store(url: str | None = None, *, pm: pluggy.PluginManager | None = None) -> BlobStore:
    """Open the blob store at ``url`` through the adapter registered for its scheme.

    :param url: ``file:///absolute/dir`` (the filesystem; by default the directory
        :data:`DEFAULT_BLOB_DIRECTORY` in the working directory), ``memory://``,
        ``s3://bucket/prefix?endpoint_url=...`` or a scheme a plugin registers with
        :func:`~sp4n.adapters.hookspecs.sp4n_register_blob_stores`.
    :param pm: the plugin manager to ask; a fresh :func:`~sp4n.adapters.plugin_manager`
        when ``None``.
    :raises MalformedStoreUrlError: ``url`` is not ``scheme://...`` or not the adapter's shape.
    :raises UnknownStoreSchemeError: no adapter handles the scheme.
    :raises StoreUnavailableError: the store cannot be reached or opened.
    """
    from sp4n.adapters._manager import Adapters, plugin_manager

    if url is None:
        url = Path(DEFAULT_BLOB_DIRECTORY).absolute().as_uri()
    scheme = blob_scheme(url)
    factories = Adapters(pm if pm is not None else plugin_manager()).blob_store_factories()
    factory = factories.get(scheme)
    if factory is None:
        raise UnknownStoreSchemeError(
            "blobs",
            url,
            f"no blob-store adapter handles the scheme {scheme!r}",
            hint=f"registered schemes: {', '.join(sorted(factories)) or 'none'}",
        )
    return factory(url)
