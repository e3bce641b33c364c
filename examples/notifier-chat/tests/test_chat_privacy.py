"""An anonymous reporter's identity never reaches the chat room, whatever happens to the case."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sp4n import Desk
from sp4n.adapters import Adapters, plugin_manager
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.testing import FrozenClock

SECRETS = ("Siti Aminah", "Siti", "siti@example.org", "+6281234500001", "6281234500001", "warga-1")


def test_an_anonymous_reporter_is_never_named_in_a_posted_payload(chat_server: Any) -> None:
    clock = FrozenClock(dt.datetime(2026, 8, 3, 8, 15, tzinfo=ZoneInfo("Asia/Pontianak")))
    pm = plugin_manager()
    chat = Adapters(pm).notifier_factories()["chat"]({"url": chat_server.url})
    with Desk.open("memory://", pm=pm, clock=clock, notifiers={"chat": chat}) as desk:
        c = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Pungutan liar di loket KTP",
                body="Petugas meminta uang tambahan.",
                region="61.07",
                topic="road",
                channel="web",
                visibility="anonymous",
                reporter=Reporter(
                    id="warga-1",
                    name="Siti Aminah",
                    email="siti@example.org",
                    phone="+6281234500001",
                ),
            )
        )
        ref = c.tracking_id
        desk.verify(ref)
        desk.forward(ref, "61-pupr")
        desk.return_(ref, "bukan kewenangan provinsi")
        desk.forward(ref, "61.07-pupr")
        desk.request_info(ref, "Loket yang mana?")
        desk.provide_info(ref, "Loket 3")
        desk.follow_up(ref, "Petugas sudah ditegur.")
        desk.reply(ref, "Masih terjadi.")
        for _ in range(3):
            clock.advance(dt.timedelta(hours=1))
            desk.deliver_notifications()

    assert len(chat_server.received) >= 8  # admins and liaisons heard about every step
    for request in chat_server.received:
        raw = request["raw"].decode("utf-8")
        for secret in SECRETS:
            assert secret not in raw, (secret, raw)
        assert set(request["json"]) == {"text"}
    texts = chat_server.texts()
    assert any(f"Anonim (pelapor@{ref})" in text for text in texts), texts
