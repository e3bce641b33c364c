"""Which stored file the public may fetch, and in what form: the publication rule for files.

A file is served publicly only if its complaint is published
(:func:`sp4n.lifecycle.publication` is ``PUBLISHED``, decision 0151): never for a
confidential complaint, nor for one not yet forwarded, archived or merged. Files are
addressed as the public history shows them, by the event's ``seq`` and the file's position
in that event's ``attachments`` (the reporter's files are in event 1, an officer's evidence in
its ``followed_up`` event), never by their ``ref``. For an anonymous complaint the bytes are
stripped again as they are served, location included, and only JPEG and PNG are served: a tier
raised to anonymous after the upload must not leave a file that names the reporter public
(decision 0194).
"""

from __future__ import annotations

from sp4n.adapters.blobs._media import STRIPPABLE_MEDIA_TYPES, strip_metadata
from sp4n.adapters.blobs._store import BlobStore, check_ref
from sp4n.errors import InvalidInputError, UnknownBlobError
from sp4n.lifecycle import Attachment, Complaint, Publication, Visibility, publication

__all__ = ["public_file", "public_files"]


def public_file(
    complaint: Complaint, seq: int, index: int, blobs: BlobStore
) -> tuple[Attachment, bytes] | None:
    """The attachment ``index`` of event ``seq`` and the bytes the public may get, or ``None``.

    ``None`` for every reason alike (not published, no such event or file, a file kept by
    URL or as metadata only, a type an anonymous complaint does not serve, bytes missing from
    the store), so an answer never tells a hidden file from a missing one.
    """
    if publication(complaint) is not Publication.PUBLISHED:
        return None
    event = next((e for e in complaint.history if e.seq == seq), None)
    files = [] if event is None else event.payload.get("attachments") or []
    if not 0 <= index < len(files):
        return None
    try:
        attachment = Attachment(**dict(files[index]))
        ref = check_ref(attachment.ref)
        data = blobs.get(ref)
        if complaint.visibility is Visibility.ANONYMOUS:
            if attachment.media_type not in STRIPPABLE_MEDIA_TYPES:
                return None
            data = strip_metadata(data, attachment.media_type, keep_location=False)
    except (InvalidInputError, UnknownBlobError, TypeError):
        return None
    return attachment, data


def public_files(complaint: Complaint, blobs: BlobStore) -> list[tuple[int, int, Attachment]]:
    """``(seq, index, attachment)`` of each file :func:`public_file` serves, in history order.

    For a page that links the files (``<prefix>/media/<id>/<seq>/<index>``); it reads each
    file from ``blobs``, as :func:`public_file` does, so a listed file is one that is served.
    """
    listed = []
    for event in complaint.history:
        for index in range(len(event.payload.get("attachments") or ())):
            served = public_file(complaint, event.seq, index, blobs)
            if served is not None:
                listed.append((event.seq, index, served[0]))
    return listed
