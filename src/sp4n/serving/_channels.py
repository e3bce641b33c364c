"""Two-way channels on the server: every configured webhook channel at ``/channels/<name>``.

Each request is read within the body limit, checked by the channel (signature, token),
and each citizen message it carries goes to :meth:`sp4n.Desk.receive`. Answers: the
channel's (``200``, or the WhatsApp challenge); ``401``/``403`` for a bad signature or
token; ``400`` naming the field for a bad body; ``404`` for no such channel. A message id
seen already (a gateway's retry) is answered ``200`` and not filed twice.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from sp4n.adapters.channels import InboundRequest, WebhookChannel
from sp4n.errors import (
    InvalidInputError,
    RequestBodyError,
    Sp4nError,
    StoreError,
    WebhookRefusedError,
)
from sp4n.serving._body import BODY_MAX_BYTES, read_body

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk

__all__ = ["CHANNELS_PATH", "mount_channels"]

CHANNELS_PATH = "/channels/"
"""Where the channels are mounted: ``/channels/<name>``."""

_SEEN_MAX = 10_000
_log = logging.getLogger("sp4n.channels")
App = Callable[[Mapping[str, Any], Callable[..., Any]], Iterable[bytes]]
_REASONS = {
    200: "OK",
    503: "Service Unavailable",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    411: "Length Required",
    413: "Content Too Large",
}


class _Seen:
    """Message ids handled lately (bounded), so a retried delivery is not filed twice."""

    def __init__(self) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._ids

    def add(self, key: str) -> None:
        """Remember ``key`` (only once its message is stored: a failure must be retried)."""
        with self._lock:
            self._ids[key] = None
            if len(self._ids) > _SEEN_MAX:
                self._ids.popitem(last=False)


def _answer(start_response: Callable[..., Any], status: int, body: bytes, kind: str) -> list[bytes]:
    start_response(
        f"{status} {_REASONS.get(status, 'Error')}",
        [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")],
    )
    return [body]


def _error(start_response: Callable[..., Any], status: int, exc: InvalidInputError) -> list[bytes]:
    document = {"error": {"field": exc.field, "rule": exc.rule, "message": str(exc)}}
    body = json.dumps(document, ensure_ascii=False, default=str).encode()
    return _answer(start_response, status, body, "application/json; charset=utf-8")


def mount_channels(
    app: App,
    desk: Desk,
    channels: Mapping[str, WebhookChannel],
    *,
    body_max_bytes: int = BODY_MAX_BYTES,
) -> App:
    """Serve ``channels`` (by mount name, :func:`~sp4n.adapters.channels.load_channels`) at
    ``/channels/<name>`` in front of ``app``; every other path goes to ``app``."""
    for name, channel in channels.items():
        if not isinstance(channel, WebhookChannel):
            raise InvalidInputError(f"channels[{name}]", channel, "must be a webhook channel")
    seen = _Seen()

    def wrapped(environ: Mapping[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "/")
        if not path.startswith(CHANNELS_PATH):
            return app(environ, start_response)
        name = path[len(CHANNELS_PATH) :].strip("/")
        channel = channels.get(name)
        if channel is None:
            return _error(
                start_response,
                404,
                InvalidInputError("channel", name, "no channel is mounted at this path"),
            )
        method = str(environ.get("REQUEST_METHOD") or "GET").upper()
        try:
            body = read_body(environ, limit=body_max_bytes) if method == "POST" else b""
            query = {
                key: values[0]
                for key, values in parse_qs(str(environ.get("QUERY_STRING") or "")).items()
            }
            headers = {
                key[5:].replace("_", "-").lower(): str(value)
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
            if environ.get("CONTENT_TYPE"):
                headers["content-type"] = str(environ["CONTENT_TYPE"])
            request = InboundRequest(
                method=method, query=query, headers=headers, body=body, received_at=desk.clock()
            )
            inbound = channel.receive(request)
            for message in inbound.messages:
                key = f"{name}:{message.external_id}"
                if message.external_id is not None and key in seen:
                    continue
                received = desk.receive(message, default_region=channel.default_region)
                if message.external_id is not None:
                    seen.add(key)
                _log.info(
                    "%s message %s: %s %s",
                    name,
                    message.external_id or "-",
                    received.action,
                    received.complaint.tracking_id,
                )
        except WebhookRefusedError as exc:
            return _error(start_response, exc.status, exc)
        except RequestBodyError as exc:
            return _error(start_response, exc.status, exc)
        except InvalidInputError as exc:
            return _error(start_response, 400, exc)
        except StoreError as exc:  # the store is down or moved meanwhile: ask for a retry
            _log.warning("%s message not stored: %s", name, exc)
            problem = InvalidInputError("store", None, "unavailable; deliver the message again")
            return _error(start_response, 503, problem)
        except Sp4nError as exc:  # a lifecycle refusal: the citizen's message cannot be used
            return _error(start_response, 400, InvalidInputError("message", None, str(exc)))
        return _answer(start_response, inbound.status, inbound.body, inbound.content_type)

    return wrapped
