"""Disposition over real HTTP: the liaison disposes to a work unit, the unit drafts the
follow-up from its queue, the liaison approves it (decisions 0201, 0240)."""

from __future__ import annotations

import html
import re
from typing import Any

from console_support import AGENCY, REPORTER, file_complaint

from sp4n import Desk
from sp4n.lifecycle import Actor, Role


def version(page: str, action: str) -> str:
    found = re.search(rf'id="act-{action}">.*?name="version" value="(\d+)"', page)
    assert found, f"the page has no {action} form"
    return found.group(1)


def section(page: str, name: str) -> str:
    found = re.search(rf'<section class="card" id="q-{name}">(.*?)</section>', page, re.S)
    assert found, f"the page has no queue {name}"
    return found.group(1)


def in_progress(desk: Desk, **changes: Any) -> str:
    tracking = file_complaint(desk, **changes)
    desk.verify(tracking)
    desk.forward(tracking, AGENCY)
    desk.acknowledge(tracking)
    return tracking


def test_dispose_draft_approve_over_http(desk: Desk, login: Any) -> None:
    tracking = in_progress(desk)
    liaison = login("pupr")
    _, _, page = liaison.get(f"/laporan/{tracking}")
    assert "Disposisi ke unit kerja" in page
    assert '<option value="bina-marga">Bidang Bina Marga (contoh)</option>' in page
    assert '<option value="cipta-karya">Bidang Cipta Karya (contoh)</option>' in page
    assert "act-approve_follow_up" not in page  # nothing drafted yet
    status, head, _ = liaison.post(
        f"/laporan/{tracking}/dispose",
        {"version": version(page, "dispose"), "unit": "bina-marga", "note": "Cek lokasi"},
    )
    assert (status, head["Location"]) == (303, f"/laporan/{tracking}?done=dispose")
    complaint = desk.get(tracking)
    assert complaint.unit == "bina-marga"
    assert complaint.history[-1].actor.id == "pupr"
    assert complaint.history[-1].payload == {"unit": "bina-marga", "note": "Cek lokasi"}

    other = login("ciptakarya")  # the other unit neither sees it queued nor may open it
    assert tracking not in other.get("/antrean")[2]
    assert other.get(f"/laporan/{tracking}")[0] == 403

    unit = login("binamarga")
    _, _, queue = unit.get("/antrean")
    assert "Disposisi untuk unit" in queue
    assert tracking in section(queue, "disposed")
    _, _, page = unit.get(f"/laporan/{tracking}")
    assert "Susun draf tindak lanjut" in page
    assert "Didisposisikan ke unit kerja" in page  # the internal event, named
    assert "Cek lokasi" in page
    for action in ("dispose", "follow_up", "approve_follow_up"):
        assert f"act-{action}" not in page
    status, _, _ = unit.post(
        f"/laporan/{tracking}/draft_follow_up",
        {"version": version(page, "draft_follow_up"), "text": "Saluran dibersihkan 4 Agustus."},
    )
    assert status == 303
    assert desk.get(tracking).draft == "Saluran dibersihkan 4 Agustus."
    assert desk.get(tracking).history[-1].actor.id == "binamarga"
    assert tracking not in section(unit.get("/antrean")[2], "disposed")  # drafted: done here
    reporter = desk.view(tracking, Actor(REPORTER["id"], Role.REPORTER))
    assert reporter is not None
    assert [e["type"] for e in reporter["history"]][-1] == "acknowledged"

    _, _, queue = liaison.get("/antrean")
    assert tracking in section(queue, "drafted")
    _, _, page = liaison.get(f"/laporan/{tracking}")
    assert "Setujui tindak lanjut" in page
    assert "Draf tindak lanjut unit" in page
    assert '<blockquote id="draft">Saluran dibersihkan 4 Agustus.</blockquote>' in page
    assert "Draf dari unit Bidang Bina Marga (contoh)" in page
    status, _, _ = liaison.post(
        f"/laporan/{tracking}/approve_follow_up",
        {
            "version": version(page, "approve_follow_up"),
            "text": "Saluran telah dibersihkan pada 4 Agustus 2026.",
        },
    )
    assert status == 303
    complaint = desk.get(tracking)
    assert complaint.status.value == "followed_up"
    assert complaint.history[-1].actor.id == "pupr"
    assert dict(complaint.history[-1].payload) == {
        "text": "Saluran telah dibersihkan pada 4 Agustus 2026.",
        "approves": True,
    }
    assert tracking not in section(liaison.get("/antrean")[2], "drafted")


