"""Copying every blob from one blob store into another (``sp4n migrate --blobs-from``)."""

from __future__ import annotations

from collections.abc import Callable

from sp4n.adapters.blobs._store import BlobStore
from sp4n.errors import InvalidInputError, StoreError

__all__ = ["copy_blobs"]


def copy_blobs(
    source: BlobStore, target: BlobStore, *, progress: Callable[[int], None] | None = None
) -> int:
    """Copy every blob of ``source`` that ``target`` lacks; return how many were copied.

    Blobs are content-addressed, so a copy is idempotent and can be run again after an
    interruption: what is there already is skipped. Each blob is read through ``get``, which
    refuses bytes that no longer match their reference, and the target must answer the same
    reference for what it stored.

    :param progress: called with the number copied so far after each blob.
    :raises InvalidInputError: ``source`` and ``target`` are the same store (field
        ``blobs_to``).
    :raises StoreError: a damaged blob in ``source``, or a target that stored other bytes.
    """
    if source is target or source.url == target.url:
        raise InvalidInputError(
            "blobs_to", target.url, "must be another blob store than the source"
        )
    copied = 0
    for ref in source.refs():
        if target.exists(ref):
            continue
        if target.put(source.get(ref)) != ref:
            msg = f"blob = {ref!r}: {target.url} stored it under another reference"
            raise StoreError(msg)
        copied += 1
        if progress is not None:
            progress(copied)
    return copied
