"""The tracking page over real HTTP while officers act through a Desk on the same SQLite file."""

from __future__ import annotations

import re
from urllib.parse import quote

from sp4n.lifecycle import Actor


def _rows(page: str) -> list[list[str]]:
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr><td>.*?</tr>", page)]


def test_the_page_follows_the_officers_actions_with_the_public_history(
    submit, portal, fetch, officer
):
    ref = submit(name="Siti Aminah")
    admin = Actor(id="admin.bky", role="admin", region="61.07")
    officer.verify(ref, actor=admin)
    forwarded = officer.forward(ref, attributes={"road_status": "kabupaten"}, actor=admin)
    officer.request_info(ref, "Mohon kirim lokasi persisnya.")
    officer.provide_info(ref, "Depan pasar Bengkayang.")
    officer.follow_up(ref, "Jalan sudah ditambal pada 3 Agustus.")

    status, _, page = fetch(f"{portal.url}/lacak?id={quote(ref.lower())}")  # any case
    assert status == 200
    assert "<title>Jalan rusak</title>" in page
    assert f"Nomor pelacakan: <b>{ref}</b>" in page
    assert "Status: <b>Ditindaklanjuti</b>" in page
    assert "Berlubang sejak Mei." in page
    assert "Wilayah: Kabupaten Bengkayang" in page
    agency = officer.router.directory.get(forwarded.agency).name
    assert f"Instansi: {agency}" in page
    assert "Pelapor: Siti Aminah" in page  # a public complaint shows the name, nothing else
    assert [row[1] for row in _rows(page)] == [
        "Belum Terverifikasi",
        "Terverifikasi",
        "Diteruskan",
        "Menunggu Informasi Pelapor",
        "Diproses Instansi",
        "Ditindaklanjuti",
    ]
    rows = _rows(page)
    assert rows[0][0] == "03-08-2026 09:00 WIB"  # local time of the region
    assert rows[3][2] == "Mohon kirim lokasi persisnya."
    assert rows[4][2] == "Depan pasar Bengkayang."
    assert rows[5][2] == "Jalan sudah ditambal pada 3 Agustus."
    assert "admin.bky" not in page  # no official's id in the public view


def test_an_anonymous_reporter_is_never_shown(submit, portal, fetch, officer):
    ref = submit(
        visibility="anonymous",
        name="Rahasia Sekali",
        email="rahasia@example.org",
        phone="081100001111",
    )
    officer.verify(ref)
    officer.forward(ref, attributes={"road_status": "kabupaten"})
    officer.request_info(ref, "Di ruas mana?")
    officer.provide_info(ref, "Ruas Sanggau Ledo.")  # the reporter acts: still not named
    status, _, page = fetch(f"{portal.url}/lacak?id={quote(ref)}")
    assert status == 200
    assert "Pelapor: Anonim" in page
    assert "Ruas Sanggau Ledo." in page
    for secret in ("Rahasia Sekali", "rahasia@example.org", "081100001111", "email:", "pelapor@"):
        assert secret not in page
    assert officer.get(ref).reporter.name == "Rahasia Sekali"  # kept in the case file


def test_a_public_reporter_s_contacts_are_never_shown(submit, portal, fetch, officer):
    ref = submit(name="Budi", email="budi@example.org", phone="081234567890")
    officer.verify(ref)
    officer.forward(ref, attributes={"road_status": "kabupaten"})  # published (decision 0151)
    _, _, page = fetch(f"{portal.url}/lacak?id={quote(ref)}")
    assert "Pelapor: Budi" in page
    assert "budi@example.org" not in page
    assert "081234567890" not in page


def test_a_confidential_complaint_shows_only_its_status(submit, portal, fetch, officer):
    ref = submit(
        visibility="confidential", title="Pungli di kantor desa", name="Saksi", email="s@x.org"
    )
    officer.verify(ref)
    status, _, page = fetch(f"{portal.url}/lacak?id={quote(ref)}")
    assert status == 200
    assert f"Nomor pelacakan: <b>{ref}</b>" in page
    assert "Status: <b>Terverifikasi</b>" in page
    for hidden in ("Pungli", "Berlubang", "Saksi", "s@x.org", "Riwayat"):
        assert hidden not in page
