"""The console over real HTTP: sign-in, CSRF, throttling, sessions, actions, privacy."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

import pytest
from console_support import AGENCY, PASSWORD, REPORTER, Browser, file_complaint
from sp4n_console import SessionStore, Throttle

from sp4n import Desk
from sp4n.testing import FrozenClock


def version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the page has no action form"
    return found.group(1)


def test_sign_in_sets_a_strict_httponly_cookie_and_a_new_session_id(browser: Browser) -> None:
    status, head, page = browser.get("/masuk")
    assert status == 200
    assert 'lang="id"' in page
    assert "Kata sandi" in page
    before = head["Set-Cookie"]
    assert "HttpOnly" in before
    assert "SameSite=Strict" in before
    status, head, _ = browser.post("/masuk", {"officer": "admin61", "password": PASSWORD})
    assert status == 303
    assert head["Location"] == "/antrean"
    after = head["Set-Cookie"]
    assert "HttpOnly" in after
    assert "SameSite=Strict" in after
    assert after.split(";")[0] != before.split(";")[0]  # no session fixation
    status, _, page = browser.get("/antrean")
    assert status == 200
    assert "Perlu triase" in page
    assert "Admin Kalbar" in page


def test_pages_need_a_signed_in_officer(browser: Browser) -> None:
    for path in ("/antrean", "/dasbor", "/dasbor.csv", "/laporan/LAPOR-2026-0000-0000X"):
        status, head, _ = browser.get(path)
        assert (status, head["Location"]) == (303, "/masuk"), path


def test_wrong_password_is_refused_and_sign_in_is_throttled(
    browser: Browser, clock: FrozenClock
) -> None:
    browser.get("/masuk")
    for _ in range(5):
        status, _, page = browser.post("/masuk", {"officer": "admin61", "password": "salah-salah"})
        assert status == 401
        assert "kata sandi salah" in page
    status, _, page = browser.post("/masuk", {"officer": "admin61", "password": PASSWORD})
    assert status == 429
    assert "Terlalu banyak percobaan" in page
    clock.advance(timedelta(minutes=16))
    status, _, _ = browser.post("/masuk", {"officer": "admin61", "password": PASSWORD})
    assert status == 303


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(
    desk: Desk, login: Any
) -> None:
    tracking = file_complaint(desk)
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    status, _, page = admin.post(
        f"/laporan/{tracking}/verify", {"version": version(page)}, csrf=False
    )
    assert status == 403
    assert "Formulir kedaluwarsa" in page
    status, _, _ = admin.request(f"/laporan/{tracking}/verify", {"csrf": "palsu", "version": "1"})
    assert status == 403
    assert desk.get(tracking).status.value == "submitted"
    anonymous = Browser(admin.base)  # and the login form checks its token too
    anonymous.get("/masuk")
    status, _, _ = anonymous.post(
        "/masuk", {"officer": "admin61", "password": PASSWORD}, csrf=False
    )
    assert status == 403


def test_admin_verifies_and_forwards_to_the_suggestion_liaison_follows_up(
    desk: Desk, login: Any
) -> None:
    tracking = file_complaint(desk)
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    status, head, _ = admin.post(f"/laporan/{tracking}/verify", {"version": version(page)})
    assert status == 303
    assert head["Location"] == f"/laporan/{tracking}?done=verify"
    _, _, page = admin.get(f"/laporan/{tracking}?done=verify")
    assert "Tersimpan: Verifikasi" in page
    assert f'<option value="{AGENCY}" selected>' in page  # the router's suggestion
    assert "Saran router" in page
    status, _, _ = admin.post(
        f"/laporan/{tracking}/forward", {"version": version(page), "agency": AGENCY}
    )
    assert status == 303
    complaint = desk.get(tracking)
    assert complaint.status.value == "forwarded"
    assert complaint.agency == AGENCY
    assert complaint.history[-1].actor.id == "admin61"
    liaison = login("pupr")
    _, _, queue = liaison.get("/antrean")
    assert tracking in queue
    _, _, page = liaison.get(f"/laporan/{tracking}")
    assert "Laporan telah kami tindak lanjuti" in page  # the template
    status, _, _ = liaison.post(
        f"/laporan/{tracking}/follow_up", {"version": version(page), "text": "Saluran dibersihkan."}
    )
    assert status == 303
    complaint = desk.get(tracking)
    assert complaint.status.value == "followed_up"
    assert complaint.history[-1].actor.id == "pupr"


def test_the_desk_decides_who_may_act_and_read(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    other = login("admin64")  # an admin of another province
    status, _, page = other.get(f"/laporan/{tracking}")
    assert status == 403
    assert "outside their scope" in page
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    form = {"csrf": other.csrf, "version": version(page)}
    status, _, page = other.request(f"/laporan/{tracking}/verify", form)
    assert status == 403
    assert desk.get(tracking).status.value == "submitted"
    liaison = login("pupr")  # not forwarded to PUPR yet
    status, _, _ = liaison.get(f"/laporan/{tracking}")
    assert status == 403


def test_a_stale_form_is_a_conflict_not_a_second_action(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    stale = version(page)
    assert admin.post(f"/laporan/{tracking}/verify", {"version": stale})[0] == 303
    status, _, page = admin.post(
        f"/laporan/{tracking}/forward", {"version": stale, "agency": AGENCY}
    )
    assert status == 409
    assert "version" in page
    assert desk.get(tracking).status.value == "verified"


def test_bad_input_gets_a_page_naming_the_field(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    desk.verify(tracking)
    desk.forward(tracking, AGENCY)
    liaison = login("pupr")
    _, _, page = liaison.get(f"/laporan/{tracking}")
    status, _, page = liaison.post(
        f"/laporan/{tracking}/return", {"version": version(page), "reason": "   "}
    )
    assert status == 400
    assert "reason = " in page
    assert "must not be empty" in page
    status, _, page = liaison.post(f"/laporan/{tracking}/follow_up", {"version": "x", "text": "ok"})
    assert status == 400
    assert "version = " in page
    status, _, _ = liaison.request(
        "/laporan/LAPOR-2026-0000-0000X/verify", {"csrf": liaison.csrf, "version": "1"}
    )
    assert status == 404
    status, _, _ = liaison.request(
        f"/laporan/{tracking}/follow_up",
        {"csrf": liaison.csrf, "version": "1", "text": "x" * 70000},
    )
    assert status == 413
    assert desk.get(tracking).status.value == "forwarded"


def test_anonymous_reporters_are_never_identified(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk, visibility="anonymous")
    desk.verify(tracking)
    desk.forward(tracking, AGENCY)
    desk.request_info(tracking, "Di RT berapa?")
    for officer in ("admin61", "pupr", "pengawas"):
        client = login(officer)
        pages = [
            client.get(p)[2]
            for p in (
                "/antrean",
                f"/laporan/{tracking}",
                "/dasbor?from=2026-08-01&to=2026-08-31",
                "/dasbor.csv?from=2026-08-01&to=2026-08-31",
                "/laporan/" + tracking + "?lang=en",
            )
        ]
        for page in pages:
            for secret in (REPORTER["name"], REPORTER["email"], REPORTER["phone"], REPORTER["id"]):
                assert secret not in page, (officer, secret)
        assert "Anonim (identitas disembunyikan)" in pages[1]
        assert f"pelapor@{tracking}" in pages[1]


def test_every_user_string_is_escaped(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk, title='<script>alert("x")</script>', body="<b>tebal</b>")
    admin = login("admin61")
    for path in ("/antrean", f"/laporan/{tracking}"):
        _, head, page = admin.get(path)
        assert "<script>" not in page
        assert "&lt;script&gt;" in page
        assert "<b>tebal</b>" not in page
        assert "default-src 'none'" in head["Content-Security-Policy"]


def test_english_on_request_and_sign_out(desk: Desk, login: Any) -> None:
    admin = login("admin61")
    _, _, page = admin.get("/antrean?lang=en")
    assert 'lang="en"' in page
    assert "Needs triage" in page
    assert "Overdue" in page
    _, _, page = admin.get("/antrean")  # the choice stays with the session
    assert "Needs triage" in page
    status, head, _ = admin.post("/keluar", {})
    assert status == 303
    assert head["Location"] == "/masuk"
    assert admin.get("/antrean")[0] == 303


def test_sessions_end_after_thirty_idle_minutes(login: Any, clock: FrozenClock) -> None:
    admin = login("admin61")
    clock.advance(timedelta(minutes=29))
    assert admin.get("/antrean")[0] == 200  # a request keeps it alive
    clock.advance(timedelta(minutes=31))
    status, head, _ = admin.get("/antrean")
    assert (status, head["Location"]) == (303, "/masuk")


def test_follow_up_templates_fill_the_text(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    desk.verify(tracking)
    desk.forward(tracking, AGENCY)
    liaison = login("pupr")
    _, _, page = liaison.get(f"/laporan/{tracking}?template=1")
    assert ">Perbaikan dijadwalkan pada [tanggal] oleh [unit kerja].</textarea>" in page
    _, _, page = liaison.get(f"/laporan/{tracking}?template=2&lang=en")
    assert (
        ">We passed the report on to the unit concerned, [unit], for handling.</textarea>" in page
    )
    status, _, page = liaison.get(f"/laporan/{tracking}?template=9")
    assert status == 400
    assert "template = &#x27;9&#x27;: must be 0..2" in page


def test_odd_paths_and_methods_are_answered_not_crashed(desk: Desk, login: Any) -> None:
    admin = login("admin61")
    for path in (
        "/laporan/%00",
        "/laporan/" + "x" * 5000,
        "/laporan/%ED%A0%80",
        "/tidak-ada",
        "/laporan/LAPOR-2026-0000-0000X",
    ):
        status, _, page = admin.get(path)
        assert status == 404, path
        assert "Traceback" not in page
    request = urllib.request.Request(admin.base + "/antrean", method="DELETE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        admin.opener.open(request, timeout=10)
    with refused.value as error:
        code, allow = error.code, error.headers["Allow"]
    assert (code, allow) == (405, "GET, HEAD, POST")


def test_throttle_blocks_per_key_and_forgets_stale_keys(clock: FrozenClock) -> None:
    throttle = Throttle(clock, attempts=2, window=timedelta(minutes=15), limit=2)
    throttle.fail("id:a", "ip:1")
    throttle.fail("id:a", "ip:1")
    until = throttle.blocked_until("id:a")
    assert until == clock() + timedelta(minutes=15)
    assert throttle.blocked_until("id:b", "ip:2") is None
    assert throttle.blocked_until("id:b", "ip:1") == until  # the address is blocked too
    clock.advance(timedelta(minutes=15))
    assert throttle.blocked_until("id:a", "ip:1") is None
    throttle.fail("id:c")  # more keys than the limit: the stale ones go
    assert set(throttle._failures) == {"id:c"}


def test_the_language_switch_stays_on_the_page(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    admin = login("admin61")
    _, _, page = admin.get("/dasbor?from=2026-08-01&to=2026-08-31")
    assert 'href="/dasbor?from=2026-08-01&amp;to=2026-08-31&amp;lang=en"' in page
    _, _, page = admin.get(f"/laporan/{tracking}")
    stale = version(page)
    admin.post(f"/laporan/{tracking}/verify", {"version": stale})
    status, _, page = admin.post(f"/laporan/{tracking}/verify", {"version": stale})
    assert status == 409  # shown on the action's URL; the switch leads to the complaint
    assert f'href="/laporan/{tracking}?lang=en"' in page


def test_a_flood_of_visitors_does_not_sign_officers_out(clock: FrozenClock) -> None:
    sessions = SessionStore(clock, limit=3)
    officer = sessions.new(officer_id="admin61")
    clock.advance(timedelta(seconds=1))
    for _ in range(10):
        sessions.new()
        clock.advance(timedelta(seconds=1))
    assert sessions.get(officer.id) is officer
    assert len(sessions._sessions) == 3


def test_roles_without_the_verb_are_refused_by_the_desk(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    for officer in ("pengawas", "pupr"):
        client = login(officer)
        if officer == "pengawas":
            _, _, page = client.get(f"/laporan/{tracking}")
            assert 'name="version"' not in page  # a supervisor is offered no action
        status, _, page = client.post(f"/laporan/{tracking}/verify", {"version": "1"})
        assert status == 403, officer
        assert "may not" in page or "outside their scope" in page
    assert desk.get(tracking).version == 1


def test_signing_in_replaces_the_csrf_token(desk: Desk, browser: Browser) -> None:
    tracking = file_complaint(desk)
    browser.get("/masuk")
    before = browser.csrf
    browser.post("/masuk", {"officer": "admin61", "password": PASSWORD})
    status, _, _ = browser.request(f"/laporan/{tracking}/verify", {"csrf": before, "version": "1"})
    assert status == 403
    browser.get("/antrean")
    assert browser.csrf != before
    assert browser.post(f"/laporan/{tracking}/verify", {"version": "1"})[0] == 303


def test_verify_may_classify_the_tier(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    other = file_complaint(desk, title="Saluran lain")
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    assert '<option value="field_examination">Perlu pemeriksaan lapangan</option>' in page
    form = {"version": version(page), "tier": "field_examination"}
    assert admin.post(f"/laporan/{tracking}/verify", form)[0] == 303
    assert desk.get(tracking).tier is not None
    assert desk.get(tracking).tier.value == "field_examination"
    status, _, page = admin.post(f"/laporan/{other}/verify", {"version": "1", "tier": "kilat"})
    assert status == 400
    assert "tier = &#x27;kilat&#x27;: must be one of" in page
    assert desk.get(other).status.value == "submitted"


def test_two_officers_acting_at_once_one_wins_one_is_told(desk: Desk, login: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    tracking = file_complaint(desk)
    clients = [login("admin61"), login("admin61")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(
            pool.map(lambda c: c.post(f"/laporan/{tracking}/verify", {"version": "1"})[0], clients)
        )
    assert statuses == [303, 409]
    assert desk.get(tracking).version == 2


def test_forwarding_records_why(desk: Desk, login: Any) -> None:
    followed = file_complaint(desk)
    overridden = file_complaint(desk, title="Saluran lain")
    for tracking in (followed, overridden):
        desk.verify(tracking)
    admin = login("admin61")
    for tracking, agency in ((followed, AGENCY), (overridden, "61-pupr")):
        _, _, page = admin.get(f"/laporan/{tracking}")
        form = {"version": version(page), "agency": agency}
        assert admin.post(f"/laporan/{tracking}/forward", form)[0] == 303
    router = [r.text for r in desk.router.route("61.07", "drainage").reasons]
    assert list(desk.get(followed).history[-1].payload["reasons"]) == router
    assert list(desk.get(overridden).history[-1].payload["reasons"]) == [
        f"saran router: {AGENCY}; dipilih petugas admin61: 61-pupr"
    ]


def test_admin_asks_the_reporter_to_complete_a_report_at_triage(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    assert 'id="act-hold"' in page
    status, _, body = admin.post(f"/laporan/{tracking}/hold", {"version": version(page)})
    assert status == 400
    assert "reason = " in body  # the question is required
    status, _, _ = admin.post(
        f"/laporan/{tracking}/hold", {"version": version(page), "reason": "Lokasi kurang jelas."}
    )
    assert status == 303
    complaint = desk.get(tracking)
    assert complaint.status.value == "on_hold"
    assert complaint.history[-1].payload["reason"] == "Lokasi kurang jelas."
    assert complaint.history[-1].actor.id == "admin61"
    _, _, queue = admin.get("/antrean")
    awaiting = queue[queue.index('id="q-awaiting"') :]
    assert tracking in awaiting
    _, _, page = admin.get(f"/laporan/{tracking}")
    assert 'id="act-hold"' not in page  # already on hold
    assert 'id="act-amend"' in page  # still correctable


def test_a_refusal_is_explained_in_indonesian_first_then_the_desk_s_detail(
    desk: Desk, login: Any
) -> None:
    tracking = file_complaint(desk)
    admin = login("admin61")
    _, _, page = admin.get(f"/laporan/{tracking}")
    stale = version(page)
    assert admin.post(f"/laporan/{tracking}/verify", {"version": stale})[0] == 303
    status, _, page = admin.post(f"/laporan/{tracking}/verify", {"version": stale})
    assert status == 409
    flash = re.search(r'<p class="flash[^>]*>(.*?)</p>', page, re.S)
    assert flash, "no message"
    assert flash.group(1).startswith("Laporan sudah diubah sejak formulir dibuka")
    assert "version" in flash.group(1)  # then the Desk's own words, naming the field
    _, _, page = admin.get(f"/laporan/{tracking}?lang=en")
    status, _, page = admin.post(
        f"/laporan/{tracking}/amend",
        {"version": version(page), "reason": "x", "kind": "keluhan"},
    )
    assert status == 400
    flash = re.search(r'<p class="flash[^>]*>(.*?)</p>', page, re.S)
    assert flash, "no message"
    assert flash.group(1).startswith("The input is not valid")
    assert "kind = " in flash.group(1)


def test_a_refused_form_keeps_what_the_officer_typed(desk: Desk, login: Any) -> None:
    tracking = file_complaint(desk)
    desk.verify(tracking)
    desk.forward(tracking, AGENCY)
    liaison = login("pupr")
    _, _, page = liaison.get(f"/laporan/{tracking}")
    stale = version(page)
    desk.acknowledge(tracking)  # someone else acted meanwhile
    typed = "Saluran di RT 03 dibersihkan & diperlebar <oleh UPT>."
    status, _, page = liaison.post(
        f"/laporan/{tracking}/follow_up", {"version": stale, "text": typed}
    )
    assert status == 409
    assert f">{html.escape(typed)}</textarea>" in page
    assert desk.get(tracking).history[-1].type == "acknowledged"
    admin = login("admin61")
    other = file_complaint(desk, title="Judul lama")
    _, _, page = admin.get(f"/laporan/{other}")
    form = {"version": version(page), "reason": "Judul dan jenis.", "title": "Judul baru"}
    status, _, page = admin.post(f"/laporan/{other}/amend", {**form, "kind": "keluhan"})
    assert status == 400
    assert 'name="title" value="Judul baru"' in page
    assert ">Judul dan jenis.</textarea>" in page
    assert desk.get(other).title == "Judul lama"
