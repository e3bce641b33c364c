"""An Open311 GeoReport v2 client (standard library ``urllib`` only).

It files service requests on another portal (another sp4n, a national hub, any GeoReport v2
endpoint) and reads their status back. HTTP 4xx answers become
:class:`~sp4n.errors.RemoteRejectedError` carrying the endpoint's own error description;
network trouble, timeouts, HTTP 5xx, 408 and 429 become a retryable
:class:`~sp4n.errors.RemoteUnavailableError`.

References:
    - Open311 GeoReport v2, http://wiki.open311.org/GeoReport_v2 [read]: ``POST requests``
      is form-encoded; answers are lists; errors are ``[{"code", "description"}]``.
"""

from __future__ import annotations

import http.client
import json
import math
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import attrs

from sp4n._text import check_clean
from sp4n.errors import InvalidInputError, RemoteRejectedError, RemoteUnavailableError

__all__ = ["TEXT_MAX", "GeoReportClient", "RemoteReceipt", "RemoteRequest"]

_RETRYABLE = frozenset({408, 429})
_MAX_ANSWER = 8 * 1024 * 1024
_TIMEOUT_MAX = 600.0
# Longest ``timeout`` accepted, in seconds: ten minutes.
_CHUNK = 64 * 1024
TEXT_MAX = 4000
"""Longest remote text kept (``status_notes``, ``service_notice``, ``agency_responsible``):
longer ones are cut, so one hub answer cannot exceed what a local event accepts."""


def _bounded_text(value: object) -> str | None:
    text = _optional_text(value)
    if text is None or len(text) <= TEXT_MAX:
        return text
    return text[: TEXT_MAX - 2] + " \u2026"


