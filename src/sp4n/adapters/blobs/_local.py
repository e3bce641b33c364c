"""The built-in blob stores: ``file:///dir`` (the default) and ``memory://`` (tests, demos).

The filesystem store keeps each blob in ``<dir>/<first two hex digits>/<64 hex digits>``,
written to a temporary file in the same directory and renamed into place, so a reader never
sees half a blob and a crash leaves at most a stray ``.tmp-`` file (never read as a blob).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sp4n.adapters.blobs._store import _check_bytes, blob_ref, check_blob, check_ref
from sp4n.errors import MalformedStoreUrlError, StoreUnavailableError

__all__ = ["FileBlobStore", "MemoryBlobStore"]


class MemoryBlobStore:
    """A :class:`~sp4n.adapters.blobs.BlobStore` in a dictionary; nothing survives ``close``."""

    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, data: bytes) -> str:
        """Keep ``data``; return its reference."""
        data = _check_bytes(data)
        ref = blob_ref(data)
        with self._lock:
            self._blobs.setdefault(ref, data)
        return ref

    def get(self, ref: str) -> bytes:
        """Return the bytes of ``ref``."""
        ref = check_ref(ref)
        with self._lock:
            data = self._blobs.get(ref)
        return check_blob(self.url, ref, data)

    def exists(self, ref: str) -> bool:
        """Whether ``ref`` is kept here."""
        ref = check_ref(ref)
        with self._lock:
            return ref in self._blobs

    def refs(self) -> Iterator[str]:
        """Every reference, ascending."""
        with self._lock:
            found = sorted(self._blobs)
        yield from found

    def close(self) -> None:
        """Forget every blob."""
        with self._lock:
            self._blobs.clear()


def _directory(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        raise MalformedStoreUrlError(
            "blobs",
            url,
            "a filesystem blob store is file:///absolute/directory",
            hint="e.g. file:///var/lib/sp4n/blobs",
        )
    return Path(unquote(parts.path))


class FileBlobStore:
    """Blobs as files under one directory (created if missing, its parent must exist)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.directory = _directory(url)
        if not self.directory.parent.is_dir():
            raise StoreUnavailableError(
                url, f"the parent directory {self.directory.parent} does not exist"
            )
        try:
            self.directory.mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreUnavailableError(url, f"cannot create the directory: {exc}") from None
        if not os.access(self.directory, os.W_OK | os.X_OK):
            raise StoreUnavailableError(url, "the directory is not writable")

    def _path(self, ref: str) -> Path:
        digest = check_ref(ref).removeprefix("sha256:")
        return self.directory / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Keep ``data`` (written to a temporary file, then renamed); return its reference."""
        data = _check_bytes(data)
        ref = blob_ref(data)
        path = self._path(ref)
        if path.exists():
            return ref
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise StoreUnavailableError(self.url, f"cannot write {ref}: {exc}") from None
        return ref

    def get(self, ref: str) -> bytes:
        """Return the bytes of ``ref``, checked against it."""
        path = self._path(ref)
        try:
            data: bytes | None = path.read_bytes()
        except FileNotFoundError:
            data = None
        return check_blob(self.url, ref, data)

    def exists(self, ref: str) -> bool:
        """Whether ``ref`` is kept here."""
        return self._path(ref).is_file()

    def refs(self) -> Iterator[str]:
        """Every reference, ascending (temporary files are not blobs)."""
        for bucket in sorted(p for p in self.directory.iterdir() if len(p.name) == 2):
            for path in sorted(bucket.iterdir()):
                if not path.name.startswith(".") and path.name.startswith(bucket.name):
                    yield "sha256:" + path.name

    def close(self) -> None:
        """Nothing to release."""
