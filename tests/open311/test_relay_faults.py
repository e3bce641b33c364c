"""``Relay.sync_all`` against a misbehaving hub on 127.0.0.1: each complaint's sync is on its
own and bounded (decision 0134)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socketserver
import threading
from collections.abc import Iterator

import pytest

from sp4n import Desk
from sp4n.errors import RemoteUnavailableError
from sp4n.lifecycle import ComplaintDraft, Reporter
from sp4n.open311 import GeoReportClient, Relay
from sp4n.open311._client import TEXT_MAX
from sp4n.testing import FrozenClock

AT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _item(ident: str, notes: str) -> bytes:
    return json.dumps(
        [{"service_request_id": ident, "status": "open", "status_notes": notes,
          "service_notice": "Diproses", "agency_responsible": "Kementerian ATR/BPN"}]
    ).encode()  # fmt: skip


def _answer(remote_id: str) -> bytes:
    """The raw HTTP bytes the bad hub answers for one remote id."""
    if remote_id == "badline":
        return b"HTTP/1.1 two-hundred OK\r\n\r\n[]"
    if remote_id == "garbage":
        return b"\x00\x01 not http at all\r\n\r\n"
    if remote_id == "huge":
        body = _item(remote_id, "x" * 200_000)
    elif remote_id == "deep":
        body = b"[" * 100_000 + b"]" * 100_000
    elif remote_id == "toobig":
        body = b"[" + b" " * (9 * 1024 * 1024) + b"]"
    else:
        body = _item(remote_id, f"Sudah ditangani ({remote_id}).")
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    return head.encode() + b"\r\nConnection: close\r\n\r\n" + body


class _BadHub(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        line = self.rfile.readline().decode("latin-1")
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        remote_id = line.split(" ")[1].rsplit("/", 1)[-1].removesuffix(".json")
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(_answer(remote_id))


@pytest.fixture
def hub_url() -> Iterator[str]:
    server = _BadHub(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/open311/v2"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _relayed(desk: Desk, url: str, remote_id: str) -> str:
    ref = desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title=f"Sertifikat tanah {remote_id}",
            body="Sertifikat belum terbit.",
            region="61.07",
            topic="land",
            channel="web",
            reporter=Reporter(id=f"warga-{remote_id}", email="w@example.org"),
        )
    ).tracking_id
    desk.verify(ref)
    desk.forward(ref, "61.07-kantah", remote=(url, remote_id))
    return ref


BAD = ("badline", "garbage", "deep", "toobig")


def test_one_bad_answer_stops_nothing(hub_url: str) -> None:
    with Desk.open("memory://", clock=FrozenClock(AT)) as desk:
        refs = {rid: _relayed(desk, hub_url, rid) for rid in ("ok1", *BAD, "huge", "ok2")}
        relay = Relay(desk, GeoReportClient(hub_url, timeout=5))
        report = relay.sync_all()
        assert report.checked == len(refs)
        failed = dict(report.failed)
        assert set(failed) == {refs[rid] for rid in BAD}
        for rid in BAD:
            assert hub_url in failed[refs[rid]]
        recorded = {ref for ref, _ in report.recorded}
        assert recorded == {refs["ok1"], refs["ok2"], refs["huge"]}
        assert desk.get(refs["ok2"]).status.value == "followed_up"
        notes = desk.get(refs["huge"]).history[-1].payload["text"]
        assert len(notes) <= TEXT_MAX  # the hub's answer is bounded, not refused
        again = relay.sync_all()  # idempotent: the bounded answer is not recorded twice
        assert {ref for ref, _ in again.recorded} == set()


@pytest.mark.parametrize("remote_id", BAD)
def test_each_bad_answer_is_a_remote_unavailable_error(hub_url: str, remote_id: str) -> None:
    with pytest.raises(RemoteUnavailableError) as info:
        GeoReportClient(hub_url, timeout=5).request(remote_id)
    assert hub_url in str(info.value)
