"""An anonymous reporter is reached through the relay handle, over real SMTP (decision 0132).

The handle resolves to the sealed contact inside the library only, at delivery: the
mapping never appears in a view, the feed, an officer's message, the outbox, a log line or
an Open311 answer.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import attrs
import pytest

from servers import smtp_server
from sp4n import Desk
from sp4n.adapters.notifiers import LogNotifier, SmtpNotifier
from sp4n.lifecycle import Actor, ComplaintDraft, Reporter, Role
from sp4n.open311 import Open311App
from sp4n.testing import FrozenClock

AT = dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.UTC)
SECRET = "rahasia.sekali@example.org"
PHONE = "+6281100001111"


def _draft(email: str | None = SECRET) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title="Pungli di kantor desa",
        body="Diminta uang untuk surat keterangan.",
        region="61.07",
        topic="road",
        channel="web",
        reporter=Reporter(id="warga-rahasia", name="Nama Rahasia", email=email, phone=PHONE),
        visibility="anonymous",
    )


def _everything_officers_and_the_public_see(desk: Desk, ref: str) -> str:
    complaint = desk.get(ref)
    admin = Actor(id="admin.bky", role=Role.ADMIN, region="61.07")
    liaison = Actor(id="p", role=Role.LIAISON, agency=complaint.agency)
    seen = [
        desk.view(ref, admin),
        desk.view(ref, liaison),
        desk.view(ref),
        desk.public_feed(),
        Open311App(desk).request(ref),
        [
            m.payload
            for m in desk.store.pending_outbox(
                limit=1000, now=dt.datetime.max.replace(tzinfo=dt.UTC)
            )
        ],
    ]
    return json.dumps(seen, default=str, ensure_ascii=False)


def test_anonymous_mail_reaches_the_real_address_and_only_there(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FrozenClock(AT)
    caplog.set_level(logging.DEBUG)
    with smtp_server() as (port, inbox):
        notifiers = {
            "smtp": SmtpNotifier(host="127.0.0.1", port=port, sender="lapor@bengkayangkab.go.id"),
            "log": LogNotifier(),
        }
        url = f"sqlite:///{tmp_path / 'a.db'}"
        with Desk.open(url, clock=clock, notifiers=notifiers) as desk:
            ref = desk.submit(_draft()).tracking_id
            desk.verify(ref)
            desk.forward(ref, attributes={"road_status": "kabupaten"})
            report = desk.deliver_notifications()
            assert not report.parked
            assert not report.retrying
            shown = _everything_officers_and_the_public_see(desk, ref)
    to_reporter = [m for m in inbox if m["To"].endswith(f"<{SECRET}>") or m["To"] == SECRET]
    assert len(to_reporter) == 3  # submitted, verified, forwarded
    assert all(f"pelapor@{ref}" not in m["To"] for m in inbox)
    for message in inbox:
        if message not in to_reporter:  # officers' mail: no contact, no name
            text = message.as_string()
            assert SECRET not in text
            assert "Nama Rahasia" not in text
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("sp4n"))
    for secret in (SECRET, PHONE, "Nama Rahasia", "warga-rahasia"):
        assert secret not in shown
        assert secret not in ours
    assert f"pelapor@{ref}" in shown  # officers see the handle only


def test_a_refused_sealed_address_never_reaches_the_outbox_error(tmp_path: Path) -> None:
    clock = FrozenClock(AT)
    with smtp_server(refuse={SECRET}) as (port, _inbox):
        notifiers = {"smtp": SmtpNotifier(host="127.0.0.1", port=port)}
        with Desk.open(f"sqlite:///{tmp_path / 'r.db'}", clock=clock, notifiers=notifiers) as desk:
            ref = desk.submit(_draft()).tracking_id
            report = desk.deliver_notifications()
            [parked] = report.parked
            assert parked.endswith(f"pelapor@{ref}")
            rows = desk.store.pending_outbox(limit=10, now=dt.datetime.max.replace(tzinfo=dt.UTC))
            [row] = [r for r in rows if r.id == parked]
            assert row.last_error
            assert SECRET not in row.last_error
            assert f"pelapor@{ref}" in row.last_error


def test_a_phone_only_anonymous_reporter_is_logged_by_handle(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    log = LogNotifier()
    draft = _draft(email=None)
    with Desk.open("memory://", clock=FrozenClock(AT), notifiers={"log": log}) as desk:
        ref = desk.submit(draft).tracking_id
        report = desk.deliver_notifications()
    assert len(report.delivered) == 2  # the reporter and the admin
    [to_reporter] = [n for n in log.sent if n.recipient.role == "reporter"]
    assert to_reporter.recipient.address == PHONE  # resolved inside the library
    assert to_reporter.recipient.handle == f"pelapor@{ref}"
    assert PHONE not in caplog.text
    assert f"pelapor@{ref}" in caplog.text


def test_an_anonymous_reporter_without_any_contact_is_parked() -> None:
    draft = attrs.evolve(_draft(), reporter=Reporter(id="tanpa-kontak"))
    with Desk.open("memory://", clock=FrozenClock(AT), notifiers={"log": LogNotifier()}) as desk:
        ref = desk.submit(draft).tracking_id
        report = desk.deliver_notifications()
        [parked] = report.parked
        assert parked.endswith(f"pelapor@{ref}")
        [row] = [
            r
            for r in desk.store.pending_outbox(limit=10, now=dt.datetime.max.replace(tzinfo=dt.UTC))
            if r.id == parked
        ]
        assert "left no contact" in (row.last_error or "")