def _base_url(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError("base_url", value, "must be an http(s) URL")
    check_clean("base_url", value)
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port that is not a number from 0 to 65535
    except ValueError as exc:
        raise InvalidInputError("base_url", value, f"is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise InvalidInputError(
            "base_url",
            value,
            "must be an http(s) URL of a GeoReport v2 endpoint",
            hint="e.g. https://hub.example.id/open311/v2",
        )
    return value.rstrip("/")


def _timeout(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError("timeout", value, "must be a number of seconds")
    if not math.isfinite(value) or not 0 < value <= _TIMEOUT_MAX:
        raise InvalidInputError(
            "timeout", value, f"must be more than 0 and at most {_TIMEOUT_MAX:g} seconds"
        )
    return float(value)


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _optional_text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


@attrs.frozen
class RemoteReceipt:
    """What the remote endpoint answered to ``POST requests``."""

    service_request_id: str
    service_notice: str | None = None
    url: str = ""


@attrs.frozen
class RemoteRequest:
    """One service request as the remote endpoint reports it."""

    service_request_id: str
    status: str
    status_notes: str | None
    service_notice: str | None
    agency_responsible: str | None
    requested_datetime: datetime | None
    updated_datetime: datetime | None
    expected_datetime: datetime | None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def closed(self) -> bool:
        """Whether the remote endpoint reports the request closed."""
        return self.status == "closed"

    @property
    def response(self) -> str | None:
        """The remote's answer in words, when it is more than its status label.

        An sp4n portal puts the agency's follow-up text in ``status_notes`` and the status
        label in ``service_notice``; notes that differ from the label are a real answer.
        """
        notes = (self.status_notes or "").strip()
        if not notes or notes == (self.service_notice or "").strip():
            return None
        return notes

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> RemoteRequest:
        """Read one item of a ``GET requests`` answer."""
        ident = item.get("service_request_id")
        status = item.get("status")
        if ident in (None, "") or status not in ("open", "closed"):
            raise InvalidInputError(
                "service_request",
                dict(item),
                "needs a service_request_id and a status 'open' or 'closed'",
            )
        return cls(
            service_request_id=str(ident),
            status=str(status),
            status_notes=_bounded_text(item.get("status_notes")),
            service_notice=_bounded_text(item.get("service_notice")),
            agency_responsible=_bounded_text(item.get("agency_responsible")),
            requested_datetime=_instant(item.get("requested_datetime")),
            updated_datetime=_instant(item.get("updated_datetime")),
            expected_datetime=_instant(item.get("expected_datetime")),
            raw=dict(item),
        )


@attrs.frozen
class GeoReportClient:
    """Talks GeoReport v2 (JSON) to one remote endpoint.

    :param base_url: the endpoint root, e.g. ``http://127.0.0.1:8311/open311/v2``.
    :param api_key: sent with ``POST requests``.
    :param jurisdiction_id: sent with every call when the endpoint serves several.
    :param timeout: seconds to wait for a connection and an answer.
    """

    base_url: str = attrs.field(converter=_base_url)
    api_key: str | None = None
    jurisdiction_id: str | None = None
    timeout: float = attrs.field(default=10.0, converter=_timeout)

    # -- transport ------------------------------------------------------------------------------

    def _call(self, path: str, data: Mapping[str, str] | None = None) -> Any:
        url = f"{self.base_url}/{path}"
        body = None if data is None else urlencode(data).encode()
        request = urllib.request.Request(url, data=body, method="GET" if body is None else "POST")
        request.add_header("Accept", "application/json")
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = self._read(url, response)
        except urllib.error.HTTPError as exc:
            with exc:
                try:
                    detail = _error_description(exc.read(64 * 1024)) or exc.reason
                except (http.client.HTTPException, OSError):
                    detail = exc.reason
            if 400 <= exc.code < 500 and exc.code not in _RETRYABLE:
                raise RemoteRejectedError(url, exc.code, str(detail)[:300]) from None
            raise RemoteUnavailableError(url, f"HTTP {exc.code}: {str(detail)[:300]}") from None
        except (urllib.error.URLError, OSError) as exc:  # timeouts, refused, reset
            reason = getattr(exc, "reason", exc)
            raise RemoteUnavailableError(url, str(reason)[:300]) from None
        except http.client.HTTPException as exc:  # a malformed status line or header
            detail = f"malformed HTTP answer ({type(exc).__name__}: {str(exc)[:100]!r})"
            raise RemoteUnavailableError(url, detail) from None
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise RemoteUnavailableError(url, "answer is not JSON", retryable=False) from None

    def _read(self, url: str, response: http.client.HTTPResponse) -> bytes:
        """The body, at most 8 MiB and within ``timeout`` seconds in all (not per read)."""
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > _MAX_ANSWER:
                raise RemoteUnavailableError(url, f"answer larger than {_MAX_ANSWER} bytes")
            if time.monotonic() > deadline:
                raise RemoteUnavailableError(url, f"answer took longer than {self.timeout} s")
            chunks.append(chunk)
        return b"".join(chunks)

    def _params(self, extra: Mapping[str, str | None]) -> dict[str, str]:
        params = {k: v for k, v in extra.items() if v is not None}
        if self.jurisdiction_id is not None:
            params.setdefault("jurisdiction_id", self.jurisdiction_id)
        return params

    # -- calls ----------------------------------------------------------------------------------

    def services(self) -> list[dict[str, Any]]:
        """``GET services.json``: the remote's service list."""
        query = urlencode(self._params({}))
        answer = self._call("services.json" + (f"?{query}" if query else ""))
        if not isinstance(answer, list):
            raise RemoteUnavailableError(
                self.base_url, "services answer is not a list", retryable=False
            )
        return [dict(item) for item in answer if isinstance(item, Mapping)]

    def submit(
        self,
        *,
        service_code: str,
        description: str,
        jurisdiction_id: str | None = None,
        lat: float | None = None,
        long: float | None = None,
        address_string: str | None = None,
        attributes: Mapping[str, str] | None = None,
        account_id: str | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> RemoteReceipt:
        """``POST requests.json``: file one service request; return its remote id.

        :raises RemoteRejectedError: the endpoint refused it (wrong ``api_key``, unknown
            service, missing location, ...); the message carries the endpoint's description.
        :raises RemoteUnavailableError: the endpoint could not be reached; retry later.
        """
        if self.api_key is None:
            raise InvalidInputError("api_key", None, "is required to file a remote request")
        params = self._params(
            {
                "api_key": self.api_key,
                "service_code": service_code,
                "jurisdiction_id": jurisdiction_id,
                "description": description,
                "lat": None if lat is None else repr(float(lat)),
                "long": None if long is None else repr(float(long)),
                "address_string": address_string,
                "account_id": account_id,
                **{f"attribute[{k}]": v for k, v in sorted((attributes or {}).items())},
                **dict(extra or {}),
            }
        )
        answer = self._call("requests.json", params)
        items = answer if isinstance(answer, list) else [answer]
        first = items[0] if items and isinstance(items[0], Mapping) else {}
        ident = first.get("service_request_id")
        if ident in (None, ""):
            token = first.get("token")
            reason = (
                f"answered with token {token!r} instead of a service_request_id"
                if token
                else "answer has no service_request_id"
            )
            raise RemoteUnavailableError(self.base_url, reason, retryable=False)
        return RemoteReceipt(
            service_request_id=str(ident),
            service_notice=_optional_text(first.get("service_notice")),
            url=self.base_url,
        )

    def request(self, service_request_id: str) -> RemoteRequest:
        """``GET requests/{id}.json``: the remote's view of one request.

        :raises RemoteRejectedError: unknown id (HTTP 404) or another refusal.
        """
        if not isinstance(service_request_id, str) or not service_request_id.strip():
            raise InvalidInputError("service_request_id", service_request_id, "must be non-empty")
        query = urlencode(self._params({}))
        path = f"requests/{quote(service_request_id.strip(), safe='')}.json"
        answer = self._call(path + (f"?{query}" if query else ""))
        items = answer if isinstance(answer, list) else [answer]
        if not items or not isinstance(items[0], Mapping):
            raise RemoteUnavailableError(self.base_url, "request answer is empty", retryable=False)
        try:
            return RemoteRequest.from_item(items[0])
        except InvalidInputError as exc:
            raise RemoteUnavailableError(self.base_url, str(exc), retryable=False) from None

    def requests(self, **filters: str) -> list[RemoteRequest]:
        """``GET requests.json`` with GeoReport filters (``status``, ``service_code``, dates)."""
        query = urlencode(self._params(filters))
        answer = self._call("requests.json" + (f"?{query}" if query else ""))
        if not isinstance(answer, list):
            raise RemoteUnavailableError(
                self.base_url, "requests answer is not a list", retryable=False
            )
        found = []
        for item in answer:
            if isinstance(item, Mapping):
                try:
                    found.append(RemoteRequest.from_item(item))
                except InvalidInputError:
                    continue
        return found


def _error_description(raw: bytes) -> str | None:
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        text = raw.decode("utf-8", "replace").strip()
        return text[:300] or None
    items = document if isinstance(document, list) else [document]
    texts = [
        str(item.get("description"))
        for item in items
        if isinstance(item, Mapping) and item.get("description")
    ]
    return "; ".join(texts) or None