def test_approving_the_draft_as_written_keeps_its_text(desk: Desk, login: Any) -> None:
    tracking = in_progress(desk)
    desk.dispose(tracking, "cipta-karya")
    unit = Actor("ciptakarya", Role.UNIT, agency=AGENCY, unit="cipta-karya")
    desk.draft_follow_up(tracking, "Gorong-gorong diganti.", actor=unit)
    liaison = login("pupr")
    _, _, page = liaison.get(f"/laporan/{tracking}?lang=en")
    assert "Approve the follow-up" in page
    assert "Follow-up drafted by the unit" in page
    status, _, _ = liaison.post(
        f"/laporan/{tracking}/approve_follow_up",
        {"version": version(page, "approve_follow_up"), "text": "Gorong-gorong diganti."},
    )
    assert status == 303
    assert desk.get(tracking).history[-1].payload["text"] == "Gorong-gorong diganti."


def test_bad_dispositions_are_refused_naming_the_field_and_write_nothing(
    desk: Desk, login: Any
) -> None:
    tracking = in_progress(desk)
    liaison = login("pupr")
    _, _, page = liaison.get(f"/laporan/{tracking}")
    before = desk.get(tracking).version
    form = {"version": version(page, "dispose")}
    status, _, page = liaison.post(f"/laporan/{tracking}/dispose", {**form, "unit": "gudang"})
    assert status == 400
    assert "unit = &#x27;gudang&#x27;: is not a work unit of 61.07-pupr" in page
    assert "bina-marga, cipta-karya" in page
    status, _, page = liaison.post(f"/laporan/{tracking}/dispose", {**form, "unit": ""})
    assert status == 400
    assert "unit = &#x27;&#x27;: must not be empty" in page
    status, _, page = liaison.post(  # no draft: nothing to approve
        f"/laporan/{tracking}/approve_follow_up", {**form, "text": "Selesai."}
    )
    assert status == 409
    assert "no work unit&#x27;s draft awaits approval" in page
    unit = login("binamarga")  # not disposed to it: the Desk refuses
    status, _, page = unit.post(f"/laporan/{tracking}/draft_follow_up", {**form, "text": "Draf."})
    assert status == 403
    assert "outside their scope" in html.unescape(page)
    assert desk.get(tracking).version == before


def test_a_unit_officer_may_not_dispose_or_approve(desk: Desk, login: Any) -> None:
    tracking = in_progress(desk)
    desk.dispose(tracking, "bina-marga")
    unit = login("binamarga")
    _, _, page = unit.get(f"/laporan/{tracking}")
    form = {"version": version(page, "draft_follow_up")}
    status, _, _ = unit.post(f"/laporan/{tracking}/dispose", {**form, "unit": "cipta-karya"})
    assert status == 403
    desk.draft_follow_up(
        tracking, "Draf.", actor=Actor("binamarga", Role.UNIT, agency=AGENCY, unit="bina-marga")
    )
    form = {"version": str(desk.get(tracking).version), "text": "Draf."}
    status, _, _ = unit.post(f"/laporan/{tracking}/approve_follow_up", form)
    assert status == 403
    assert desk.get(tracking).status.value == "in_progress"


def test_an_anonymous_reporter_is_never_identified_to_a_unit(desk: Desk, login: Any) -> None:
    tracking = in_progress(desk, visibility="anonymous")
    desk.request_info(tracking, "Di RT berapa?")
    desk.provide_info(tracking, "RT 03.", actor=Actor(REPORTER["id"], Role.REPORTER))
    desk.dispose(tracking, "bina-marga")
    unit = login("binamarga")
    pages = [
        unit.get(p)[2] for p in ("/antrean", f"/laporan/{tracking}", f"/laporan/{tracking}?lang=en")
    ]
    for page in pages:
        for secret in (REPORTER["name"], REPORTER["email"], REPORTER["phone"], REPORTER["id"]):
            assert secret not in page, secret
    assert "Anonim (identitas disembunyikan)" in pages[1]
    assert "RT 03." in pages[1]  # the reporter's answer, without who they are


def test_a_draft_changed_after_the_page_opened_is_not_approved(desk: Desk, login: Any) -> None:
    tracking = in_progress(desk)
    desk.dispose(tracking, "bina-marga")
    unit = Actor("binamarga", Role.UNIT, agency=AGENCY, unit="bina-marga")
    desk.draft_follow_up(tracking, "Draf pertama.", actor=unit)
    liaison = login("pupr")
    _, _, page = liaison.get(f"/laporan/{tracking}")
    stale = version(page, "approve_follow_up")
    desk.draft_follow_up(tracking, "Draf kedua, diperbaiki.", actor=unit)  # the unit redrafts
    status, _, page = liaison.post(
        f"/laporan/{tracking}/approve_follow_up", {"version": stale, "text": "Draf pertama."}
    )
    assert status == 409
    assert "Laporan sudah diubah sejak formulir dibuka" in page
    complaint = desk.get(tracking)
    assert (complaint.status.value, complaint.draft) == ("in_progress", "Draf kedua, diperbaiki.")
