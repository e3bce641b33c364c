"""The production server (waitress) of ``sp4n serve``, over real HTTP on 127.0.0.1.

Slow and hostile clients, many connections at once, bad request lengths, ``/healthz``, the
access log, and SIGTERM while requests are in flight.
"""

from __future__ import annotations

import concurrent.futures
import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from sp4n.desk import Desk
from sp4n.errors import InvalidInputError, RequestBodyError
from sp4n.open311 import make_site
from sp4n.serving import (
    Server,
    ServeSettings,
    health,
    read_body,
    serving,
    with_access_log,
)
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Pontianak")
KEY = "kunci-portal"
FORM = {
    "api_key": KEY,
    "service_code": "road",
    "lat": "0.8456",
    "long": "109.4777",
    "description": "Jalan kabupaten di Sebalo berlubang besar.",
    "attribute[road_status]": "kabupaten",
}


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    with Desk.open(f"sqlite:///{tmp_path / 'serve.db'}", clock=clock) as opened:
        yield opened


@pytest.fixture
def server(desk: Desk) -> Iterator[Server]:
    site = make_site(desk, api_keys=[KEY], region="61.07")
    settings = ServeSettings(port=0, threads=4, channel_timeout=5, drain_timeout=5)
    with serving(site, settings) as running:
        yield running


