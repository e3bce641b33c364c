"""Reclassify at triage over real HTTP: the admin corrects topic, region, kind or title with
``Desk.amend``; the router's suggestion on the forward form follows the new values."""

from __future__ import annotations

import html
import re
from typing import Any

from console_support import AGENCY, file_complaint
from sp4n_console._text import EVENTS

from sp4n import Desk
from sp4n.lifecycle import EventType

DINKES = "61.07-dinkes"  # the router's answer for puskesmas in 61.07


def version(page: str) -> str:
    found = re.search(r'id="act-amend".*?name="version" value="(\d+)"', page, re.S)
    assert found, "the page has no reclassify form"
    return found.group(1)


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    assert match, pattern
    return match.group(1)


def amend_form(page: str, **changes: str) -> dict[str, str]:
    """The reclassify form as the browser would send it: the current values, then changes."""
    text = _found(r'(<form[^>]*id="act-amend".*?</form>)', page)
    selected = r'<option value="([^"]+)" selected>'
    fields = {
        "version": version(page),
        "title": _found(r'name="title"[^>]*value="([^"]*)"', text),
        "region": _found(r'name="region"[^>]*value="([^"]*)"', text),
        "topic": _found(selected, text.split('name="topic"')[1]),
        "kind": _found(selected, text.split('name="kind"')[1]),
        "reason": "",
    }
    return {**fields, **changes}


def test_the_form_shows_the_current_values(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk, title="Saluran tersumbat")
    _, _, page = login("admin61").get(f"/laporan/{tracking}")
    form = amend_form(page)
    assert {k: form[k] for k in ("title", "region", "topic", "kind")} == {
        "title": "Saluran tersumbat",
        "region": "61.07",
        "topic": "drainage",
        "kind": "pengaduan",
    }
    assert "Klasifikasi ulang" in page


def test_reclassifying_records_the_change_and_refreshes_the_suggestion(
    desk: Desk, login: Any
) -> None:
    tracking = file_complaint(desk, title="Obat habis")
    desk.verify(tracking)
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    assert f'<option value="{AGENCY}" selected>' in page  # drainage: PUPR
    form = amend_form(page, topic="puskesmas", reason="Isi laporan tentang puskesmas.")
    status, head, _ = admin.post(f"/laporan/{tracking}/amend", form)
    assert status == 303
    assert head["Location"] == f"/laporan/{tracking}?done=amend"
    complaint = desk.get(tracking)
    assert complaint.topic == "puskesmas"
    event = complaint.history[-1]
    assert event.type == "amended"
    assert event.actor.id == "admin61"
    assert event.payload == {
        "reason": "Isi laporan tentang puskesmas.",
        "changes": {"topic": {"old": "drainage", "new": "puskesmas"}},  # only what changed
    }
    _, _, page = admin.get(f"/laporan/{tracking}?done=amend")
    assert "Tersimpan: Klasifikasi ulang" in page
    assert f'<option value="{DINKES}" selected>' in page  # the new suggestion
    assert f'<option value="{AGENCY}" selected>' not in page
    assert desk.suggest(tracking).agency.id == DINKES  # type: ignore[union-attr]
    assert "drainage → puskesmas" in page  # the history shows old and new


def test_the_desk_decides_scope_and_refuses_bad_changes(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    status, _, body = admin.post(
        f"/laporan/{tracking}/amend", amend_form(page, region="64.71", reason="Salah wilayah.")
    )
    assert status == 409  # the Desk's guard: the new region is outside the admin's
    assert "outside admin region 61" in body
    status, _, body = admin.post(
        f"/laporan/{tracking}/amend", amend_form(page, reason="Tidak ada.")
    )
    assert status == 400
    assert "changes" in body  # nothing changed: the Desk names the rule
    status, _, body = admin.post(f"/laporan/{tracking}/amend", amend_form(page, topic="jalan"))
    assert status == 400
    assert "reason" in body
    status, _, body = admin.post(
        f"/laporan/{tracking}/amend", amend_form(page, kind="keluhan", reason="Jenis.")
    )
    assert status == 400
    assert "kind = 'keluhan'" in html.unescape(body)
    assert desk.get(tracking).version == 1  # nothing was written
    other = login("admin64")
    assert other.get(f"/laporan/{tracking}")[0] == 403


def test_only_an_admin_before_forwarding_is_offered_reclassify(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    desk.verify(tracking)
    _, _, page = login("admin61").get(f"/laporan/{tracking}")
    assert 'id="act-amend"' in page  # verified: still triage
    desk.forward(tracking, AGENCY)
    _, _, page = login("admin61").get(f"/laporan/{tracking}")
    assert 'id="act-amend"' not in page
    liaison = login("pupr")
    _, _, page = liaison.get(f"/laporan/{tracking}")
    assert 'id="act-amend"' not in page
    status, _, _ = liaison.post(
        f"/laporan/{tracking}/amend",
        {
            "version": "3",
            "topic": "puskesmas",
            "region": "61.07",
            "kind": "pengaduan",
            "title": "Saluran tersumbat",
            "reason": "x",
        },
    )
    assert status in (403, 409)
    assert desk.get(tracking).topic == "drainage"


def test_the_history_names_each_event_in_the_officer_s_language(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    desk.amend(tracking, reason="Judul.", title="Saluran tersumbat di RT 03")
    desk.verify(tracking)
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    history = page[page.index("<h2>Riwayat</h2>") :]
    named = re.findall(r"<li>[^<]*<b>([^<]*)</b>", history)
    assert named == ["Laporan masuk", "Klasifikasi diubah", "Diverifikasi"]
    assert "→ Terverifikasi" in history  # then the status it led to
    _, _, page = admin.get(f"/laporan/{tracking}?lang=en")
    history = page[page.index("<h2>History</h2>") :]
    assert "<b>Reclassified</b>" in history
    assert "<b>Submitted</b>" in history
    assert set(EVENTS) == {e.value for e in EventType}  # every event has its names
