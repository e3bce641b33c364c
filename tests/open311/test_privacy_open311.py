"""What the Open311 server and its status page give away, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from sp4n import Desk
from sp4n.lifecycle import ComplaintDraft, Reporter, public_view
from sp4n.open311 import make_site

AT = dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.UTC)
REF_MARK = "REF"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def _draft(title: str, region: str = "61.07", visibility: str = "public") -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title=title,
        body=f"{title}: sudah sebulan.",
        region=region,
        topic="road",
        channel="web",
        reporter=Reporter(id=f"warga-{title}", email="w@example.org"),
        visibility=visibility,
        attachments=[{"name": "foto.jpg", "media_type": "image/jpeg", "size_bytes": 1200,
                      "ref": "s3://bukti-rahasia/foto-123.jpg"}],
    )  # fmt: skip


@pytest.fixture
def desk() -> Iterator[Desk]:
    with Desk.open("memory://", clock=lambda: AT) as opened:
        yield opened


@pytest.fixture
def base(desk: Desk) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, make_site(desk, region="61.07"), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode()


def test_a_404_does_not_tell_a_hidden_complaint_from_an_unknown_id(desk: Desk, base: str) -> None:
    secret = desk.submit(_draft("Pungli", visibility="confidential"))
    elsewhere = desk.submit(_draft("Jalan Bandung", region="32.73"))
    unknown = "LAPOR-2026-" + secret.tracking_id[len("LAPOR-2026-") :][::-1]
    answers = {}
    for name, ref in (
        ("confidential", secret.tracking_id),
        ("other region", elsewhere.tracking_id),
        ("unknown", unknown),
        ("confidential by complaint id", secret.complaint_id),
        ("unknown complaint id", "0" * 8 + secret.complaint_id[8:]),
    ):
        status, body = _get(f"{base}/open311/v2/requests/{ref}.json")
        answers[name] = (status, body.replace(ref, REF_MARK))
    assert len(set(answers.values())) == 1, answers
    status, body = next(iter(answers.values()))
    assert status == 404
    assert "no such service request" in body


def test_the_status_page_of_a_regional_server_shows_only_its_region(desk: Desk, base: str) -> None:
    desk.submit(_draft("Jalan Ledo"))
    elsewhere = desk.submit(_draft("Jalan Bandung", region="32.73"))
    desk.submit(_draft("Jalan Cimahi", region="32.77"))
    status, page = _get(f"{base}/")
    assert status == 200
    assert "<td>Belum Terverifikasi</td><td>1</td>" in page  # 61.07's one, not three
    status, page = _get(f"{base}/?id={elsewhere.tracking_id}")
    status_unknown, page_unknown = _get(f"{base}/?id=LAPOR-2026-XXXX-XXXXX")
    assert status == status_unknown == 404
    assert "Jalan Bandung" not in page
    assert page.replace(elsewhere.tracking_id, REF_MARK) == page_unknown.replace(
        "LAPOR-2026-XXXX-XXXXX", REF_MARK
    )


def test_the_public_view_history_carries_no_attachment_ref(desk: Desk) -> None:
    complaint = desk.submit(_draft("Jalan Ledo"))
    view = public_view(complaint)
    assert view is not None
    text = json.dumps(dict(view))
    assert "s3://bukti-rahasia" not in text
    assert "foto.jpg" in text  # the attachment's name and size stay public
    assert json.loads(text)["history"][0]["payload"]["attachments"][0].get("ref") is None


def test_a_complaint_id_tells_the_public_no_more_than_its_submission_time(
    desk: Desk, base: str
) -> None:
    """Complaint ids lead with the submission millisecond (decision 0310). Open311 and the
    status page never show them (only tracking ids, made from hash bits); the public feed
    shows them next to ``submitted_at``, which says the same instant; confidential
    complaints are in neither."""
    shown = desk.submit(_draft("Jalan Ledo", visibility="anonymous"))
    secret = desk.submit(_draft("Pungli", visibility="confidential"))
    for complaint in (shown, secret):
        desk.verify(complaint.tracking_id)
        desk.forward(complaint.tracking_id, attributes={"road_status": "kabupaten"})
    pages = [
        _get(f"{base}/open311/v2/requests.json")[1],
        _get(f"{base}/open311/v2/requests/{shown.tracking_id}.json")[1],
        _get(f"{base}/open311/v2/requests/{shown.tracking_id}.xml")[1],
        _get(f"{base}/?id={shown.tracking_id}")[1],
    ]
    assert shown.tracking_id in pages[0]
    for page in pages:
        assert shown.complaint_id not in page
        assert secret.complaint_id not in page
        assert secret.tracking_id not in page
    feed = desk.public_feed()
    assert [view["complaint_id"] for view in feed] == [shown.complaint_id]
    millis = int(shown.complaint_id.replace("-", "")[:12], 16)
    submitted = dt.datetime.fromisoformat(feed[0]["submitted_at"])
    assert millis == (submitted - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(
        milliseconds=1
    )