def _get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def _raw(port: int, request: bytes, timeout: float = 10) -> bytes:
    """Send ``request`` as is on a new connection; return everything answered until close."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
        return b"".join(chunks)


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    match = re.search(rb"(?i)content-length:\s*(\d+)", head)
    return match is None or len(body) >= int(match.group(1))


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def _post_raw(headers: str, body: bytes = b"") -> bytes:
    return (
        "POST /open311/v2/requests.json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
        f"{headers}\r\n"
    ).encode() + body


# Slow and many clients -------------------------------------------------------------------------


def test_a_slow_client_holding_half_a_request_does_not_block_50_others(server: Server) -> None:
    body = urlencode(FORM).encode()
    half_body = socket.create_connection(("127.0.0.1", server.port))
    half_head = socket.create_connection(("127.0.0.1", server.port))
    try:
        half_body.sendall(_post_raw(f"Content-Length: {len(body)}\r\n", body[: len(body) // 2]))
        half_head.sendall(b"GET /open311/v2/services.json HTTP/1.1\r\nHost: 127.0")
        started = time.monotonic()
        answers = [_get(f"{server.url}/open311/v2/services.json", timeout=2) for _ in range(50)]
        elapsed = time.monotonic() - started
    finally:
        half_body.close()
        half_head.close()
    assert [status for status, _ in answers] == [200] * 50
    assert elapsed < 2.0, f"50 requests took {elapsed:.2f} s behind a slow client"


def test_a_stalled_connection_is_closed_after_the_channel_timeout(desk: Desk) -> None:
    settings = ServeSettings(port=0, threads=1, channel_timeout=1)
    with serving(make_site(desk), settings) as running:
        sock = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        with sock:
            sock.sendall(b"POST /open311/v2/requests.json HTTP/1.1\r\nContent-Length: 10\r\n\r\n")
            started = time.monotonic()
            assert sock.recv(1024) == b""  # closed by the server, not by our timeout
            assert time.monotonic() - started < 8


def test_200_concurrent_connections_are_all_answered(server: Server) -> None:
    barrier = threading.Barrier(200, timeout=30)

    def one(_: int) -> int:
        barrier.wait()
        return _get(f"{server.url}/healthz", timeout=30)[0]

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses == [200] * 200
    assert time.monotonic() - started < 30


# Request bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ("Content-Length: -1\r\n", b"api_key=x", 400),
        ("Content-Length: \u0661\u0662\r\n", b"api_key=x", 400),  # Arabic-Indic digits
        ("Content-Length: 12abc\r\n", b"api_key=x", 400),
        ("", b"", 411),  # a POST with no length at all is not waited for
        # over the limit: refused at once, though only 100 of the bytes were ever sent
        (f"Content-Length: {64 * 1024 + 1}\r\n", b"x" * 100, 413),
    ],
)
def test_bad_content_length_is_refused_with_a_4xx(
    server: Server, desk: Desk, headers: str, body: bytes, status: int
) -> None:
    answer = _raw(server.port, _post_raw(headers, body))
    assert _status(answer) == status
    assert b"Traceback" not in answer
    assert desk.list() == []


def test_chunked_bodies_are_read_and_bounded(server: Server, desk: Desk) -> None:
    form = urlencode(FORM).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (form[:40], form[40:]))
    answer = _raw(server.port, _post_raw("Transfer-Encoding: chunked\r\n", chunks + b"0\r\n\r\n"))
    assert _status(answer) == 201
    assert len(desk.list()) == 1
    big = b"x" * (70 * 1024)
    answer = _raw(
        server.port,
        _post_raw("Transfer-Encoding: chunked\r\n", b"%x\r\n%s\r\n0\r\n\r\n" % (len(big), big)),
    )
    assert _status(answer) == 413  # by the server, as the chunks pass the limit
    assert len(desk.list()) == 1


def _environ(body: bytes, **extra: Any) -> dict[str, Any]:
    return {"wsgi.input": io.BytesIO(body), **extra}


def test_read_body_under_any_wsgi_server() -> None:
    assert read_body(_environ(b"a=1", CONTENT_LENGTH="3")) == b"a=1"
    assert read_body(_environ(b"", CONTENT_LENGTH="0")) == b""
    # gunicorn passes chunked bodies without a length: read up to the limit, no further
    chunked = _environ(b"a" * 10, HTTP_TRANSFER_ENCODING="chunked")
    assert read_body(chunked, limit=10) == b"a" * 10
    with pytest.raises(RequestBodyError) as raised:
        read_body(_environ(b"a" * 11, HTTP_TRANSFER_ENCODING="chunked"), limit=10)
    assert (raised.value.status, raised.value.field) == (413, "body")
    for bad in ("-1", "\u0661", "1e3", " ", "+5", "0x10"):
        with pytest.raises(RequestBodyError) as raised:
            read_body(_environ(b"abc", CONTENT_LENGTH=bad))
        if bad.strip():
            assert (raised.value.status, raised.value.field) == (400, "Content-Length")
            assert "non-negative whole number" in str(raised.value)
    for environ in (_environ(b"abc"), _environ(b"abc", **{"wsgi.input_terminated": True})):
        with pytest.raises(RequestBodyError) as raised:
            read_body(environ)  # neither a length nor chunked: refused, not waited for
        assert raised.value.status == 411
    with pytest.raises(RequestBodyError) as raised:
        read_body(_environ(b"abc", CONTENT_LENGTH="10"))
    assert raised.value.status == 400
    assert "ended before the 10 bytes" in str(raised.value)


# Health and access log -------------------------------------------------------------------------


def test_healthz_reads_the_store_and_says_503_when_it_cannot(server: Server, desk: Desk) -> None:
    status, body = _get(f"{server.url}/healthz")
    assert status == 200
    assert json.loads(body)["status"] == "ok"
    assert json.loads(body)["store"] == "SqliteStore"
    desk.store.close()  # the store is gone: the check must say so, not crash
    status, body = _get(f"{server.url}/healthz")
    assert status == 503
    assert json.loads(body)["status"] == "unavailable"
    assert health(desk)[0] == 503


def test_the_access_log_has_one_line_per_request_without_api_keys(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    site = with_access_log(make_site(desk, api_keys=[KEY]))
    with (
        caplog.at_level(logging.INFO, logger="sp4n.access"),
        serving(site, ServeSettings(port=0)) as running,
    ):
        _get(f"{running.url}/open311/v2/services.json?api_key=rahasia&x=1")
        _get(f"{running.url}/tidak-ada")
    lines = [r.getMessage() for r in caplog.records if r.name == "sp4n.access"]
    assert len(lines) == 2
    assert re.fullmatch(
        r'127\.0\.0\.1 "GET /open311/v2/services\.json\?api_key=\*\*\*&x=1 HTTP/1\.1" 200 \d+ '
        r"[0-9.]+ms",
        lines[0],
    )
    assert '"GET /tidak-ada HTTP/1.1" 404' in lines[1]
    assert "rahasia" not in "\n".join(lines)


def test_settings_are_checked_and_a_busy_port_is_a_typed_error(server: Server) -> None:
    with pytest.raises(InvalidInputError, match="threads = 0: must be a number from 1 to 256"):
        ServeSettings(threads=0)
    with pytest.raises(InvalidInputError, match="channel_timeout"):
        ServeSettings(channel_timeout=-1)
    with pytest.raises(InvalidInputError, match=f"port = {server.port}: cannot listen"):
        Server(lambda environ, start_response: [], ServeSettings(port=server.port))


def test_stop_is_safe_from_several_threads_while_the_server_closes(desk: Desk) -> None:
    errors: list[BaseException] = []
    for _ in range(30):
        server = Server(make_site(desk), ServeSettings(port=0, drain_timeout=0))
        loop = threading.Thread(target=server.serve_forever)
        loop.start()

        def stop(server: Server = server) -> None:
            try:
                server.stop()
            except BaseException as exc:  # a write to the closed wake-up pipe, say
                errors.append(exc)

        stoppers = [threading.Thread(target=stop) for _ in range(3)]
        for thread in stoppers:
            thread.start()
        for thread in [*stoppers, loop]:
            thread.join(timeout=10)
        server.stop()  # after the end too
        assert server.stopped.is_set()
    assert errors == []


def test_x_forwarded_headers_count_only_from_the_trusted_proxy(desk: Desk) -> None:
    def discovery_url(port: int, **headers: str) -> str:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/open311/discovery.json")
        for name, value in headers.items():
            request.add_header(name, value)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return str(json.loads(answer.read())["endpoints"][0]["url"])

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with serving(make_site(desk), ServeSettings(port=0)) as untrusted:
        assert discovery_url(untrusted.port, **forwarded).startswith("http://127.0.0.1:")
    with serving(make_site(desk), ServeSettings(port=0, trusted_proxy="127.0.0.1")) as behind:
        assert discovery_url(behind.port, **forwarded).startswith("https://127.0.0.1:")


def test_application_builds_the_site_from_the_environment_for_gunicorn(tmp_path: Path) -> None:
    from sp4n.serving import application

    site = application({"SP4N_DB": f"sqlite:///{tmp_path / 'g.db'}", "SP4N_REGION": "6107"})
    with serving(site, ServeSettings(port=0)) as running:
        assert _get(f"{running.url}/healthz")[0] == 200
        status, body = _get(f"{running.url}/open311/v2/requests.json?jurisdiction_id=35.73")
        assert status == 404  # the portal serves 61.07 only
        assert "61.07" in json.loads(body)[0]["description"]
    with pytest.raises(InvalidInputError, match="SP4N_REGION"):
        application({"SP4N_DB": "memory://", "SP4N_REGION": "61-07"})


# sp4n serve -------------------------------------------------------------------------------------


def _serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "sp4n", "serve", "--db", f"sqlite:///{tmp_path / 's.db'}"]
    process = subprocess.Popen(
        [*command, "--port", "0", "--region", "61.07", "--api-key", KEY, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = process.stdout.readline() if process.stdout else ""
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if match is None:
        process.kill()
        pytest.fail(f"sp4n serve did not start: {line!r} {process.communicate()[1]!r}")
    return process, match.group()


def _post(url: str, description: str) -> str | None:
    data = urlencode({**FORM, "description": description}).encode()
    try:
        with urllib.request.urlopen(f"{url}/open311/v2/requests.json", data, timeout=30) as answer:
            if answer.status == 201:
                return str(json.loads(answer.read())[0]["service_request_id"])
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None  # refused or cut after SIGTERM: never acknowledged
    return None


def test_sigterm_while_requests_are_in_flight_loses_no_accepted_complaint(tmp_path: Path) -> None:
    process, url = _serve(tmp_path, "--threads", "8")
    acknowledged: list[str] = []
    refused: list[int] = []
    stop = threading.Event()

    def client(number: int) -> None:
        sent = 0
        while not stop.is_set() and sent < 200:
            ref = _post(url, f"Laporan {number}-{sent}: jalan berlubang.")
            sent += 1
            if ref is None:
                refused.append(number)
                return
            acknowledged.append(ref)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)  # with 8 clients posting, requests are in flight
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert len(acknowledged) >= 20
    assert refused, "the clients were still posting when SIGTERM came"
    with Desk.open(f"sqlite:///{tmp_path / 's.db'}") as desk:
        stored = {row.tracking_id for row in desk.list(limit=10_000)}
    assert set(acknowledged) <= stored  # every 201 the server sent is in the store
    assert '"POST /open311/v2/requests.json HTTP/1.1" 201' in stderr  # the access log


def test_serve_bad_options_exit_2_with_one_line(tmp_path: Path) -> None:
    for option in (["--threads", "0"], ["--max-body", "-5"], ["--channel-timeout", "0"]):
        command = [sys.executable, "-m", "sp4n", "serve", "--db", "memory://", "--port", "0"]
        result = subprocess.run(
            [*command, *option], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 2, (option, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert option[0].lstrip("-").replace("-", "_") in result.stderr.replace("-", "_")
