"""No wrong door across portals: two real sp4n instances on 127.0.0.1 talking Open311.

A regency portal (Bengkayang, 61.07) and a national hub, each a Desk on its own SQLite
file served by ``make_site`` in a wsgiref server thread. A complaint about a central-
government matter filed at the regency reaches the hub; the hub's admin and agency act on
it; the status flows back to the regency portal.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server
from zoneinfo import ZoneInfo

import pytest

from servers import free_port
from sp4n.desk import Desk
from sp4n.errors import InvalidInputError, RemoteRejectedError, RemoteUnavailableError
from sp4n.lifecycle import ComplaintDraft
from sp4n.open311 import GeoReportClient, Relay, RemoteRequest, make_site, remote_link
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Jakarta")
HUB_KEY = "kunci-bengkayang"
REGENCY_KEY = "kunci-warga"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class Portal:
    """A Desk on a SQLite file, served over HTTP on 127.0.0.1."""

    def __init__(self, path: Path, clock: FrozenClock, keys: list[str], region: str | None):
        self.desk = Desk.open(f"sqlite:///{path}", clock=clock)
        self.server = make_server(
            "127.0.0.1",
            0,
            make_site(self.desk, api_keys=keys, region=region),
            handler_class=_Quiet,
        )
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/open311/v2"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.desk.close()

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}/{path}", timeout=10) as response:
            return json.loads(response.read())


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))


@pytest.fixture
def hub(tmp_path: Path, clock: FrozenClock) -> Iterator[Portal]:
    portal = Portal(tmp_path / "hub.db", clock, [HUB_KEY], None)
    yield portal
    portal.close()


@pytest.fixture
def regency(tmp_path: Path, clock: FrozenClock) -> Iterator[Portal]:
    portal = Portal(tmp_path / "bengkayang.db", clock, [REGENCY_KEY], "61.07")
    yield portal
    portal.close()


def _relay(regency: Portal, hub: Portal, key: str = HUB_KEY) -> Relay:
    return Relay(regency.desk, GeoReportClient(hub.url, api_key=key), portal="bengkayang")


def _file_at_regency(regency: Portal, topic: str = "land", **extra: str) -> str:
    """A citizen files a complaint at the regency portal over Open311 (real HTTP)."""
    params = {
        "api_key": REGENCY_KEY,
        "service_code": topic,
        "lat": "0.8456",
        "long": "109.4777",
        "description": "Sertifikat tanah kami tidak terbit setelah dua tahun diurus.",
        "email": "warga@example.id",
        "first_name": "Siti",
        **extra,
    }
    request = urllib.request.Request(
        f"{regency.url}/requests.json", data=urlencode(params).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        created = json.loads(response.read())
    tracking_id: str = created[0]["service_request_id"]
    return tracking_id


def test_central_matter_reaches_the_hub_and_its_status_flows_back(
    regency: Portal, hub: Portal, clock: FrozenClock
) -> None:
    tracking = _file_at_regency(regency)
    regency.desk.verify(tracking)
    relay = _relay(regency, hub)
    assert relay.route(tracking) == "61.07-kantah"  # Kantor Pertanahan: level pusat

    clock.advance(timedelta(hours=1))
    forwarded = relay.forward(tracking)
    link = remote_link(forwarded)
    assert forwarded.status.value == "forwarded"
    assert forwarded.agency == "61.07-kantah"
    assert link is not None
    assert link.url == hub.url
    event = forwarded.history[-1]
    assert event.payload["remote_url"] == hub.url
    assert event.payload["remote_id"] == link.remote_id

    # The hub has it: same topic and region, the citizen's words, no identity.
    at_hub = hub.desk.get(link.remote_id)
    assert (at_hub.topic, at_hub.region, at_hub.channel) == ("land", "61.07", "open311")
    assert "Sertifikat tanah" in at_hub.body
    assert at_hub.reporter.id == f"open311:bengkayang:{tracking}"
    assert at_hub.reporter.email is None
    assert at_hub.reporter.name is None
    assert at_hub.location is not None
    assert at_hub.location.lat == pytest.approx(0.8456)

    # Nothing happened at the hub yet: syncing records nothing.
    assert relay.sync(tracking) == ()
    # Relaying twice does not file it twice.
    assert relay.forward(tracking).version == forwarded.version
    assert len(hub.desk.list()) == 1

    # The hub's admin verifies and forwards; the agency answers.
    clock.advance(timedelta(hours=2))
    hub.desk.verify(link.remote_id)
    hub.desk.forward(link.remote_id)
    assert relay.sync(tracking) == ("acknowledged",)
    assert regency.desk.get(tracking).status.value == "in_progress"
    answer = "Sertifikat telah diterbitkan; silakan ambil di Kantor Pertanahan Bengkayang."
    clock.advance(timedelta(days=1))
    hub.desk.follow_up(link.remote_id, answer)
    assert relay.sync(tracking) == ("followed_up",)
    assert relay.sync(tracking) == ()  # idempotent

    local = regency.desk.get(tracking)
    assert local.status.value == "followed_up"
    assert local.history[-1].payload["text"] == answer
    assert local.history[-1].actor.agency == "61.07-kantah"
    # ... and it shows in the regency portal's own Open311 view.
    item = regency.get(f"requests/{tracking}.json")[0]
    assert item["status_notes"] == answer
    assert item["agency_responsible"] == "Kantor Pertanahan Kabupaten Bengkayang"

    # The hub closes it (its reporter, the regency portal, accepts): nothing new to record;
    # the citizen still has the local 10 working days to reply.
    hub.desk.complete(link.remote_id)
    remote = relay.client.request(link.remote_id)
    assert remote.closed
    assert remote.response == answer
    assert relay.sync(tracking) == ()
    assert regency.desk.get(tracking).status.value == "followed_up"


def test_hub_closing_without_an_answer_returns_it_to_the_regency_admin(
    regency: Portal, hub: Portal
) -> None:
    tracking = _file_at_regency(regency, topic="police", description="Pelayanan SKCK lambat.")
    regency.desk.verify(tracking)
    relay = _relay(regency, hub)
    link = remote_link(relay.forward(tracking))
    assert link is not None
    assert link.agency == "61.07-polres"
    hub.desk.archive(link.remote_id, "not_public_service")
    assert relay.sync(tracking) == ("acknowledged", "returned")
    local = regency.desk.get(tracking)
    assert local.status.value == "returned"
    assert "61.07-polres" in local.returned_by
    assert relay.sync(tracking) == ()  # no longer followed


def test_sync_all_follows_every_relayed_complaint(regency: Portal, hub: Portal) -> None:
    relay = _relay(regency, hub)
    refs = []
    for topic, text in (("land", "Batas tanah."), ("electricity", "Listrik padam tiap malam.")):
        ref = _file_at_regency(regency, topic=topic, description=text)
        regency.desk.verify(ref)
        refs.append(remote_link(relay.forward(ref)))
    for link in refs:
        assert link is not None
        hub.desk.verify(link.remote_id)
        hub.desk.forward(link.remote_id)
        hub.desk.follow_up(link.remote_id, f"Ditangani: {link.remote_id}")
    report = relay.sync_all()
    assert report.checked == 2
    assert report.failed == ()
    assert sorted(event for _, event in report.recorded) == [
        "acknowledged",
        "acknowledged",
        "followed_up",
        "followed_up",
    ]
    assert {row.status for row in regency.desk.list()} == {"followed_up"}


def test_wrong_api_key_is_a_typed_rejection_and_nothing_is_recorded(
    regency: Portal, hub: Portal
) -> None:
    tracking = _file_at_regency(regency)
    regency.desk.verify(tracking)
    before = regency.desk.get(tracking).version
    with pytest.raises(RemoteRejectedError) as caught:
        _relay(regency, hub, key="salah").forward(tracking)
    assert caught.value.status == 403
    assert "api_key" in caught.value.description
    assert isinstance(caught.value, InvalidInputError)
    assert not caught.value.retryable
    assert regency.desk.get(tracking).version == before
    assert hub.desk.list() == []


def test_unknown_service_at_the_hub_is_rejected_with_the_hubs_description(hub: Portal) -> None:
    client = GeoReportClient(hub.url, api_key=HUB_KEY)
    with pytest.raises(RemoteRejectedError) as caught:
        client.submit(
            service_code="tidak-ada",
            jurisdiction_id="61.07",
            description="x",
            address_string="Bengkayang",
        )
    assert caught.value.status == 404
    assert "service_code" in caught.value.description
    with pytest.raises(RemoteRejectedError) as missing:
        client.request("LPR-0000-0000")
    assert missing.value.status in (400, 404)


def test_hub_down_is_retryable_and_nothing_is_recorded(regency: Portal) -> None:
    tracking = _file_at_regency(regency)
    regency.desk.verify(tracking)
    dead = f"http://127.0.0.1:{free_port()}/open311/v2"
    relay = Relay(regency.desk, GeoReportClient(dead, api_key=HUB_KEY, timeout=2))
    before = regency.desk.get(tracking).version
    with pytest.raises(RemoteUnavailableError) as caught:
        relay.forward(tracking)
    assert caught.value.retryable
    assert regency.desk.get(tracking).version == before


def test_sync_with_the_hub_down_reports_the_failure(regency: Portal, hub: Portal) -> None:
    tracking = _file_at_regency(regency)
    regency.desk.verify(tracking)
    _relay(regency, hub).forward(tracking)
    url = hub.url
    hub.close()
    relay = Relay(regency.desk, GeoReportClient(url, api_key=HUB_KEY, timeout=2))
    report = relay.sync_all()
    assert report.checked == 1
    assert report.recorded == ()
    assert report.failed
    assert report.failed[0][0] == tracking
    # reopen a server so the fixture's close() has something to stop
    hub.server = make_server("127.0.0.1", 0, make_site(hub.desk), handler_class=_Quiet)
    hub.thread = threading.Thread(target=hub.server.serve_forever, daemon=True)
    hub.thread.start()


def test_local_matters_and_confidential_complaints_are_not_relayed(
    regency: Portal, hub: Portal
) -> None:
    relay = _relay(regency, hub)
    road = _file_at_regency(regency, topic="road", **{"attribute[road_status]": "kabupaten"})
    regency.desk.verify(road)
    with pytest.raises(InvalidInputError, match="handled locally"):
        relay.forward(road, attributes={"road_status": "kabupaten"})
    secret = regency.desk.submit(
        ComplaintDraft(
            kind="pengaduan",
            title="Pungli sertifikat",
            body="Petugas meminta uang tambahan.",
            region="61.07",
            topic="land",
            channel="web",
            reporter={"id": "w-9", "email": "w9@example.id"},
            visibility="confidential",
        )
    )
    regency.desk.verify(secret.tracking_id)
    with pytest.raises(InvalidInputError, match="confidential"):
        relay.forward(secret.tracking_id)
    unverified = _file_at_regency(regency, description="Belum diverifikasi.")
    with pytest.raises(InvalidInputError, match="verified"):
        relay.forward(unverified)
    assert hub.desk.list() == []


def test_remote_request_reads_sp4n_and_foreign_items() -> None:
    label = {"service_request_id": "7", "status": "open", "status_notes": "Diteruskan"}
    plain = RemoteRequest.from_item({**label, "service_notice": "Diteruskan"})
    assert plain.response is None
    assert not plain.closed
    foreign = RemoteRequest.from_item(
        {
            "service_request_id": "7",
            "status": "closed",
            "status_notes": "Fixed.",
            "updated_datetime": "2026-03-02T09:00:00+07:00",
        }
    )
    assert foreign.closed
    assert foreign.response == "Fixed."
    assert foreign.updated_datetime is not None
    assert foreign.updated_datetime.utcoffset()
    with pytest.raises(InvalidInputError):
        RemoteRequest.from_item({"service_request_id": "7", "status": "pending"})
    with pytest.raises(InvalidInputError):
        GeoReportClient("ftp://hub.example.id/open311/v2")


def test_forwarded_payload_takes_remote_url_and_id_together() -> None:
    from sp4n.lifecycle import Actor, Role, apply, submit

    admin = Actor(id="admin", role=Role.ADMIN)
    at = datetime(2026, 3, 2, 9, 0, tzinfo=WIB)
    draft = ComplaintDraft(
        kind="pengaduan",
        title="Tanah",
        body="Sertifikat.",
        region="61.07",
        topic="land",
        channel="web",
        reporter={"id": "w-1"},
    )
    complaint = submit(draft, actor=Actor(id="w-1", role=Role.REPORTER), at=at)
    verified = apply(complaint, "verified", actor=admin, at=at)
    with pytest.raises(InvalidInputError, match="together"):
        apply(
            verified,
            "forwarded",
            actor=admin,
            at=at,
            payload={"agency": "61.07-kantah", "remote_url": "http://hub/open311/v2"},
        )
    both = apply(
        verified,
        "forwarded",
        actor=admin,
        at=at,
        payload={
            "agency": "61.07-kantah",
            "remote_url": "http://hub/open311/v2",
            "remote_id": "LPR-1",
            "ignored": "x",
        },
    )
    assert both.history[-1].payload == {
        "agency": "61.07-kantah",
        "reasons": [],
        "remote_url": "http://hub/open311/v2",
        "remote_id": "LPR-1",
    }


def test_relay_from_the_command_line(
    tmp_path: Path, hub: Portal, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    from sp4n.cli import COMMANDS, main

    assert "relay" in COMMANDS
    db = f"sqlite:///{tmp_path / 'cli-regency.db'}"
    with Desk.open(db, clock=clock) as regency:
        ref = regency.submit(
            ComplaintDraft(
                kind="pengaduan",
                title="Listrik padam",
                body="Listrik padam setiap malam di Sanggau Ledo.",
                region="61.07",
                topic="electricity",
                channel="web",
                reporter={"id": "w-2"},
            )
        ).tracking_id
        regency.verify(ref)
    base = ["--hub", hub.url, "--api-key", HUB_KEY, "--portal", "bengkayang", "--db", db]
    assert main(["relay", ref, *base, "--json"]) == 0
    forwarded = json.loads(capsys.readouterr().out)
    assert forwarded["status"] == "forwarded"
    assert forwarded["agency"] == "61-pln-uid"
    remote_id = forwarded["remote_id"]
    hub.desk.verify(remote_id)
    hub.desk.forward(remote_id)
    hub.desk.follow_up(remote_id, "Gardu sudah diperbaiki.")
    assert main(["relay", "--sync", *base, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["checked"] == 1
    assert [r["event"] for r in report["recorded"]] == ["acknowledged", "followed_up"]
    assert main(["relay", ref, "--sync", *base]) == 0
    assert ref in capsys.readouterr().out
    assert main(["relay", *base]) == 2  # neither REF nor --sync
    assert "REF" in capsys.readouterr().err
