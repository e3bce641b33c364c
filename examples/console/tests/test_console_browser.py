"""End to end in a real browser: headless Chromium (the Debian package) driven by Playwright.

An admin signs in, triages and forwards one complaint to the router's suggestion,
reclassifies a misread one (the suggestion follows), the
agency's liaison follows it up from a template, a supervisor opens the dashboard; a liaison
disposes another to a work unit, the unit drafts its follow-up, the liaison approves it. Screenshots
of the queue and the dashboard at a 390 px phone width and a desktop width are kept in
``tests/artifacts/``. Under ``CI=true`` this runs, never skips (apt: ``chromium``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from console_support import AGENCY, PASSWORD, REPORTER, Server, file_complaint

from sp4n import Desk

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

if os.environ.get("CI") != "true":  # on a laptop without the browser: skip; in CI: must run
    pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, server: Server, officer: str) -> None:
    page.goto(server.url + "/masuk")
    page.fill("#officer", officer)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/antrean")


def sign_out(page: Page) -> None:
    page.click("header button")
    page.wait_for_url("**/masuk")


def fits(page: Page) -> bool:
    """No sideways scrolling of the whole page."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    return width <= page.viewport_size["width"] if page.viewport_size else False


def test_triage_forward_follow_up_end_to_end(
    chromium: Browser, server: Server, desk: Desk, clock: Any
) -> None:
    tracking = file_complaint(desk)
    hidden = file_complaint(
        desk, title="Pungutan liar di puskesmas", topic="puskesmas", visibility="anonymous"
    )
    page = chromium.new_page(viewport=DESKTOP)
    sign_in(page, server, "admin61")
    assert page.locator("#q-triage .tag").first.inner_text() == "2"
    page.locator(f"#q-triage tr:has-text('{tracking}') summary").click()
    page.screenshot(path=ARTIFACTS / "queue-desktop.png", full_page=True)
    page.click(f"text={tracking}")
    page.click("#act-verify button")
    assert "Tersimpan: Verifikasi" in page.inner_text(".flash")
    assert page.locator("#agency").input_value() == AGENCY  # the router's suggestion
    assert "Saran router" in page.inner_text("#act-forward")
    page.screenshot(path=ARTIFACTS / "case-desktop.png", full_page=True)
    page.click("#act-forward button")
    assert "Tersimpan: Teruskan" in page.inner_text(".flash")
    assert desk.get(tracking).agency == AGENCY
    misread = file_complaint(desk, title="Obat habis di puskesmas")  # filed as drainage
    page.goto(f"{server.url}/laporan/{misread}")
    assert page.locator("#amend-topic").input_value() == "drainage"  # the current value
    page.select_option("#amend-topic", "puskesmas")
    page.fill("#amend-reason", "Isi laporan tentang puskesmas, bukan saluran.")
    page.screenshot(path=ARTIFACTS / "reclassify-desktop.png", full_page=True)
    page.click("#act-amend button")
    assert "Tersimpan: Klasifikasi ulang" in page.inner_text(".flash")
    assert desk.get(misread).topic == "puskesmas"
    page.click("#act-verify button")
    assert page.locator("#agency").input_value() == "61.07-dinkes"  # the refreshed suggestion
    page.goto(f"{server.url}/laporan/{hidden}")
    body = page.inner_text("body")
    assert "Anonim (identitas disembunyikan)" in body
    for secret in REPORTER.values():
        assert secret not in page.content()
    sign_out(page)

    sign_in(page, server, "pupr")
    page.click(f"text={tracking}")
    text = page.locator("#text")
    assert text.input_value().startswith("Laporan telah kami tindak lanjuti")
    text.fill("Saluran dibersihkan pada 4 Agustus 2026 oleh UPT Drainase.")
    page.click("#act-follow_up button")
    assert "Tersimpan: Tindak lanjut" in page.inner_text(".flash")
    complaint = desk.get(tracking)
    assert complaint.status.value == "followed_up"
    assert complaint.history[-1].actor.id == "pupr"
    sign_out(page)

    sign_in(page, server, "pengawas")
    page.goto(server.url + "/dasbor?from=2026-08-01&to=2026-08-31")
    assert page.locator("svg.chart").count() == 3
    row = page.locator(f'#by-agency tr[data-group="{AGENCY}"]').inner_text()
    assert "100%" in row  # forwarded and followed up the same day
    page.screenshot(path=ARTIFACTS / "dashboard-desktop.png", full_page=True)
    page.close()


