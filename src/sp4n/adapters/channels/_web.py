"""The web-form channel: a mapping of form fields, as a portal's HTML form posts them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from sp4n._text import check_clean
from sp4n.adapters.blobs import BlobStore, UploadLimits, accept_uploads
from sp4n.adapters.channels._intake import Intake, known_region
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import ComplaintDraft, Reporter, Visibility, new_guest

__all__ = ["WebFormChannel"]

_KNOWN = frozenset(
    {
        "kind",
        "title",
        "body",
        "region",
        "topic",
        "visibility",
        "name",
        "email",
        "phone",
        "lat",
        "lon",
        "address",
        "share_location",
    }
)
_YES = frozenset({"1", "on", "yes", "ya", "true"})


def _field(form: Mapping[str, object], key: str) -> str | None:
    value = form.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInputError(key, value, "form fields are text")
    return check_clean(key, value).strip() or None


def _float(form: Mapping[str, object], key: str) -> float | None:
    text = _field(form, key)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInputError(key, text, "must be a decimal number") from None


@attrs.frozen
class WebFormChannel:
    """Read a complaint form: ``kind``, ``title``, ``body``, ``region``, ``topic``,
    ``visibility``, reporter ``name``/``email``/``phone``, optional ``lat``/``lon``/``address``.

    :param default_region: the portal's own region, used when the form names none.
    :param blobs: where uploaded files are stored; ``None`` refuses files.
    :param upload_limits: size and type limits of uploaded files (decision 0192).

    Files come as ``files=[(file name, bytes), ...]`` (a portal takes them from its
    multipart form with :func:`sp4n.serving.parse_multipart`); they are checked, stripped of
    metadata (the photo's location is kept only when the form's ``share_location`` is
    ``1``/``on``/``ya`` and the report is not anonymous) and stored after the form itself
    was found valid.

    The form never says who the reporter is (an e-mail address is a contact, not an
    identity): a portal that authenticated its user passes ``reporter_id``; otherwise each
    submission gets a fresh guest identity whose token is in :attr:`Intake.guest_token`
    (decision 0131).
    """

    default_region: str | None = None
    name: str = "web"
    blobs: BlobStore | None = attrs.field(default=None, kw_only=True)
    upload_limits: UploadLimits | None = attrs.field(default=None, kw_only=True)

    def parse(
        self,
        raw: object,
        *,
        received_at: datetime,
        reporter_id: str | None = None,
        files: Sequence[tuple[str, bytes]] = (),
    ) -> Intake:
        """Check the form; unknown fields and bad values raise typed errors.

        :param reporter_id: the reporter the portal authenticated, if any.
        :param files: uploaded ``(file name, bytes)``; nothing is stored if anything is bad.
        """
        if not isinstance(raw, Mapping):
            raise InvalidInputError("form", type(raw).__name__, "must be a mapping of fields")
        unknown = sorted(set(raw) - _KNOWN)
        if unknown:
            raise InvalidInputError("form", unknown, f"unknown fields; known: {sorted(_KNOWN)}")
        region = _field(raw, "region") or self.default_region
        if region is None:
            raise InvalidInputError("region", None, "is required (this portal has no default)")
        region = known_region(region, field="region")
        email, phone = _field(raw, "email"), _field(raw, "phone")
        guest = new_guest(self.name) if reporter_id is None else None
        reporter_id = guest.reporter_id if guest is not None else reporter_id
        lat, lon, address = _float(raw, "lat"), _float(raw, "lon"), _field(raw, "address")
        location = None
        body = raw.get("body")
        if lat is not None or lon is not None:
            location = {"lat": lat, "lon": lon, "address": address}
        elif address is not None and isinstance(body, str):
            body = f"{body.rstrip()}\n\nAlamat: {address}"  # no coordinates to attach it to
        draft = ComplaintDraft(
            kind=_field(raw, "kind") or "pengaduan",
            title=raw.get("title"),
            body=body,
            region=region,
            topic=_field(raw, "topic") or "other",
            channel=self.name,
            reporter=Reporter(id=reporter_id, name=_field(raw, "name"), email=email, phone=phone),
            visibility=_field(raw, "visibility") or "public",
            location=location,
        )
        if files:
            if self.blobs is None:
                raise InvalidInputError(
                    "files", len(files), "this form stores no files (no blob store configured)"
                )
            share = (_field(raw, "share_location") or "").lower() in _YES
            stored = accept_uploads(
                self.blobs,
                files,
                limits=self.upload_limits,
                anonymous=draft.visibility is Visibility.ANONYMOUS,
                share_location=share and location is not None,
            )
            draft = attrs.evolve(draft, attachments=stored)
        triage = () if _field(raw, "topic") else ("topic",)
        return Intake(
            draft=draft,
            received_at=received_at,
            needs_triage=triage,
            guest_token=None if guest is None else guest.token,
        )
