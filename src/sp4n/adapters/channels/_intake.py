"""What every intake channel produces: a checked draft with the instant it arrived."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol, runtime_checkable

import attrs

from sp4n._time import to_utc
from sp4n.errors import UnknownRegionError
from sp4n.lifecycle import ComplaintDraft
from sp4n.regions import get_region, normalize_code

__all__ = [
    "TITLE_WORDS_MAX",
    "Channel",
    "Intake",
    "Tags",
    "known_region",
    "read_tags",
    "title_from",
]

TITLE_WORDS_MAX = 80
"""Longest title (in characters) derived from free text when a channel has no subject."""


def _utc(value: object) -> datetime:
    return to_utc("received_at", value)


@attrs.frozen
class Intake:
    """A complaint draft as a channel read it.

    :param draft: the checked :class:`~sp4n.lifecycle.ComplaintDraft`.
    :param received_at: when the channel received it (aware, kept in UTC).
    :param external_id: the channel's own id (SMS gateway id, e-mail Message-ID), used to
        drop a message delivered twice.
    :param needs_triage: fields the channel could not read and left for the admin
        (for example ``("region", "topic")`` for an SMS that named neither).
    :param guest_token: the secret a guest reporter proves their identity with, when the
        channel gave the submission a fresh guest identity (decision 0131); hand it back
        to the citizen once, with the tracking id. sp4n stores only its hash.
    """

    draft: ComplaintDraft
    received_at: datetime = attrs.field(converter=_utc)
    external_id: str | None = None
    needs_triage: tuple[str, ...] = ()
    guest_token: str | None = attrs.field(default=None, repr=False)


@runtime_checkable
class Channel(Protocol):
    """Turns raw input from one intake channel into an :class:`Intake` or a typed error."""

    name: str

    def parse(self, raw: object, *, received_at: datetime) -> Intake:
        """Read ``raw``; raise an :class:`~sp4n.errors.InvalidInputError` on bad input."""
        ...  # pragma: no cover - protocol


_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def title_from(text: str, limit: int = TITLE_WORDS_MAX) -> str:
    """Derive a one-line title from free text: its first sentence, cut at a word boundary."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    sentence = _SENTENCE_END.split(first_line, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


_TAG = re.compile(r"(?<!\S)#([0-9][0-9.]*[0-9]|[a-z][a-z0-9_]*)(?!\S)", re.IGNORECASE)


@attrs.frozen
class Tags:
    """Region and topic named in free text by ``#61.07`` / ``#road`` tags, and the rest."""

    region: str | None
    topic: str | None
    text: str


def known_region(code: object, *, field: str = "region") -> str:
    """Return the normalized code of a region that exists, or raise naming ``field``.

    :raises MalformedRegionCodeError: ``code`` does not have the Kemendagri shape.
    :raises UnknownRegionError: it does, but no region has that code.
    """
    normalized = normalize_code(code, field=field)
    try:
        return get_region(normalized).code
    except UnknownRegionError as exc:
        raise UnknownRegionError(field, code, exc.rule, hint=exc.hint) from None


def read_tags(text: str, *, field: str = "text") -> Tags:
    """Pull ``#<region code>`` and ``#<topic>`` tags out of ``text`` (first of each wins).

    A tag that looks like a code but is malformed raises
    :class:`~sp4n.errors.MalformedRegionCodeError` naming ``field``; a well-formed code
    of no region raises :class:`~sp4n.errors.UnknownRegionError`.
    """
    region: str | None = None
    topic: str | None = None
    for tag in _TAG.findall(text):
        if tag[0].isdigit():
            region = region or known_region(tag, field=f"{field} #region")
        else:
            topic = topic or tag.lower()
    rest = re.sub(r"[ \t]{2,}", " ", _TAG.sub("", text)).strip()
    return Tags(region=region, topic=topic, text=rest)
