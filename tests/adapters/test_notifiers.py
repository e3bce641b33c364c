"""Notifiers against real servers on 127.0.0.1: SMTP (aiosmtpd) and HTTP (http.server)."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest

from servers import free_port, http_server, smtp_server
from sp4n.adapters.notifiers import (
    SIGNATURE_HEADER,
    LogNotifier,
    Notification,
    Recipient,
    SmtpNotifier,
    WebhookNotifier,
    sign,
    verify_signature,
)
from sp4n.errors import DeliveryError, InvalidInputError

SECRET = b"rahasia-bersama"


def _notification(key: str = "c1:3:reporter", address: str = "warga@example.id") -> Notification:
    return Notification(
        key=key,
        recipient=Recipient(role="reporter", address=address, name="Budi", lang="id"),
        subject="Laporan LAPOR-2026-000001 diteruskan",
        body="Laporan Anda telah diteruskan kepada Dinas PUPR Kabupaten Bengkayang.",
        data={"tracking_id": "LAPOR-2026-000001", "status": "forwarded"},
    )


def test_smtp_delivers_a_real_message_with_idempotency_headers() -> None:
    with smtp_server() as (port, inbox):
        SmtpNotifier(host="127.0.0.1", port=port, sender="lapor@bengkayangkab.go.id").send(
            _notification()
        )
    assert len(inbox) == 1
    mail = inbox[0]
    assert mail["To"] == "Budi <warga@example.id>"
    assert mail["Subject"] == "Laporan LAPOR-2026-000001 diteruskan"
    assert mail["X-Sp4n-Idempotency-Key"] == "c1:3:reporter"
    digest = hashlib.sha256(b"c1:3:reporter").hexdigest()[:32]
    assert mail["Message-ID"] == f"<{digest}@sp4n.invalid>"
    assert "Dinas PUPR Kabupaten Bengkayang" in mail.get_payload(decode=True).decode()


def test_smtp_refused_recipient_is_a_permanent_failure() -> None:
    with smtp_server(refuse={"hilang@example.id"}) as (port, inbox):
        notifier = SmtpNotifier(host="127.0.0.1", port=port)
        with pytest.raises(DeliveryError) as info:
            notifier.send(_notification(address="hilang@example.id"))
    assert info.value.permanent
    assert inbox == []


def test_smtp_unreachable_server_is_a_temporary_failure() -> None:
    notifier = SmtpNotifier(host="127.0.0.1", port=free_port(), timeout=2)
    with pytest.raises(DeliveryError) as info:
        notifier.send(_notification())
    assert not info.value.permanent
    assert "c1:3:reporter" in str(info.value)


def test_webhook_posts_signed_json() -> None:
    received: list[tuple[dict[str, str], bytes]] = []

    def handler(path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        received.append((headers, body))
        return 204, b""

    with http_server(handler) as url:
        WebhookNotifier(url=f"{url}/hook", secret=SECRET).send(_notification())
    [(headers, body)] = received
    assert headers["idempotency-key"] == "c1:3:reporter"
    assert verify_signature(SECRET, body, headers[SIGNATURE_HEADER.lower()])
    assert not verify_signature(b"other", body, headers[SIGNATURE_HEADER.lower()])
    document = json.loads(body)
    assert document["idempotency_key"] == "c1:3:reporter"
    assert document["data"]["tracking_id"] == "LAPOR-2026-000001"


@pytest.mark.parametrize(
    ("status", "permanent"), [(400, True), (410, True), (429, False), (503, False)]
)
def test_webhook_http_errors_are_classified(status: int, permanent: bool) -> None:
    with (
        http_server(lambda path, headers, body: (status, b"no")) as url,
        pytest.raises(DeliveryError) as info,
    ):
        WebhookNotifier(url=url, secret=SECRET).send(_notification())
    assert info.value.permanent is permanent
    assert f"HTTP {status}" in str(info.value)


def test_webhook_rejects_non_http_url() -> None:
    with pytest.raises(InvalidInputError, match="url = 'ftp://x'"):
        WebhookNotifier(url="ftp://x", secret=SECRET)


def test_signature_is_hmac_sha256_of_the_body() -> None:
    import hashlib
    import hmac

    body = b'{"a": 1}'
    assert sign(SECRET, body) == "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    assert not verify_signature(SECRET, body, None)


def test_log_notifier_records_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    notifier = LogNotifier()
    with caplog.at_level(logging.INFO, logger="sp4n.notify"):
        notifier.send(_notification())
    assert [n.key for n in notifier.sent] == ["c1:3:reporter"]
    assert "c1:3:reporter" in caplog.text


def test_recipient_and_notification_validate() -> None:
    with pytest.raises(InvalidInputError, match="address"):
        Recipient(role="reporter", address=" ")
    with pytest.raises(ValueError, match="lang"):
        Recipient(role="reporter", address="a@b", lang="fr")
    with pytest.raises(InvalidInputError, match="key"):
        Notification(key="", recipient=Recipient(role="admin", address="a@b"), subject="", body="")


def test_webhook_keeps_the_connection_alive_and_survives_a_restart() -> None:
    """HTTP/1.1 receivers get one connection for many notifications; a receiver that went
    away and came back (the kept-alive socket is stale) still gets the next one."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    peers: list[tuple[str, int]] = []
    keys: list[str] = []

    class Keep(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            keys.append(str(self.headers.get("Idempotency-Key")))
            peers.append(self.client_address)
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    def start(port: int) -> tuple[ThreadingHTTPServer, threading.Thread]:
        ThreadingHTTPServer.allow_reuse_address = True
        server = ThreadingHTTPServer(("127.0.0.1", port), Keep)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        return server, thread

    port = free_port()
    server, thread = start(port)
    notifier = WebhookNotifier(url=f"http://127.0.0.1:{port}/hook", secret=SECRET)
    for n in range(3):
        notifier.send(_notification(key=f"k{n}"))
    assert len(set(peers)) == 1
    server.shutdown()
    server.server_close()
    thread.join()
    server, thread = start(port)
    try:
        notifier.send(_notification(key="k3"))
    finally:
        notifier.close()
        server.shutdown()
        server.server_close()
        thread.join()
    assert keys == ["k0", "k1", "k2", "k3"]
