"""The publication rule (decision 0151): a report is public once it has been forwarded; every
public reader (Desk.public_feed and Desk.view, Open311 lists and lookups, the status page)
applies the same rule."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server
from zoneinfo import ZoneInfo

import pytest

from sp4n.desk import Desk
from sp4n.lifecycle import (
    ComplaintDraft,
    Publication,
    Status,
    Visibility,
    publication,
    published_view,
    row_publication,
)
from sp4n.open311 import Open311App, RequestQuery, make_site
from sp4n.testing import FrozenClock

WIB = ZoneInfo("Asia/Jakarta")
SPAM_BODY = "Beli pulsa murah di toko kami, hubungi 0812-0000-0000."
UNVERIFIED_BODY = "Nama tetangga saya Budi Santoso mencuri listrik di Jl. Melati 4."


def _draft(title: str, body: str) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=title,
        body=body,
        region="61.07",
        topic="land",
        channel="web",
        reporter={"id": "w-1", "email": "w1@example.id", "name": "Warga"},
    )


@pytest.fixture
def world() -> Iterator[tuple[Desk, dict[str, str]]]:
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=WIB))
    with Desk.open("memory://", clock=clock) as desk:
        refs = {}
        for name, body in (
            ("unverified", UNVERIFIED_BODY),
            ("verified", "Sertifikat belum terbit setelah dua tahun."),
            ("spam", SPAM_BODY),
            ("forwarded", "Pengukuran tanah tidak kunjung dijadwalkan."),
            ("duplicate", "Pengukuran tanah tidak kunjung dijadwalkan (lagi)."),
        ):
            clock.advance(timedelta(minutes=5))
            refs[name] = desk.submit(_draft(f"Laporan {name}", body)).tracking_id
        clock.advance(timedelta(minutes=5))
        desk.verify(refs["verified"])
        desk.archive(refs["spam"], "spam")
        for name in ("forwarded", "duplicate"):
            desk.verify(refs[name])
            desk.forward(refs[name])
        desk.merge(refs["duplicate"], into=refs["forwarded"])
        yield desk, refs


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("status", list(Status))
def test_the_rule_over_every_status_and_visibility(status: Status, visibility: Visibility) -> None:
    found = row_publication(status.value, visibility.value)
    if visibility is Visibility.CONFIDENTIAL:
        assert found is Publication.HIDDEN
    elif status in {
        Status.FORWARDED,
        Status.IN_PROGRESS,
        Status.AWAITING_REPORTER,
        Status.RETURNED,
        Status.FOLLOWED_UP,
        Status.COMPLETED,
    }:
        assert found is Publication.PUBLISHED
    else:  # submitted, on hold, verified, archived, merged
        assert found is Publication.STATUS_ONLY


def test_the_public_feed_lists_only_forwarded_reports(world: tuple[Desk, dict[str, str]]) -> None:
    desk, refs = world
    feed = desk.public_feed()
    assert [item["tracking_id"] for item in feed] == [refs["forwarded"]]
    assert SPAM_BODY not in repr(feed)
    assert desk.public_feed(status="submitted") == []
    for name in ("unverified", "verified", "spam", "duplicate"):
        assert desk.view(refs[name]) is None, name
        assert published_view(desk.get(refs[name])) is None
    assert desk.view(refs["forwarded"]) is not None
    assert publication(desk.get(refs["forwarded"])) is Publication.PUBLISHED


def test_open311_lists_only_forwarded_and_lookups_show_status_only(
    world: tuple[Desk, dict[str, str]],
) -> None:
    desk, refs = world
    app = Open311App(desk)
    listed = app.requests(RequestQuery())
    assert [item["service_request_id"] for item in listed] == [refs["forwarded"]]
    assert {i["service_request_id"] for i in app.requests(RequestQuery(status="closed"))} == set()
    for name, label in (("unverified", "Belum Terverifikasi"), ("spam", "Diarsipkan")):
        item = app.request(refs[name])
        assert item["description"] is None
        assert (item["lat"], item["long"], item["address"]) == (None, None, None)
        assert item["status_notes"] == item["service_notice"]
        assert item["service_notice"] == label
    assert UNVERIFIED_BODY not in json.dumps(app.request(refs["unverified"]), default=str)
    assert app.request(refs["forwarded"])["description"].startswith("Pengukuran")


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def test_the_status_page_shows_an_unpublished_report_s_status_only(
    world: tuple[Desk, dict[str, str]],
) -> None:
    desk, refs = world
    server = make_server("127.0.0.1", 0, make_site(desk), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with urllib.request.urlopen(f"{base}/?id={refs['unverified']}", timeout=10) as answer:
            page = answer.read().decode()
        assert "Belum Terverifikasi" in page
        assert "Laporan unverified" not in page
        with urllib.request.urlopen(f"{base}/?id={refs['forwarded']}", timeout=10) as answer:
            assert "Laporan forwarded" in answer.read().decode()
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
