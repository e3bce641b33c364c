"""Outbound SMS and WhatsApp notifiers against real HTTP servers on 127.0.0.1, and the Desk
telling SMS and WhatsApp reporters (anonymous ones through the sealed handle) by the channel
they used (decision 0200)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest

from servers import http_server
from sp4n.adapters.channels import InboundMessage
from sp4n.adapters.notifiers import (
    SIGNATURE_HEADER,
    LogNotifier,
    Notification,
    Notifier,
    Recipient,
    SmsNotifier,
    WhatsAppNotifier,
    verify_signature,
)
from sp4n.adapters.notifiers._plugin import sms_from_settings, whatsapp_from_settings
from sp4n.desk import Desk
from sp4n.errors import DeliveryError, InvalidInputError
from sp4n.lifecycle import ComplaintDraft
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Pontianak")
PHONE = "+6281234567890"
Seen = list[tuple[str, dict[str, str], bytes]]


def _note(
    address: str = PHONE, body: str = "Laporan LAPOR-2026-AB12-CD34E diteruskan."
) -> Notification:
    return Notification(
        key="c1:3:reporter",
        recipient=Recipient(role="reporter", address=address, lang="id"),
        subject="[SP4N-LAPOR!] Laporan LAPOR-2026-AB12-CD34E: Diteruskan",
        body=body,
    )


@pytest.fixture
def gateway() -> Iterator[tuple[str, Seen, list[int]]]:
    seen: Seen = []
    answers = [200]

    def handle(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        seen.append((path, headers, body))
        status = answers[0] if len(answers) == 1 else answers.pop(0)
        return status, b'{"status":"queued"}' if status < 300 else b'{"error":"ditolak"}'

    with http_server(handle) as url:
        yield url, seen, answers


def test_sms_posts_json_with_bearer_signature_and_idempotency_key(
    gateway: tuple[str, Seen, list[int]],
) -> None:
    url, seen, _ = gateway
    SmsNotifier(url=f"{url}/send", token="tok-1", secret="kunci").send(_note())
    [(path, headers, body)] = seen
    assert path == "/send"
    assert json.loads(body) == {
        "to": PHONE,
        "text": "Laporan LAPOR-2026-AB12-CD34E diteruskan.",
        "reference": "c1:3:reporter",
    }
    assert headers["authorization"] == "Bearer tok-1"
    assert headers["idempotency-key"] == "c1:3:reporter"
    assert verify_signature(b"kunci", body, headers[SIGNATURE_HEADER.lower()])


def test_sms_form_body_with_the_gateways_field_names_and_a_long_text_cut(
    gateway: tuple[str, Seen, list[int]],
) -> None:
    url, seen, _ = gateway
    notifier = SmsNotifier(url=url, body="form", to_field="msisdn", text_field="message")
    notifier.send(_note(address="0812 3456 7890", body="Jalan " * 400))
    [(_, headers, body)] = seen
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    assert form["msisdn"] == PHONE
    assert len(form["message"]) == 1600
    assert form["message"].endswith("…")
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in headers


@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (401, True), (429, False), (503, False)]
)
def test_gateway_answers_are_classified(
    gateway: tuple[str, Seen, list[int]], status: int, permanent: bool
) -> None:
    url, _, answers = gateway
    answers[0] = status
    with pytest.raises(DeliveryError) as info:
        SmsNotifier(url=url).send(_note())
    assert info.value.permanent is permanent
    assert f"HTTP {status}" in str(info.value)
    assert PHONE not in str(info.value)


def test_no_gateway_and_no_phone_number_are_delivery_errors() -> None:
    with pytest.raises(DeliveryError) as down:
        SmsNotifier(url="http://127.0.0.1:9/send", timeout=2).send(_note())
    assert not down.value.permanent
    with pytest.raises(DeliveryError) as mail:
        SmsNotifier(url="http://127.0.0.1:9/send").send(_note(address="warga@example.id"))
    assert mail.value.permanent


def test_whatsapp_posts_a_text_message_to_the_cloud_api(
    gateway: tuple[str, Seen, list[int]],
) -> None:
    url, seen, _ = gateway
    WhatsAppNotifier(phone_number_id="1061", access_token="EAAG-rahasia", api_url=url).send(_note())
    [(path, headers, body)] = seen
    assert path == "/1061/messages"
    assert headers["authorization"] == "Bearer EAAG-rahasia"
    assert json.loads(body) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "biz_opaque_callback_data": "c1:3:reporter",
        "type": "text",
        "text": {"preview_url": False, "body": "Laporan LAPOR-2026-AB12-CD34E diteruskan."},
    }


def test_whatsapp_template_mode_carries_the_text_as_its_parameter(
    gateway: tuple[str, Seen, list[int]],
) -> None:
    url, seen, answers = gateway
    notifier = WhatsAppNotifier(
        phone_number_id="1061", access_token="t", api_url=url, template="status_laporan"
    )
    notifier.send(_note())
    document = json.loads(seen[0][2])
    assert document["type"] == "template"
    assert document["template"]["name"] == "status_laporan"
    assert document["template"]["language"] == {"code": "id"}
    parameters = document["template"]["components"][0]["parameters"]
    assert parameters == [{"type": "text", "text": "Laporan LAPOR-2026-AB12-CD34E diteruskan."}]
    answers[0] = 400  # outside the 24-hour window Meta refuses free text: permanent
    with pytest.raises(DeliveryError) as info:
        WhatsAppNotifier(phone_number_id="1061", access_token="t", api_url=url).send(_note())
    assert info.value.permanent
    assert "rahasia" not in repr(WhatsAppNotifier(phone_number_id="1", access_token="rahasia"))


def test_sms_goes_through_the_environments_proxy(
    gateway: tuple[str, Seen, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, seen, _ = gateway
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("http_proxy", proxy)
    SmsNotifier(url="http://sms-gateway.invalid/api/send").send(_note())
    [(target, headers, _)] = seen
    assert target == "http://sms-gateway.invalid/api/send"  # the absolute form: via the proxy
    assert headers["host"] == "sms-gateway.invalid"


def test_settings_build_both_and_name_bad_ones() -> None:
    sms = sms_from_settings({"url": "https://sms.example/send", "token": "t", "body": "form"})
    assert (sms.url, sms.body) == ("https://sms.example/send", "form")
    wa = whatsapp_from_settings({"phone_number_id": "1", "access_token": "t", "template": "x"})
    assert wa.template == "x"
    with pytest.raises(InvalidInputError, match=r"settings\.url"):
        sms_from_settings({})
    with pytest.raises(InvalidInputError, match=r"settings\.sender"):
        sms_from_settings({"url": "https://sms.example", "sender": "x"})
    with pytest.raises(InvalidInputError, match="body"):
        sms_from_settings({"url": "https://sms.example", "body": "xml"})
    with pytest.raises(InvalidInputError, match=r"settings\.access_token"):
        whatsapp_from_settings({"phone_number_id": "1"})
    with pytest.raises(InvalidInputError, match="api_url"):
        whatsapp_from_settings({"phone_number_id": "1", "access_token": "t", "api_url": "ftp://x"})


@pytest.fixture
def two_gateways() -> Iterator[dict[str, tuple[str, Seen]]]:
    found: dict[str, tuple[str, Seen]] = {}
    sms_seen: Seen = []
    wa_seen: Seen = []

    def record(into: Seen) -> Any:
        def handle(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
            into.append((path, headers, body))
            return 200, b"{}"

        return handle

    with http_server(record(sms_seen)) as sms_url, http_server(record(wa_seen)) as wa_url:
        found["sms"] = (sms_url, sms_seen)
        found["whatsapp"] = (wa_url, wa_seen)
        yield found


def _desk(gateways: dict[str, tuple[str, Seen]]) -> Desk:
    notifiers: dict[str, Notifier] = {
        "log": LogNotifier(),  # the default, for the officers' e-mail addresses here
        "sms": SmsNotifier(url=f"{gateways['sms'][0]}/send"),
        "whatsapp": WhatsAppNotifier(
            phone_number_id="1061", access_token="t", api_url=gateways["whatsapp"][0]
        ),
    }
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    return Desk.open("memory://", clock=clock, notifiers=notifiers)


def test_whatsapp_reporters_hear_by_whatsapp_and_sms_reporters_by_sms(
    two_gateways: dict[str, tuple[str, Seen]],
) -> None:
    with _desk(two_gateways) as desk:
        at = desk.clock()
        wa = desk.receive(
            InboundMessage(
                channel="whatsapp",
                sender=PHONE,
                text="Jalan rusak #road",
                external_id="wamid.1",
                received_at=at,
            ),
            default_region="61.07",
        ).complaint
        sms = desk.receive(
            InboundMessage(
                channel="sms",
                sender="+6285700000001",
                text="Air mati #water",
                external_id="gw-1",
                received_at=at,
            ),
            default_region="61.07",
        ).complaint
        report = desk.deliver_notifications()
    assert not report.retrying
    assert not report.parked
    [(_, _, wa_body)] = two_gateways["whatsapp"][1]
    assert json.loads(wa_body)["to"] == PHONE.lstrip("+")
    assert wa.tracking_id in json.loads(wa_body)["text"]["body"]
    [(_, _, sms_body)] = two_gateways["sms"][1]
    assert json.loads(sms_body)["to"] == "+6285700000001"
    assert sms.tracking_id in json.loads(sms_body)["text"]


def test_an_anonymous_sms_reporter_is_reached_through_the_sealed_handle(
    two_gateways: dict[str, tuple[str, Seen]],
) -> None:
    draft = ComplaintDraft(
        kind="pengaduan",
        title="Pungutan liar",
        body="Diminta uang di loket.",
        region="61.07",
        topic="other",
        channel="sms",
        visibility="anonymous",
        reporter={"id": "sms:+6285700000002", "phone": "+6285700000002"},
    )
    with _desk(two_gateways) as desk:
        complaint = desk.submit(draft)
        outbox = desk.store.pending_outbox(limit=10, now=desk.clock())
        report = desk.deliver_notifications()
    assert len(report.delivered) == 2  # the reporter, and the admin (by the default: log)
    stored = json.dumps([dict(m.payload) for m in outbox], default=dict)
    assert "+6285700000002" not in stored  # the outbox holds the handle, never the number
    assert f"pelapor@{complaint.tracking_id}" in stored
    [(_, _, body)] = two_gateways["sms"][1]
    sent = json.loads(body)
    assert sent["to"] == "+6285700000002"  # resolved at delivery only (decision 0132)
    assert complaint.tracking_id in sent["text"]
    assert two_gateways["whatsapp"][1] == []
