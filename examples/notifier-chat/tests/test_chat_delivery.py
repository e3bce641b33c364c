"""Delivered messages: what the chat server receives, directly and through a Desk's outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sp4n_notifier_chat import ChatNotifier, from_settings, payload_of

from sp4n import Desk
from sp4n.adapters import Adapters, plugin_manager
from sp4n.adapters.notifiers import Notification, Recipient
from sp4n.errors import DeliveryError
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.testing import FrozenClock

PNK = ZoneInfo("Asia/Pontianak")


def _notification(role: str = "liaison", **changes: Any) -> Notification:
    values: dict[str, Any] = {
        "key": "c-1:3:liaison:6107-pupr@pemda.example",
        "recipient": Recipient(role=role, address="6107-pupr@pemda.example", name="Bu Rina"),
        "subject": "[SP4N-LAPOR!] Laporan LAP-ABC: Diteruskan",
        "body": "Laporan LAP-ABC diteruskan ke Dinas PUPR. Mohon ditindaklanjuti.",
        "data": {"tracking_id": "LAP-ABC"},
    }
    values.update(changes)
    return Notification(**values)


def test_a_delivered_message_is_text_json_without_the_recipient(chat_server: Any) -> None:
    notifier = from_settings({"url": chat_server.url, "username": "SP4N-LAPOR!"})
    notifier.send(_notification())
    (request,) = chat_server.received
    assert request["path"] == "/hooks/sp4n-test"
    assert request["headers"]["content-type"] == "application/json; charset=utf-8"
    assert request["headers"]["idempotency-key"] == "c-1:3:liaison:6107-pupr@pemda.example"
    assert request["json"] == {
        "text": "*[SP4N-LAPOR!] Laporan LAP-ABC: Diteruskan*\n"
        "Laporan LAP-ABC diteruskan ke Dinas PUPR. Mohon ditindaklanjuti.",
        "username": "SP4N-LAPOR!",
    }
    assert b"Bu Rina" not in request["raw"]
    assert b"6107-pupr@pemda.example" not in request["raw"]


def test_text_is_utf8_and_options_are_sent_only_when_set() -> None:
    note = _notification(body="Jalan rusak — “segera”")
    assert payload_of(note) == {"text": "*[SP4N-LAPOR!] Laporan LAP-ABC: Diteruskan*\n" + note.body}
    assert payload_of(note, channel="#lapor")["channel"] == "#lapor"


def test_a_reporter_message_is_refused_permanently_and_never_posted(chat_server: Any) -> None:
    notifier = ChatNotifier(url=chat_server.url)
    with pytest.raises(DeliveryError, match="only gets messages for admin") as caught:
        notifier.send(_notification(role="reporter"))
    assert caught.value.permanent
    assert chat_server.received == []


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(dt.datetime(2026, 8, 3, 8, 15, tzinfo=PNK))  # Monday, WIB (Pontianak)


@pytest.fixture
def desk(chat_server: Any, clock: FrozenClock) -> Iterator[Desk]:
    pm = plugin_manager()  # the installed plugins: the chat notifier comes from its entry point
    chat = Adapters(pm).notifier_factories()["chat"]({"url": chat_server.url, "timeout": "5"})
    with Desk.open("memory://", pm=pm, clock=clock, notifiers={"chat": chat}) as opened:
        yield opened


def test_the_outbox_posts_officer_messages_in_indonesian(desk: Desk, chat_server: Any) -> None:
    c = desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title="Lampu jalan padam di Jalan Sanggau Ledo",
            body="Sudah dua minggu padam.",
            region="61.07",
            topic="road",
            channel="web",
            reporter=Reporter(id="w-9", name="Andi", email="andi@example.org"),
        )
    )
    desk.verify(c.tracking_id)
    desk.forward(c.tracking_id, "61.07-pupr")
    report = desk.deliver_notifications()
    texts = chat_server.texts()
    assert len(texts) == len(report.delivered) >= 2  # the admin (submitted), the liaison
    assert all(message.split(":")[2] in {"admin", "liaison"} for message in report.delivered)
    assert all(c.tracking_id in text for text in texts)
    assert any(text.startswith(f"*[SP4N-LAPOR!] Laporan {c.tracking_id}: ") for text in texts)
    assert any("Diteruskan" in text for text in texts)  # the Indonesian status label
    # the reporter's own messages are parked, not shown to the room
    assert report.parked
    assert all(":reporter:" in key for key in report.parked)
    assert desk.deliver_notifications().delivered == ()  # delivered once, never again
