"""Guest reporters: one identity per submission, proved by a secret token (decision 0131).

A citizen who files a report without an account (the web form, an Open311 POST) gets a
fresh reporter identity. The channel hands the token back once, with the tracking id; only a
hash of it is stored, as the reporter id ``<channel>:guest:<hash>``. Whoever presents the
token later acts as that reporter (:func:`guest_actor`); no other guest can.
"""

from __future__ import annotations

import hashlib
import secrets

import attrs

from sp4n.errors import InvalidInputError
from sp4n.lifecycle._events import Actor, Role

__all__ = ["TOKEN_MAX", "GuestPass", "guest_actor", "guest_reporter_id", "new_guest"]

TOKEN_MAX = 200
"""Longest token accepted back (a fresh one is 32 characters)."""


@attrs.frozen
class GuestPass:
    """A new guest identity: the ``token`` to hand back once, the ``reporter_id`` to store."""

    token: str = attrs.field(repr=False)
    reporter_id: str


def guest_reporter_id(channel: str, token: str) -> str:
    """The reporter id a guest ``token`` of ``channel`` stands for (a hash, never the token).

    :raises InvalidInputError: the token is not non-empty text of at most 200 characters
        (the message never repeats the token).
    """
    if not isinstance(token, str) or not token.strip():
        raise InvalidInputError("token", "***", "must be the non-empty guest token")
    if len(token) > TOKEN_MAX:
        raise InvalidInputError(
            "token", f"({len(token)} chars)", f"must be at most {TOKEN_MAX} characters"
        )
    try:
        data = f"sp4n-guest:{channel}:{token}".encode()
    except UnicodeEncodeError:
        raise InvalidInputError("token", "***", "must be text without lone surrogates") from None
    digest = hashlib.sha256(data).hexdigest()[:40]
    return f"{channel}:guest:{digest}"


def new_guest(channel: str) -> GuestPass:
    """A fresh guest identity for one submission on ``channel`` (``web``, ``open311``)."""
    token = secrets.token_urlsafe(24)
    return GuestPass(token=token, reporter_id=guest_reporter_id(channel, token))


def guest_actor(channel: str, token: str) -> Actor:
    """The reporter actor a guest proves to be with the ``token`` they were handed."""
    return Actor(id=guest_reporter_id(channel, token), role=Role.REPORTER)