def test_dispose_draft_approve_in_the_browser(
    chromium: Browser, server: Server, desk: Desk
) -> None:
    tracking = file_complaint(desk, title="Jalan berlubang di Sebalo", topic="road")
    desk.verify(tracking)
    desk.forward(tracking, AGENCY)
    desk.acknowledge(tracking)
    page = chromium.new_page(viewport=DESKTOP)
    sign_in(page, server, "pupr")
    page.goto(f"{server.url}/laporan/{tracking}")
    page.select_option("#unit", "bina-marga")
    page.fill("#note", "Cek lokasi sebelum Jumat.")
    page.screenshot(path=ARTIFACTS / "dispose-desktop.png", full_page=True)
    page.click("#act-dispose button")
    assert "Tersimpan: Disposisi ke unit kerja" in page.inner_text(".flash")
    assert desk.get(tracking).unit == "bina-marga"
    sign_out(page)

    sign_in(page, server, "binamarga")
    assert page.locator("#q-disposed .tag").first.inner_text() == "1"
    page.click(f"#q-disposed >> text={tracking}")
    assert "Cek lokasi sebelum Jumat." in page.inner_text("body")
    page.fill("#draft-text", "Lubang ditambal pada 4 Agustus 2026.")
    page.click("#act-draft_follow_up button")
    assert "Tersimpan: Susun draf tindak lanjut" in page.inner_text(".flash")
    sign_out(page)

    sign_in(page, server, "pupr")
    page.click(f"#q-drafted >> text={tracking}")
    assert page.inner_text("#draft") == "Lubang ditambal pada 4 Agustus 2026."
    page.fill("#approve-text", "Lubang telah ditambal pada 4 Agustus 2026.")
    page.screenshot(path=ARTIFACTS / "approve-desktop.png", full_page=True)
    page.click("#act-approve_follow_up button")
    assert "Tersimpan: Setujui tindak lanjut" in page.inner_text(".flash")
    complaint = desk.get(tracking)
    assert complaint.status.value == "followed_up"
    assert complaint.history[-1].payload["text"] == "Lubang telah ditambal pada 4 Agustus 2026."
    history = page.locator("section:has(h2:has-text('Riwayat'))").inner_text()
    for label in ("Didisposisikan ke unit kerja", "Draf tindak lanjut unit", "Ditindaklanjuti"):
        assert label in history
    page.screenshot(path=ARTIFACTS / "approved-desktop.png", full_page=True)
    page.close()


def test_queue_and_dashboard_fit_a_phone(chromium: Browser, server: Server, desk: Desk) -> None:
    tracking = file_complaint(desk)
    desk.verify(tracking)
    desk.forward(tracking, AGENCY)
    waiting = file_complaint(desk, title="Got mampet di depan sekolah dasar negeri 3 Bengkayang")
    page = chromium.new_page(viewport=PHONE, is_mobile=True, device_scale_factor=2)
    sign_in(page, server, "pengawas")
    page.locator("summary").first.click()
    assert fits(page)
    page.screenshot(path=ARTIFACTS / "queue-phone.png", full_page=True)
    page.goto(server.url + f"/laporan/{tracking}?lang=en")
    assert "Nearest deadline" in page.inner_text("body")
    assert fits(page)
    page.screenshot(path=ARTIFACTS / "case-phone-en.png", full_page=True)
    page.goto(server.url + "/dasbor?from=2026-08-01&to=2026-08-31&lang=id")
    assert fits(page)
    page.screenshot(path=ARTIFACTS / "dashboard-phone.png", full_page=True)
    sign_out(page)
    sign_in(page, server, "admin61")  # the triage forms: verify, reclassify, hold
    page.goto(server.url + f"/laporan/{waiting}")
    assert page.locator("#act-amend").is_visible()
    assert fits(page)
    page.screenshot(path=ARTIFACTS / "case-phone-admin.png", full_page=True)
    page.close()
