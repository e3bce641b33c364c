"""Two-way channels end to end over real HTTP on 127.0.0.1: WhatsApp Cloud API and SMS gateway
webhooks mounted on the ``sp4n serve`` site, signatures, threads, retries (decision 0200)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from servers import free_port
from sp4n.adapters import plugin_manager
from sp4n.adapters.channels import (
    InboundMessage,
    SmsGatewayChannel,
    WhatsAppChannel,
    load_channels,
    whatsapp_signature,
)
from sp4n.adapters.notifiers import SIGNATURE_HEADER, sign
from sp4n.desk import Desk
from sp4n.errors import InvalidInputError, StoreUnavailableError
from sp4n.lifecycle import ComplaintDraft
from sp4n.open311 import make_site
from sp4n.serving import Server, ServeSettings, serving, with_access_log
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Pontianak")
APP_SECRET = b"rahasia-aplikasi-meta"
VERIFY = "token-verifikasi"
SMS_SECRET = b"rahasia-gateway"
PHONE = "6281234567890"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))


@pytest.fixture
def desk(tmp_path: Path, clock: FrozenClock) -> Iterator[Desk]:
    with Desk.open(f"sqlite:///{tmp_path / 'channels.db'}", clock=clock) as opened:
        yield opened


@pytest.fixture
def server(desk: Desk) -> Iterator[Server]:
    channels = load_channels(
        {
            "whatsapp": {
                "app_secret": APP_SECRET.decode(),
                "verify_token": VERIFY,
                "region": "61.07",
            },
            "sms": {"secret": SMS_SECRET.decode(), "region": "61.07"},
        },
        pm=plugin_manager(load_entrypoints=False),
    )
    site = make_site(desk, region="61.07", channels=channels)
    with serving(
        site, ServeSettings(port=0, threads=2, channel_timeout=5, drain_timeout=5)
    ) as running:
        yield running


def _call(
    url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _wa_document(
    text: str, *, message_id: str, sent: datetime, media: dict[str, Any] | None = None
) -> bytes:
    message: dict[str, Any] = {
        "from": PHONE,
        "id": message_id,
        "timestamp": str(int(sent.timestamp())),
    }
    if media is None:
        message |= {"type": "text", "text": {"body": text}}
    else:
        message |= {"type": "image", "image": {**media, "caption": text}}
    document = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "628001708",
                                "phone_number_id": "1",
                            },
                            "contacts": [{"profile": {"name": "Siti"}, "wa_id": PHONE}],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(document).encode()


def _wa_post(server: Server, body: bytes, signature: str | None = "auto") -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if signature == "auto":
        headers["X-Hub-Signature-256"] = whatsapp_signature(APP_SECRET, body)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return _call(f"{server.url}/channels/whatsapp", body, headers)


def test_whatsapp_verification_answers_the_challenge_only_to_the_right_token(
    server: Server,
) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    assert _call(f"{server.url}/channels/whatsapp?{urlencode(query)}") == (200, b"1158201444")
    status, body = _call(
        f"{server.url}/channels/whatsapp?{urlencode({**query, 'hub.verify_token': 'salah'})}"
    )
    assert status == 403
    assert json.loads(body)["error"]["field"] == "hub.verify_token"
    assert b"1158201444" not in body


def test_unsigned_or_wrongly_signed_posts_are_refused_and_file_nothing(
    server: Server, desk: Desk, clock: FrozenClock
) -> None:
    body = _wa_document("Jalan rusak di Sebalo", message_id="wamid.1", sent=clock())
    status, answer = _wa_post(server, body, signature=None)
    assert status == 401
    assert json.loads(answer)["error"]["field"] == "X-Hub-Signature-256"
    assert _wa_post(server, body, signature=whatsapp_signature(b"lain", body))[0] == 401
    tampered = body.replace(b"Sebalo", b"Sebalu")
    assert _wa_post(server, tampered, signature=whatsapp_signature(APP_SECRET, body))[0] == 401
    assert desk.list() == []


def test_a_whatsapp_message_files_a_complaint_and_a_retry_files_it_once(
    server: Server, desk: Desk, clock: FrozenClock
) -> None:
    body = _wa_document("LAPOR Jalan berlubang di Sebalo #road", message_id="wamid.A", sent=clock())
    assert _wa_post(server, body) == (200, b"OK")
    assert _wa_post(server, body) == (200, b"OK")  # Meta retries until it gets a 200
    rows = desk.list()
    assert len(rows) == 1
    complaint = desk.get(rows[0].complaint_id)
    assert complaint.channel == "whatsapp"
    assert complaint.reporter.phone == f"+{PHONE}"
    assert complaint.reporter.name is None  # a profile name is not a chosen identity
    assert complaint.region == "61.07"
    assert complaint.topic == "road"
    assert complaint.body == "Jalan berlubang di Sebalo"


def test_a_media_message_keeps_the_media_as_an_attachment_reference(
    server: Server, desk: Desk, clock: FrozenClock
) -> None:
    media = {"id": "1479537139650973", "mime_type": "image/jpeg", "sha256": "abc"}
    body = _wa_document("Foto jalan rusak", message_id="wamid.M", sent=clock(), media=media)
    assert _wa_post(server, body)[0] == 200
    (row,) = desk.list()
    (attachment,) = desk.get(row.complaint_id).attachments
    assert attachment.ref == "whatsapp-media:1479537139650973"
    assert attachment.media_type == "image/jpeg"


def test_replies_in_the_thread_become_provide_info_then_reply(
    server: Server, desk: Desk, clock: FrozenClock
) -> None:
    first = _wa_document("Lampu jalan mati di Sebalo #road", message_id="wamid.1", sent=clock())
    assert _wa_post(server, first)[0] == 200
    (row,) = desk.list()
    ref = row.complaint_id
    desk.verify(ref)
    desk.forward(ref)
    desk.request_info(ref, "Di RT berapa tepatnya?")
    clock.advance(timedelta(hours=2))
    answer = _wa_document("RT 03 RW 01, depan masjid", message_id="wamid.2", sent=clock())
    assert _wa_post(server, answer)[0] == 200
    complaint = desk.get(ref)
    assert complaint.history[-1].type == "info_provided"
    assert complaint.history[-1].payload["text"] == "RT 03 RW 01, depan masjid"
    assert complaint.history[-1].payload["message_id"] == "wamid.2"
    assert complaint.history[-1].actor.id == complaint.reporter.id
    desk.follow_up(ref, "Lampu sudah diganti.")
    clock.advance(timedelta(hours=2))
    again = _wa_document("Masih mati, belum diganti", message_id="wamid.3", sent=clock())
    assert _wa_post(server, again)[0] == 200
    complaint = desk.get(ref)
    assert complaint.history[-1].type == "reporter_replied"
    assert complaint.status.value == "in_progress"
    assert len(desk.list()) == 1  # both continued the thread: no new complaint
    clock.advance(timedelta(hours=1))
    other = _wa_document("Ada sampah menumpuk #61.07", message_id="wamid.4", sent=clock())
    assert _wa_post(server, other)[0] == 200
    assert len(desk.list()) == 2  # nothing waits for the reporter now: a new complaint


def _sms_post(
    server: Server, body: bytes, kind: str = "application/json", secret: bytes = SMS_SECRET
) -> tuple[int, bytes]:
    headers = {"Content-Type": kind, SIGNATURE_HEADER: sign(secret, body)}
    return _call(f"{server.url}/channels/sms", body, headers)


def test_sms_gateway_json_and_form_posts_file_complaints(server: Server, desk: Desk) -> None:
    body = json.dumps(
        {
            "from": "081234567890",
            "text": "LAPOR sampah menumpuk #61.07",
            "id": "gw-1",
            "received_at": "2026-03-02T08:55:00+07:00",
        }
    ).encode()
    assert _sms_post(server, body) == (200, b"OK")
    form = urlencode({"from": "+6285700000001", "text": "Air PDAM tidak mengalir", "id": "gw-2"})
    assert _sms_post(server, form.encode(), "application/x-www-form-urlencoded")[0] == 200
    complaints = sorted((desk.get(r.complaint_id) for r in desk.list()), key=lambda c: c.body)
    assert [(c.channel, c.reporter.phone, c.reporter.id) for c in complaints] == [
        ("sms", "+6285700000001", "sms:+6285700000001"),
        ("sms", "+6281234567890", "sms:+6281234567890"),
    ]
    assert complaints[1].submitted_at == datetime(2026, 3, 2, 1, 55, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (
            {"from": "+6281234567890", "text": "x", "received_at": "2026-03-02T08:55:00"},
            "received_at",
        ),
        ({"from": "bukan-nomor", "text": "Jalan rusak"}, "from"),
        ({"from": "+6281234567890"}, "text"),
        ({"from": "+6281234567890", "text": "   "}, "text"),
    ],
)
def test_bad_sms_gateway_posts_get_400_naming_the_field(
    server: Server, desk: Desk, document: dict[str, str], field: str
) -> None:
    status, answer = _sms_post(server, json.dumps(document).encode())
    assert status == 400
    assert json.loads(answer)["error"]["field"] == field
    assert desk.list() == []


def test_sms_gateway_signature_and_unknown_channels(server: Server, desk: Desk) -> None:
    body = json.dumps({"from": "+6281234567890", "text": "Jalan rusak"}).encode()
    assert _sms_post(server, body, secret=b"salah")[0] == 401
    assert _call(f"{server.url}/channels/telegram", body)[0] == 404
    assert desk.list() == []


def test_load_channels_names_the_table_and_setting(tmp_path: Path) -> None:
    pm = plugin_manager(load_entrypoints=False)
    with pytest.raises(InvalidInputError, match=r"\[wa\]\.type") as info:
        load_channels({"wa": {"app_secret": "s"}}, pm=pm)
    assert "whatsapp" in str(info.value)
    with pytest.raises(InvalidInputError, match=r"\[whatsapp\]\.verify_token"):
        load_channels({"whatsapp": {"app_secret": "s", "region": "61.07"}}, pm=pm)
    with pytest.raises(InvalidInputError, match=r"\[sms\]\.region"):
        load_channels({"sms": {"secret": "s", "region": "99.99"}}, pm=pm)
    with pytest.raises(InvalidInputError, match=r"\[sms\]\.port"):
        load_channels({"sms": {"secret": "s", "region": "61.07", "port": 1}}, pm=pm)
    path = tmp_path / "channels.toml"
    path.write_text('[sms-xl]\ntype = "sms"\nsecret = "kunci-rahasia-sms"\nregion = "61.07"\n')
    (channel,) = load_channels(path, pm=pm).values()
    assert isinstance(channel, SmsGatewayChannel)
    assert "kunci-rahasia-sms" not in repr(channel)
    whatsapp = WhatsAppChannel(
        app_secret="kunci-rahasia-meta", verify_token="token-rahasia", default_region="61.07"
    )
    assert "rahasia" not in repr(whatsapp)


def test_serve_mounts_the_channels_file_and_routes_answers_by_sms(tmp_path: Path) -> None:
    channels = tmp_path / "channels.toml"
    channels.write_text(
        f'[whatsapp]\napp_secret = "a"\nverify_token = "{VERIFY}"\nregion = "61.07"\n'
        f'[sms]\nsecret = "{SMS_SECRET.decode()}"\nregion = "61.07"\n'
    )
    notifiers = tmp_path / "notifiers.toml"
    notifiers.write_text('default = "log"\n[log]\n[sms]\nurl = "http://127.0.0.1:9/send"\n')
    port = free_port()
    db = f"sqlite:///{tmp_path / 's.db'}"
    command = [sys.executable, "-m", "sp4n", "serve", "--db", db, "--port", str(port)]
    command += ["--channels", str(channels), "--notifiers", str(notifiers), "--no-access-log"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "/channels/whatsapp, /channels/sms" in line
        query = urlencode(
            {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "42"}
        )
        assert _call(f"http://127.0.0.1:{port}/channels/whatsapp?{query}") == (200, b"42")
        body = json.dumps({"from": "+6281234567890", "text": "Jalan rusak #road", "id": "g1"})
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(SMS_SECRET, body.encode()),
        }
        assert _call(f"http://127.0.0.1:{port}/channels/sms", body.encode(), headers)[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
    with Desk.open(db) as desk:
        outbox = desk.store.pending_outbox(limit=10, now=desk.clock())
    [to_reporter] = [m for m in outbox if m.recipient_role == "reporter"]
    assert to_reporter.payload["address"] == "+6281234567890"
    assert to_reporter.payload["via"] == "sms"  # the SMS reporter is told by SMS
    bad = subprocess.run(
        [sys.executable, "-m", "sp4n", "serve", "--channels", str(tmp_path / "none.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "none.toml" in bad.stderr


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[]", "body"),
        (b'{"object": "page", "entry": []}', "object"),
        (b'{"object": "whatsapp_business_account", "entry": {}}', "entry"),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": '
            b'"messages", "value": {"messages": [{"from": "62812345678", "id": "w", '
            b'"timestamp": "kemarin", "type": "text", "text": {"body": "x"}}]}}]}]}',
            "entry[0].changes[0].value.messages[0].timestamp",
        ),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": '
            b'"messages", "value": {"messages": [{"from": "+62 812", "id": "w", '
            b'"timestamp": "1772416800", "type": "text", "text": {"body": "x"}}]}}]}]}',
            "entry[0].changes[0].value.messages[0].from",
        ),
    ],
)
def test_malformed_whatsapp_bodies_get_400_naming_the_field(
    server: Server, desk: Desk, body: bytes, field: str
) -> None:
    status, answer = _wa_post(server, body)
    assert status == 400
    assert json.loads(answer)["error"]["field"] == field
    assert desk.list() == []


def test_receipts_and_unread_message_kinds_are_acknowledged_and_file_nothing(
    server: Server, desk: Desk
) -> None:
    document = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {"field": "messages", "value": {"statuses": [{"id": "w", "status": "read"}]}},
                    {
                        "field": "messages",
                        "value": {
                            "messages": [
                                {
                                    "from": "6281234567890",
                                    "id": "r",
                                    "timestamp": "1772416800",
                                    "type": "reaction",
                                    "reaction": {"emoji": "👍"},
                                }
                            ]
                        },
                    },
                ]
            }
        ],
    }
    assert _wa_post(server, json.dumps(document).encode()) == (200, b"OK")
    assert desk.list() == []


def test_a_store_that_fails_answers_503_and_the_retry_is_filed(
    desk: Desk, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = {"sms": SmsGatewayChannel(secret=SMS_SECRET, default_region="61.07")}
    site = make_site(desk, channels=channels)
    body = json.dumps({"from": "+6281234567890", "text": "Jalan rusak", "id": "gw-9"}).encode()
    real_append = desk.store.append

    def down(*args: Any, **kwargs: Any) -> None:
        raise StoreUnavailableError("sqlite", "disk I/O error")

    settings = ServeSettings(port=0, threads=2, channel_timeout=5, drain_timeout=5)
    with serving(site, settings) as running:
        monkeypatch.setattr(desk.store, "append", down)
        assert _sms_post(running, body)[0] == 503
        monkeypatch.setattr(desk.store, "append", real_append)
        assert _sms_post(running, body)[0] == 200  # the gateway's retry is not dropped
    assert len(desk.list()) == 1


def test_a_web_complaint_with_a_local_number_is_continued_by_sms(clock: FrozenClock) -> None:
    with Desk.open("memory://", clock=clock) as desk:
        complaint = desk.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Air PDAM keruh",
                body="Sudah tiga hari.",
                region="61.07",
                topic="road",
                channel="web",
                reporter={"id": "warga-5", "phone": "0812 3456 7890"},
            )
        )
        ref = complaint.tracking_id
        desk.verify(ref)
        desk.forward(ref)
        desk.acknowledge(ref)
        held = desk.request_info(ref, "Alamat lengkapnya?")
        clock.advance(timedelta(hours=1))
        message = InboundMessage(
            channel="sms",
            sender="+6281234567890",
            text="Jl. Merdeka 5",
            external_id="g-1",
            received_at=clock(),
        )
        received = desk.receive(message, default_region="61.07")
    assert received.action == "info_provided"
    assert received.complaint.complaint_id == held.complaint_id
    assert received.complaint.history[-1].actor.id == "warga-5"
    assert received.complaint.history[-1].payload["channel"] == "sms"


def test_a_tracking_id_in_the_message_picks_which_waiting_complaint_it_answers(
    clock: FrozenClock,
) -> None:
    def message(text: str, number: int) -> InboundMessage:
        return InboundMessage(
            channel="whatsapp",
            sender=f"+{PHONE}",
            text=text,
            external_id=f"wamid.{number}",
            received_at=clock(),
        )

    with Desk.open("memory://", clock=clock) as desk:
        texts = ("Jalan rusak di Sebalo #road", "Lampu mati di Seluas #road")
        refs = [
            desk.receive(message(text, n), default_region="61.07").complaint.tracking_id
            for n, text in enumerate(texts)
        ]  # two complaints while none waits for the reporter
        for ref in refs:
            desk.verify(ref)
            desk.forward(ref)
            desk.acknowledge(ref)
            clock.advance(timedelta(minutes=5))
            desk.request_info(ref, "Lokasi tepatnya?")
        clock.advance(timedelta(hours=1))
        first = desk.receive(
            message(f"Untuk {refs[0].lower()}: depan pasar", 7), default_region="61.07"
        )
        assert first.complaint.tracking_id == refs[0]  # named, though the other is newer
        other = desk.receive(message("Dekat jembatan", 8), default_region="61.07")
        assert other.complaint.tracking_id == refs[1]  # the last one still waiting
        assert {first.action, other.action} == {"info_provided"}


def test_the_access_log_hides_the_verify_token(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    channels = {
        "whatsapp": WhatsAppChannel(
            app_secret=APP_SECRET, verify_token=VERIFY, default_region="61.07"
        )
    }
    site = with_access_log(make_site(desk, channels=channels))
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "77"}
    caplog.set_level(logging.INFO, logger="sp4n.access")
    settings = ServeSettings(port=0, threads=2, channel_timeout=5, drain_timeout=5)
    with serving(site, settings) as running:
        assert _call(f"{running.url}/channels/whatsapp?{urlencode(query)}") == (200, b"77")
    assert "/channels/whatsapp?" in caplog.text
    assert VERIFY not in caplog.text
    assert "hub.verify_token=***" in caplog.text
