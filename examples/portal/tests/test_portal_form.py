"""The complaint form over real HTTP: Indonesian labels, submission, typed errors, escaping."""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import quote, unquote

import pytest
from sp4n_portal import FORM_MAX_BYTES, Portal

from sp4n import Desk


def test_form_has_indonesian_labels_every_topic_and_the_portal_region(portal, fetch, desk):
    status, headers, page = fetch(portal.url + "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    for label in ("Judul laporan", "Isi laporan", "Kode wilayah", "Topik", "Identitas pelapor"):
        assert label in page
    assert '<option value="anonymous">Anonim' in page
    assert '<option value="confidential">' in page
    assert 'name="region" value="61.07"' in page
    for topic in desk.router.affairs.topics.values():
        assert f'<option value="{topic.id}">{html.escape(topic.name)}</option>' in page
    assert 'action="/lacak"' in page  # the tracking lookup


def test_post_redirects_to_the_tracking_page_with_the_tracking_id(portal, fetch, desk):
    form = {"title": "Lampu jalan mati", "body": "Sudah dua minggu.", "topic": "street_lighting"}
    status, headers, _ = fetch(portal.url + "/", form, follow=False)
    assert status == 303
    tracking_id = unquote(headers["Location"].removeprefix("/lacak?id="))
    stored = desk.get(tracking_id)
    assert (stored.title, stored.body, stored.topic) == (form["title"], form["body"], form["topic"])
    assert (stored.region, stored.channel, stored.visibility.value) == ("61.07", "web", "public")
    # a browser follows the redirect and sees the tracking id and the status in Indonesian
    status, _, page = fetch(portal.url + "/", form | {"title": "Lampu jalan mati lagi"})
    assert status == 200
    assert "Nomor pelacakan: <b>LAPOR-2026-" in page
    assert "Status: <b>Belum Terverifikasi</b>" in page


def test_a_subregion_and_the_reporter_fields_are_stored(submit, desk):
    ref = submit(region="61.07.01", name="Budi", email="budi@example.org", phone="0812345678")
    complaint = desk.get(ref)
    assert complaint.region == "61.07.01"
    assert (complaint.reporter.name, complaint.reporter.email) == ("Budi", "budi@example.org")


@pytest.mark.parametrize(
    ("fields", "field", "rule"),
    [
        ({"title": ""}, "title", "must not be empty"),
        ({"body": "   "}, "body", "must not be empty"),
        ({"topic": "jalan_tol"}, "topic", "not in the topic taxonomy"),
        ({"region": "61.7x"}, "region", ""),
        ({"region": "99.99"}, "region", ""),
        ({"region": "35.73"}, "region", "lies outside this portal&#x27;s region 61.07"),
        ({"visibility": "semua"}, "visibility", ""),
        ({"admin": "1"}, "form", "unknown fields"),
        ({"title": "x" * 300}, "title", ""),
    ],
)
def test_bad_input_is_a_400_page_naming_the_field(portal, fetch, desk, fields, field, rule):
    form = {"title": "Jalan rusak", "body": "Berlubang.", "topic": "road", **fields}
    status, headers, page = fetch(portal.url + "/", form)
    assert status == 400
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert f"Periksa kolom <b>{field}</b>" in page
    assert f"<code>{field} = " in page  # the typed error: field = value: rule
    assert rule in page
    assert "Traceback" not in page
    assert desk.list() == []  # nothing half-written


def test_a_body_over_the_limit_is_refused_before_it_is_read(portal, fetch, desk):
    status, _, page = fetch(portal.url + "/", {"body": "x" * FORM_MAX_BYTES})
    assert status == 400
    assert "Periksa kolom <b>Content-Length</b>" in page
    assert desk.list() == []


def test_unknown_tracking_id_is_a_404_page_and_unknown_paths_too(portal, fetch):
    status, _, page = fetch(portal.url + "/lacak?id=LAPOR-2026-AAAA-AAAAA")
    assert status in (400, 404)  # malformed check digit or unknown: the page names the field
    assert "Periksa kolom <b>" in page
    status, _, page = fetch(portal.url + "/lacak?id=bukan-nomor")
    assert status == 404
    assert "bukan-nomor" in page
    assert fetch(portal.url + "/admin")[0] == 404
    status, _, page = fetch(portal.url + "/lacak")  # no id: the lookup form
    assert (status, 'action="/lacak"' in page) == (200, True)


INJECTION = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_user_supplied_text_is_escaped_on_the_tracking_page(submit, portal, fetch, officer):
    ref = submit(title=f"Judul {INJECTION}", body=f"Isi {INJECTION}", name=f"Nama {INJECTION}")
    officer.verify(ref)
    officer.forward(ref, attributes={"road_status": "kabupaten"})  # published (decision 0151)
    status, _, page = fetch(f"{portal.url}/lacak?id={quote(ref)}")
    assert status == 200
    assert "<script>" not in page
    assert "<img" not in page
    escaped = html.escape(INJECTION)
    assert f"Judul {escaped}" in page
    assert f"Isi {escaped}" in page
    assert f"Nama {escaped}" in page


def test_user_supplied_text_is_escaped_on_error_and_not_found_pages(portal, fetch):
    status, _, page = fetch(portal.url + "/", {"title": "t", "body": "b", "topic": INJECTION})
    assert status == 400
    assert "<script>" not in page
    assert html.escape(INJECTION) in page
    status, _, page = fetch(f"{portal.url}/lacak?id={quote(INJECTION)}")
    assert status == 404
    assert "<script>" not in page
    assert html.escape(INJECTION) in page


def test_form_for_a_portal_without_a_region_asks_for_one(desk: Desk, fetch: Callable) -> None:
    with Portal(desk, sweep_every=60) as portal:
        status, _, page = fetch(portal.url + "/", {"title": "t", "body": "b", "topic": "road"})
        assert status == 400
        assert "Periksa kolom <b>region</b>" in page
        status, _, _ = fetch(
            portal.url + "/", {"title": "t", "body": "b", "region": "35.73"}, follow=False
        )
        assert status == 303  # a national portal takes any region
