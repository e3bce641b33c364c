"""Webhook and chat delivery through a proxy (HTTPS_PROXY/NO_PROXY), with TLS verified.

Real parts on 127.0.0.1: a CONNECT proxy that records what it relays, an HTTPS receiver
with a self-signed certificate made by ``openssl`` for this test, a plain HTTP receiver.
"""

from __future__ import annotations

import json
import re
import select
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sp4n_notifier_chat import ChatNotifier

from sp4n.adapters.notifiers import (
    Notification,
    Recipient,
    WebhookNotifier,
    proxy_for,
)
from sp4n.adapters.notifiers._plugin import webhook_from_settings
from sp4n.errors import DeliveryError, InvalidInputError

OPENSSL = shutil.which("openssl") or "openssl"  # needed, never skipped: the real TLS part


def _note(role: str = "admin") -> Notification:
    return Notification(
        key="k-1",
        recipient=Recipient(role=role, address="ops@pemda.go.id", lang="id"),
        subject="Laporan baru",
        body="LAPOR-2026-AB12-CD34E menunggu verifikasi.",
    )


def _deliver(notifier: WebhookNotifier, times: int = 1) -> None:
    """Send ``times`` notifications, then close the kept-alive connection."""
    try:
        for _ in range(times):
            notifier.send(_note())
    finally:
        notifier.close()


class Proxy:
    """A forwarding proxy: ``CONNECT host:port`` tunnels, absolute-form requests relayed."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve_quietly, args=(client,), daemon=True).start()

    def _serve_quietly(self, client: socket.socket) -> None:
        try:
            self._serve(client)
        except OSError:  # a side hung up (e.g. the client refused the certificate)
            return

    def _serve(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode()
            self.seen.append(line)
            method, target, _ = line.split(" ", 2)
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)), timeout=10)
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                rest = head.split(b"\r\n\r\n", 1)[1]
                if rest:
                    upstream.sendall(rest)
            else:  # absolute form: http://host:port/path -> origin form to the host
                _, _, hostport, path = target.split("/", 3)
                host, port = hostport.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)), timeout=10)
                upstream.sendall(head.replace(target.encode(), b"/" + path.encode(), 1))
            with upstream:
                self._pipe(client, upstream)

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        while True:
            ready, _, _ = select.select([a, b], [], [], 10)
            if not ready:
                return
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                (b if sock is a else a).sendall(data)

    def close(self) -> None:
        self._stop = True
        self.sock.close()


class Receiver:
    """An HTTP(S) server recording each POST's path and JSON body; answers 200."""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps the connection (and a tunnel) alive

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.received.append((self.path, json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if context is not None:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/hooks/sp4n"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made for these tests."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def https(certificate: tuple[Path, Path]) -> Iterator[Receiver]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    receiver = Receiver(context)
    yield receiver
    receiver.close()


@pytest.fixture
def http_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    running = Proxy()
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield running
    running.close()


def test_a_self_signed_receiver_is_refused_unless_its_ca_is_configured(
    https: Receiver, certificate: tuple[Path, Path], proxy: Proxy
) -> None:
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED") as refused:
        _deliver(WebhookNotifier(https.url, secret="s"))
    assert not refused.value.permanent  # retried later; the operator fixes ca_file meanwhile
    assert https.received == []
    _deliver(WebhookNotifier(https.url, secret="s", ca_file=str(certificate[0])))
    assert [path for path, _ in https.received] == ["/hooks/sp4n"]
    assert proxy.seen == []  # no proxy in the environment: straight to the receiver


def test_https_goes_through_the_proxy_s_connect_tunnel_with_tls_end_to_end(
    https: Receiver, certificate: tuple[Path, Path], proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    notifier = WebhookNotifier(https.url, secret="s", ca_file=str(certificate[0]))
    _deliver(notifier, times=2)  # the kept-alive tunnel carries the second one
    port = https.url.split(":")[2].split("/")[0]
    assert [line.rsplit(" ", 1)[0] for line in proxy.seen] == [f"CONNECT 127.0.0.1:{port}"]
    assert len(https.received) == 2
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        _deliver(WebhookNotifier(https.url, secret="s"))  # the tunnel does not skip TLS


def test_no_proxy_hosts_are_reached_directly(
    https: Receiver, certificate: tuple[Path, Path], proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("https_proxy", proxy.url)
    monkeypatch.setenv("no_proxy", "localhost, 127.0.0.1")
    _deliver(WebhookNotifier(https.url, secret="s", ca_file=str(certificate[0])))
    assert proxy.seen == []
    assert len(https.received) == 1


def test_plain_http_goes_through_http_proxy_in_absolute_form(
    http_receiver: Receiver, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    _deliver(WebhookNotifier(http_receiver.url, secret="s"))
    assert [line.rsplit(" ", 1)[0] for line in proxy.seen] == [f"POST {http_receiver.url}"]
    assert http_receiver.received[0][1]["subject"] == "Laporan baru"


def test_the_chat_notifier_honours_the_proxy_and_verifies_tls(
    https: Receiver, certificate: tuple[Path, Path], proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        ChatNotifier(url=https.url).send(_note())
    ChatNotifier(url=https.url, ca_file=str(certificate[0])).send(_note())
    assert [line.split()[0] for line in proxy.seen] == ["CONNECT", "CONNECT"]
    assert https.received[0][1]["text"].startswith("*Laporan baru*")


def test_proxy_settings_and_bad_values(
    proxy: Proxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.pemda.go.id:3128")
    monkeypatch.setenv("NO_PROXY", ".internal.pemda.go.id,10.0.0.5:8080")
    assert proxy_for("https://chat.example.org/hooks/x") == "http://proxy.pemda.go.id:3128"
    assert proxy_for("https://chat.internal.pemda.go.id/hooks/x") is None
    assert proxy_for("https://internal.pemda.go.id/hooks/x") is None
    assert proxy_for("https://10.0.0.5/hooks/x") is None
    assert proxy_for("http://chat.example.org/hooks/x") is None  # no HTTP_PROXY set
    monkeypatch.setenv("HTTPS_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(DeliveryError, match=re.escape("HTTPS_PROXY = 'socks5://127.0.0.1:1080'")):
        _deliver(WebhookNotifier("https://chat.example.org/x", secret="s"))
    (tmp_path / "bad.pem").write_text("not a certificate", encoding="utf-8")
    for bad in (str(tmp_path / "missing.pem"), str(tmp_path / "bad.pem")):
        with pytest.raises(InvalidInputError, match=r"settings\.ca_file"):
            webhook_from_settings({"url": "https://x.example/h", "secret": "s", "ca_file": bad})
    with pytest.raises(InvalidInputError, match=r"settings\.ca_file"):
        ChatNotifier(url="https://x.example/h", ca_file=str(tmp_path / "missing.pem"))
