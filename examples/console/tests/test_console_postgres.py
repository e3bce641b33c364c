"""The console on a real PostgreSQL store (sp4n.testing's temporary server; runs under CI)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from console_support import AGENCY, Browser, Server, file_complaint
from sp4n_console import OfficerBook

from sp4n import Desk
from sp4n.testing import FrozenClock


@pytest.fixture
def pg_desk(postgres_url: str, clock: FrozenClock) -> Iterator[Desk]:
    with Desk.open(postgres_url, clock=clock) as opened:
        yield opened


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found
    return found.group(1)


def test_triage_forward_follow_up_and_dashboard_on_postgresql(
    pg_desk: Desk, officers: OfficerBook
) -> None:
    tracking = file_complaint(pg_desk)
    served = Server(pg_desk, officers)
    try:
        admin = Browser(served.url)
        assert admin.login("admin61") == 303
        assert tracking in admin.get("/antrean")[2]
        page = admin.get(f"/laporan/{tracking}")[2]
        assert admin.post(f"/laporan/{tracking}/verify", {"version": _version(page)})[0] == 303
        page = admin.get(f"/laporan/{tracking}")[2]
        form = {"version": _version(page), "agency": AGENCY}
        assert admin.post(f"/laporan/{tracking}/forward", form)[0] == 303
        liaison = Browser(served.url)
        assert liaison.login("pupr") == 303
        page = liaison.get(f"/laporan/{tracking}")[2]
        form = {"version": _version(page), "text": "Saluran dibersihkan."}
        assert liaison.post(f"/laporan/{tracking}/follow_up", form)[0] == 303
        assert pg_desk.get(tracking).status.value == "followed_up"
        supervisor = Browser(served.url)
        assert supervisor.login("pengawas") == 303
        status, _, text = supervisor.get("/dasbor.csv?from=2026-08-01&to=2026-08-31")
        assert status == 200
        report = pg_desk.report(start="2026-08-01", end="2026-08-31")
        assert text == report.to_csv()
        assert report.rows[0].group == AGENCY
        assert report.rows[0].followed_up_in_5wd == 1
    finally:
        served.close()
