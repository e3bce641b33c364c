"""The complaint form over real HTTP: Indonesian labels, submission, typed errors, escaping."""

from __future__ import annotations

import html
import re
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
    ("fields", "field", "label", "words", "rule"),
    [
        ({"title": ""}, "title", "Judul laporan", "wajib diisi", "must not be empty"),
        ({"body": "   "}, "body", "Isi laporan", "wajib diisi", "must not be empty"),
        ({"topic": "jalan_tol"}, "topic", "Topik", "pilih salah satu topik", "taxonomy"),
        ({"region": "61.7x"}, "region", "Kode wilayah", "tidak dikenal", ""),
        ({"region": "99.99"}, "region", "Kode wilayah", "tidak dikenal", ""),
        ({"region": "35.73"}, "region", "Kode wilayah", "di luar wilayah layanan", "lies outside"),
        ({"visibility": "semua"}, "visibility", "Identitas pelapor", "anonim, atau rahasia", ""),
        ({"email": "budi@"}, "reporter.email", "Surel", "contoh: nama@contoh.id", ""),
        ({"phone": "telepon saya"}, "reporter.phone", "Telepon", "contoh: 0812", ""),
        ({"admin": "1"}, "form", "Formulir", "muat ulang halaman", "unknown fields"),
        ({"title": "x" * 300}, "title", "Judul laporan", "terlalu panjang", ""),
    ],
)
def test_bad_input_is_a_400_page_in_words_a_citizen_reads(
    portal, fetch, desk, fields, field, label, words, rule
):
    form = {"title": "Jalan rusak", "body": "Berlubang.", "topic": "road", **fields}
    status, headers, page = fetch(portal.url + "/", form)
    assert status == 400
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    alert = re.search(r'<p class="galat" role="alert">(.*?)</p>', page, re.DOTALL)
    assert alert, page
    assert f"Periksa kolom <b>{label}</b>" in alert.group(1)
    assert words in alert.group(1)
    assert " = " not in alert.group(1)  # not `field = value: rule`: that is for developers
    assert f"<code>{field} = " in page  # ... kept under "Rincian teknis"
    assert rule in page
    assert "Traceback" not in page
    assert desk.list() == []  # nothing half-written


def test_a_refused_form_keeps_what_the_citizen_typed(portal, fetch, desk):
    typed = {
        "title": 'Jembatan "Sahan" & jalan <retak>',
        "body": "Retak sejak Mei.\nMobil tidak bisa lewat.",
        "region": "61.07.01",
        "topic": "street_lighting",
        "visibility": "anonymous",
        "name": "Budi",
        "email": "bukan-surel",
        "phone": "0812345678",
    }
    status, _, page = fetch(portal.url + "/", typed)
    assert status == 400
    assert "Periksa kolom <b>Surel</b>" in page
    assert f'name="title" value="{html.escape(typed["title"])}"' in page
    assert f">{html.escape(typed['body'])}</textarea>" in page
    for key in ("region", "name", "email", "phone"):
        assert f'name="{key}" value="{typed[key]}"' in page
    assert '<option value="street_lighting" selected>' in page
    assert '<option value="anonymous" selected>' in page
    assert page.count(" selected>") == 2
    assert desk.list() == []


def test_the_pages_are_made_for_a_phone(portal, fetch, submit):
    for path in ("/", f"/lacak?id={quote(submit())}", "/lacak?id=bukan-nomor"):
        _, _, page = fetch(portal.url + path)
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert "max-width:40em" in page
        assert "box-sizing:border-box;width:100%" in page  # fields fill a 390 px screen
        assert "table{display:block;overflow-x:auto" in page  # history scrolls, page does not
    _, _, page = fetch(portal.url + "/")
    assert 'type="tel"' in page
    assert 'type="email"' in page


def test_a_body_over_the_limit_is_refused_before_it_is_read(portal, fetch, desk):
    status, _, _ = fetch(portal.url + "/", {"body": "x" * FORM_MAX_BYTES})
    assert status == 413  # by the server, as soon as the Content-Length shows it
    assert desk.list() == []


def test_the_portal_answers_healthz(portal, fetch):
    status, headers, text = fetch(portal.url + "/healthz")
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert '"status": "ok"' in text


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
        assert "Periksa kolom <b>Kode wilayah</b>: Kode wilayah wajib diisi" in page
        status, _, _ = fetch(
            portal.url + "/", {"title": "t", "body": "b", "region": "35.73"}, follow=False
        )
        assert status == 303  # a national portal takes any region
