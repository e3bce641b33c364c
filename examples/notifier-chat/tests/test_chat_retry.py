"""Failures take the outbox's retry path: a server error and a timeout are retried later."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest
from sp4n_notifier_chat import ChatNotifier

from sp4n.adapters import open_store
from sp4n.adapters.notifiers import PARKED, Backoff, OutboxDispatcher, notification_of
from sp4n.errors import DeliveryError
from sp4n.testing import FrozenClock, make_event, make_message, make_row

NOW = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _payload() -> dict[str, Any]:
    return {
        "address": "admin-6107@pemda.example",
        "subject": "[SP4N-LAPOR!] Laporan LAP-XYZ: Menunggu verifikasi",
        "body": "Laporan baru LAP-XYZ menunggu verifikasi.",
        "lang": "id",
        "via": "chat",
    }


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
def store(clock: FrozenClock) -> Any:
    opened = open_store("memory://", clock=clock)
    opened.append(
        "c-1",
        0,
        [make_event("c-1", 1, type="submitted")],
        row=make_row("c-1", 1),
        outbox=[
            make_message("c-1", 1, id="c-1:1:admin", recipient_role="admin", payload=_payload())
        ],
    )
    yield opened
    opened.close()


def _pending(store: Any) -> Any:
    (message,) = store.pending_outbox(now=PARKED, limit=10)
    return message


def test_a_server_error_is_retried_with_backoff_then_delivered(
    chat_server: Any, store: Any, clock: FrozenClock
) -> None:
    chat_server.answer((503, 0.0))
    dispatcher = OutboxDispatcher(
        store, {"chat": ChatNotifier(url=chat_server.url)}, clock, backoff=Backoff()
    )
    report = dispatcher.deliver_pending()
    assert report.retrying == ("c-1:1:admin",)
    message = _pending(store)
    assert message.attempts == 1
    assert message.retry_at == NOW + dt.timedelta(seconds=30)  # mark_failed(retry_at=...)
    assert "HTTP 503" in (message.last_error or "")
    assert dispatcher.deliver_pending().retrying == ()  # not due yet: nothing is tried
    assert len(chat_server.received) == 1

    clock.advance(dt.timedelta(seconds=30))
    assert dispatcher.deliver_pending().delivered == ("c-1:1:admin",)
    assert [r["status"] for r in chat_server.received] == [503, 200]
    assert chat_server.received[0]["raw"] == chat_server.received[1]["raw"]  # same message
    assert store.pending_outbox(now=PARKED, limit=10) == []


def test_a_timeout_is_a_temporary_failure(chat_server: Any, store: Any, clock: FrozenClock) -> None:
    chat_server.answer((200, 1.5))  # answers too late
    notifier = ChatNotifier(url=chat_server.url, timeout=0.3)
    report = OutboxDispatcher(store, {"chat": notifier}, clock).deliver_pending()
    assert report.retrying == ("c-1:1:admin",)
    message = _pending(store)
    assert message.retry_at == NOW + dt.timedelta(seconds=30)
    assert "no answer within 0.3 s" in (message.last_error or "")


def test_a_refused_connection_is_temporary() -> None:
    with socket.socket() as sock:  # a port nobody listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    notifier = ChatNotifier(url=f"http://127.0.0.1:{port}/hooks/closed", timeout=2)
    with pytest.raises(DeliveryError) as caught:
        notifier.send(
            notification_of(make_message("c-2", 1, recipient_role="admin", payload=_payload()))
        )
    assert not caught.value.permanent


@pytest.mark.parametrize(
    ("status", "parked"), [(404, True), (400, True), (429, False), (408, False)]
)
def test_client_errors_are_permanent_except_408_and_429(
    chat_server: Any, store: Any, clock: FrozenClock, status: int, parked: bool
) -> None:
    chat_server.answer((status, 0.0))
    report = OutboxDispatcher(
        store, {"chat": ChatNotifier(url=chat_server.url)}, clock
    ).deliver_pending()
    assert report.parked == (("c-1:1:admin",) if parked else ())
    assert report.retrying == (() if parked else ("c-1:1:admin",))
    assert _pending(store).retry_at == (PARKED if parked else NOW + dt.timedelta(seconds=30))
