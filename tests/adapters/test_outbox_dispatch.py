"""The outbox dispatcher delivers every message once, through real notifiers and stores."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import timedelta

import pytest

from servers import http_server
from sp4n.adapters import Store, open_store
from sp4n.adapters.notifiers import (
    PARKED,
    Backoff,
    LogNotifier,
    Notification,
    OutboxDispatcher,
    WebhookNotifier,
    notification_of,
)
from sp4n.errors import DeliveryError, InvalidInputError
from sp4n.testing import FrozenClock, make_event, make_message, make_row
from sp4n.testing._builders import BASE_TIME


def _payload(n: int, via: str = "webhook") -> dict[str, object]:
    return {
        "address": f"warga{n}@example.id",
        "subject": f"Laporan {n} diteruskan",
        "body": "Laporan Anda telah diteruskan.",
        "lang": "id",
        "via": via,
    }


def _enqueue(store: Store, count: int, via: str = "webhook") -> list[str]:
    ids = []
    for n in range(count):
        cid = f"c{n}"
        message = make_message(cid, 1, payload=_payload(n, via))
        store.append(cid, 0, [make_event(cid, 1)], row=make_row(cid, 1), outbox=[message])
        ids.append(message.id)
    return ids


class FlakyNotifier:
    """Wraps a real notifier and fails (before sending) about half of the calls."""

    name = "webhook"

    def __init__(self, inner: WebhookNotifier, seed: int) -> None:
        self.inner = inner
        self.random = random.Random(seed)

    def send(self, notification: Notification) -> None:
        if self.random.random() < 0.5:
            raise DeliveryError(self.name, notification.key, "simulated outage")
        self.inner.send(notification)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Store]:
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path}/outbox.db"
    opened = open_store(url)
    yield opened
    opened.close()


def test_half_failing_notifier_delivers_every_message_exactly_once(store: Store) -> None:
    keys: list[str] = []

    def handler(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        keys.append(json.loads(body)["idempotency_key"])
        return 200, b"ok"

    ids = _enqueue(store, 40)
    clock = FrozenClock(BASE_TIME)
    with http_server(handler) as url:
        notifier = FlakyNotifier(WebhookNotifier(url=url, secret="s"), seed=7)
        dispatcher = OutboxDispatcher(
            store,
            {"webhook": notifier},
            clock,
            backoff=Backoff(base=timedelta(seconds=10), max_attempts=50),
        )
        rounds = 0
        while dispatcher.undelivered():
            dispatcher.deliver_pending(limit=100)
            clock.advance(timedelta(hours=1))
            rounds += 1
            assert rounds < 60
    assert sorted(keys) == sorted(ids)
    assert len(keys) == len(set(keys))
    assert rounds > 1  # the outage really forced retries


def test_failures_back_off_and_permanent_ones_park(store: Store) -> None:
    [temporary] = _enqueue(store, 1, via="webhook")
    clock = FrozenClock(BASE_TIME)

    class Down:
        name = "webhook"

        def send(self, notification: Notification) -> None:
            raise DeliveryError(self.name, notification.key, "down")

    dispatcher = OutboxDispatcher(
        store,
        {"webhook": Down()},
        clock,
        backoff=Backoff(base=timedelta(minutes=1), max_attempts=3),
    )
    assert dispatcher.deliver_pending().retrying == (temporary,)
    assert dispatcher.deliver_pending().retrying == ()  # not due again for a minute
    clock.advance(timedelta(minutes=1))
    assert dispatcher.deliver_pending().retrying == (temporary,)
    clock.advance(timedelta(minutes=2))
    assert dispatcher.deliver_pending().parked == (temporary,)  # third attempt used up
    [left] = dispatcher.undelivered()
    assert left.retry_at == PARKED
    assert left.attempts == 3
    assert "down" in (left.last_error or "")


def test_unknown_notifier_and_bad_payload_are_parked_not_lost(store: Store) -> None:
    cid = "c-bad"
    bad = make_message(cid, 1, payload={"subject": "tanpa alamat"})
    odd = make_message(cid, 1, id="c-bad:1:admin", payload=_payload(1, via="pager"))
    store.append(cid, 0, [make_event(cid, 1)], row=make_row(cid, 1), outbox=[bad, odd])
    log = LogNotifier()
    report = OutboxDispatcher(store, {"log": log}, FrozenClock(BASE_TIME)).deliver_pending()
    assert sorted(report.parked) == sorted([bad.id, odd.id])
    assert log.sent == []
    assert len(OutboxDispatcher(store, {}, FrozenClock(BASE_TIME)).undelivered()) == 2


def test_log_is_the_default_notifier(store: Store) -> None:
    cid = "c-log"
    payload = _payload(1)
    del payload["via"]
    message = make_message(cid, 1, payload=payload)
    store.append(cid, 0, [make_event(cid, 1)], row=make_row(cid, 1), outbox=[message])
    log = LogNotifier()
    report = OutboxDispatcher(store, {"log": log}, FrozenClock(BASE_TIME)).deliver_pending()
    assert report.delivered == (message.id,)
    assert log.sent[0].recipient.address == "warga1@example.id"
    assert log.sent[0].data["complaint_id"] == cid
    assert (
        OutboxDispatcher(store, {"log": log}, FrozenClock(BASE_TIME)).deliver_pending().delivered
        == ()
    )


def test_notification_of_requires_rendered_fields() -> None:
    with pytest.raises(InvalidInputError, match=r"payload\.address"):
        notification_of(make_message("c", 1, payload={"subject": "s", "body": "b"}))


def test_outbox_command_lists_undelivered_and_parked(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from sp4n.cli import main

    url = f"sqlite:///{tmp_path}/cli.db"
    store = open_store(url)
    try:
        [first, second] = _enqueue(store, 2)
        store.mark_failed(second, error="HTTP 410", retry_at=PARKED)
    finally:
        store.close()
    assert main(["outbox", "--db", url, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    by_id = {item["id"]: item for item in document["undelivered"]}
    assert set(by_id) == {first, second}
    assert by_id[second]["parked"] is True
    assert by_id[second]["last_error"] == "HTTP 410"
    assert main(["outbox", "--db", url]) == 0
    assert "2 undelivered" in capsys.readouterr().out
