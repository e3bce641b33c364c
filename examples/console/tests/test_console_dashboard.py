"""The dashboard shows the figures of Desk.report (what `sp4n report` prints), in scope."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from typing import Any

import pytest
from console_support import AGENCY, WIB, file_complaint
from sp4n_console import OfficerBook, bar_chart, build_dashboard, rate

from sp4n import Desk
from sp4n.desk import ComplianceReport
from sp4n.testing import FrozenClock

PERIOD = {"start": date(2026, 8, 1), "end": date(2026, 9, 30)}


def at(clock: FrozenClock, month: int, day: int, hour: int = 10) -> None:
    clock.advance(datetime(2026, month, day, hour, tzinfo=WIB) - clock())


@pytest.fixture
def story(desk: Desk, clock: FrozenClock) -> dict[str, str]:
    """Five complaints in August and September 2026, on time, late, returned, elsewhere."""
    on_time = file_complaint(desk, title="Saluran A")
    late = file_complaint(desk, title="Saluran B")
    returned = file_complaint(desk, title="Puskesmas", topic="puskesmas", visibility="anonymous")
    far = file_complaint(desk, title="Lampu", region="64.71", topic="street_lighting")
    desk.verify(on_time)
    desk.forward(on_time, AGENCY)
    desk.verify(returned)
    desk.forward(returned, "61.07-dinkes")
    at(clock, 8, 5)
    desk.follow_up(on_time, "Sudah dibersihkan.")
    desk.return_(returned, "Bukan wewenang kami.")
    at(clock, 8, 12)
    desk.verify(late)
    desk.forward(late, AGENCY)
    at(clock, 9, 7)
    september = file_complaint(desk, title="Saluran C")
    at(clock, 9, 28)
    return {
        "on_time": on_time,
        "late": late,
        "returned": returned,
        "far": far,
        "september": september,
    }


def test_national_dashboard_equals_desk_report(
    desk: Desk, officers: OfficerBook, story: dict[str, str]
) -> None:
    now = desk.clock()
    board = build_dashboard(desk, officers.get("pengawas").actor, now=now, **PERIOD)
    assert board.by_agency == desk.report(now=now, **PERIOD)
    assert [r.group for r in board.by_agency.rows] == ["61.07-dinkes", AGENCY, "*"]
    pupr = board.by_agency.rows[1]
    assert (pupr.received, pupr.forwarded_in_3wd, pupr.followed_up_in_5wd) == (2, 1, 1)
    assert board.by_region == (
        desk.report(region="61", now=now, **PERIOD).rows[0],
        desk.report(region="64", now=now, **PERIOD).rows[0],
    )
    august = desk.report(start=date(2026, 8, 1), end=date(2026, 8, 31), now=now).rows[-1]
    september = desk.report(start=date(2026, 9, 1), end=date(2026, 9, 30), now=now).rows[-1]
    assert board.by_month == (("2026-08", august), ("2026-09", september))
    assert august.received == 4
    assert september.received == 1
    assert board.by_topic == desk.report(by="topic", now=now, **PERIOD)
    assert board.by_channel == desk.report(by="channel", now=now, **PERIOD)
    assert [(r.group, r.received) for r in board.by_topic.rows] == [
        ("drainage", 3),
        ("puskesmas", 1),
        ("street_lighting", 1),
        ("*", 5),
    ]
    drainage = board.by_topic.rows[0]
    assert (drainage.forwarded_in_3wd, drainage.followed_up_in_5wd) == (1, 1)  # "late": day 7
    assert [(r.group, r.received) for r in board.by_channel.rows] == [("web", 5), ("*", 5)]
    assert board.backlog == 5


def test_regional_admin_sees_their_region_and_its_agencies(
    desk: Desk, officers: OfficerBook, story: dict[str, str]
) -> None:
    now = desk.clock()
    board = build_dashboard(desk, officers.get("admin61").actor, now=now, **PERIOD)
    expected = [desk.report(agency=a, now=now, **PERIOD).rows[0] for a in ("61.07-dinkes", AGENCY)]
    assert list(board.by_agency.rows) == [
        *expected,
        desk.report(region="61", now=now, **PERIOD).rows[0],
    ]
    assert board.by_region == (desk.report(region="61", now=now, **PERIOD).rows[0],)
    assert board.by_topic == desk.report(region="61", by="topic", now=now, **PERIOD)
    assert "street_lighting" not in {r.group for r in board.by_topic.rows}  # 64.71 is not theirs
    liaison = build_dashboard(desk, officers.get("pupr").actor, now=now, **PERIOD)
    assert liaison.by_topic == desk.report(agency=AGENCY, by="topic", now=now, **PERIOD)
    assert [r.group for r in liaison.by_channel.rows] == ["web", "*"]


def _shows_the_rows(section: str, report: ComplianceReport) -> None:
    """Each row of ``report`` is in ``section`` with its figures and T1/T2 shares."""
    for row in report.rows:
        found = re.search(rf'<tr data-group="{re.escape(row.group)}">(.*?)</tr>', section)
        assert found, row.group
        cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', found.group(1))
        t1, t2 = (
            rate(row.forwarded_in_3wd, row.received),
            rate(row.followed_up_in_5wd, row.received),
        )
        median = row.median_wd_to_follow_up
        assert cells == [
            str(row.received),
            "-" if t1 is None else f"{t1:g}%",
            "-" if t2 is None else f"{t2:g}%",
            str(row.completed),
            str(row.overdue_now),
            "-" if median is None else f"{median:g}",
            str(row.returns),
            str(row.escalations),
        ]


def test_the_page_and_the_csv_show_the_report_figures(
    desk: Desk, login: Any, story: dict[str, str]
) -> None:
    client = login("pengawas")
    query = "from=2026-08-01&to=2026-09-30"
    status, _, page = client.get(f"/dasbor?{query}")
    assert status == 200
    report = desk.report(now=desk.clock(), **PERIOD)
    by_topic = desk.report(by="topic", now=desk.clock(), **PERIOD)
    by_channel = desk.report(by="channel", now=desk.clock(), **PERIOD)
    sections = (
        ('id="by-agency"', 'id="by-region"', report),
        ('id="by-topic"', 'id="by-channel"', by_topic),
        ('id="by-channel"', "</main>", by_channel),
    )
    for first, last, shown in sections:
        _shows_the_rows(page[page.index(first) : page.index(last)], shown)
    assert page.count("<svg") == 3  # per agency, per month, per topic
    topics = page[page.index('id="by-topic"') : page.index('id="by-channel"')]
    chart = topics[topics.index("<svg") : topics.index("</svg>")]
    assert "<title>Ketepatan waktu T1/T2 per topik</title>" in chart
    drainage = by_topic.rows[0]
    assert f"{rate(drainage.forwarded_in_3wd, drainage.received):g}%" in chart
    assert "Drainase dan banjir lokal" in chart
    assert "T1 tepat waktu" in page
    status, head, text = client.get(f"/dasbor.csv?{query}")
    assert status == 200
    assert head["Content-Type"].startswith("text/csv")
    assert text == report.to_csv()  # byte for byte what `sp4n report --format csv` prints
    assert client.get(f"/dasbor.csv?{query}&by=topic")[2] == by_topic.to_csv()
    assert client.get(f"/dasbor.csv?{query}&by=channel")[2] == by_channel.to_csv()
    _, _, months = client.get(f"/dasbor.csv?{query}&by=month")
    rows = list(csv.DictReader(io.StringIO(months)))
    assert [(r["month"], r["received"]) for r in rows] == [("2026-08", "4"), ("2026-09", "1")]


def test_a_bad_period_is_a_400_naming_the_field(login: Any) -> None:
    client = login("pengawas")
    status, _, page = client.get("/dasbor?from=2026-09-30&to=2026-08-01")
    assert status == 400
    assert "to = " in page
    status, _, page = client.get("/dasbor?from=kemarin")
    assert status == 400
    assert "from = " in page
    status, _, page = client.get("/dasbor.csv?by=topik")
    assert status == 400
    assert "by = " in page


def test_chart_labels_are_escaped_and_empty_values_draw_no_bar() -> None:
    svg = bar_chart("<T>", ["<b>Dinas</b>", "Kosong"], [("T1", [50.0, None])])
    assert "<b>" not in svg
    assert "&lt;b&gt;Dinas&lt;/b&gt;" in svg
    assert svg.count("<rect") == 3  # the legend square and two bars, the empty one 0 wide
    assert 'width="0.0"' in svg
    assert ">-</text>" in svg
