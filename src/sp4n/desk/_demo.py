"""``sp4n demo``: one whole complaint story through the Desk, on an injected clock.

An SMS 1708 from Kabupaten Bengkayang (61.07) about a damaged regency road: verified,
routed to the province's public-works office (the admin took it for a provincial road),
returned as not its authority (bukan wewenang), re-routed to the regency's office,
information requested from the reporter and given, followed up, and completed (Selesai)
automatically after 10 working days without a reply, a span that crosses Independence
Day (17 August) and the Prophet's Birthday (25 August 2026).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from sp4n.adapters.channels import SmsChannel, SmsMessage
from sp4n.desk._desk import Desk
from sp4n.desk._projection import next_due
from sp4n.lifecycle import Actor, Complaint, Role
from sp4n.sla import ClockStatus, SlaClock
from sp4n.texts import text

__all__ = ["DEMO_START", "DEMO_URL", "DemoStep", "run_demo"]

DEMO_URL = "sqlite:///sp4n-demo.db"
"""Where ``sp4n demo`` writes by default (a fresh file each run)."""

_PONTIANAK = ZoneInfo("Asia/Pontianak")
DEMO_START = dt.datetime(2026, 8, 3, 8, 15, tzinfo=_PONTIANAK)
"""Monday 3 August 2026, 08:15 WIB: the SMS arrives."""

_SMS = (
    "LAPOR Jalan poros Sebalo km 12 rusak berat, berlubang dalam dan licin saat hujan. "
    "Sudah dua motor terjatuh minggu ini. #61.07 #road"
)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _tanggal(day: dt.date) -> str:
    """``Senin 03-08-2026``: an Indonesian weekday and the date."""
    return f"{text(f'weekday.{_WEEKDAYS[day.weekday()]}')} {day:%d-%m-%Y}"


class _StoryClock:
    """The demo's clock: stands still and only moves forward when the story says so."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, instant: dt.datetime) -> None:
        if instant < self.now:  # pragma: no cover - the story only moves forward
            raise ValueError("the story clock never goes backwards")
        self.now = instant


@attrs.frozen
class DemoStep:
    """One step of the story: what happened, the status after it and the nearest deadline."""

    number: int
    at: dt.datetime
    action: str
    status: str
    status_label: str
    agency: str | None
    deadline: SlaClock | None
    paused: tuple[SlaClock, ...]
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping."""
        deadline = self.deadline.deadline if self.deadline is not None else None
        return {
            "step": self.number,
            "at": self.at.isoformat(),
            "action": self.action,
            "status": self.status,
            "status_label": self.status_label,
            "agency": self.agency,
            "deadline": None
            if self.deadline is None or deadline is None
            else {
                "rule_id": self.deadline.rule.id,
                "title": self.deadline.rule.title,
                **deadline.to_dict(),
            },
            "paused": [c.rule.id for c in self.paused],
            "note": self.note,
        }

    def to_text(self) -> str:
        """The step as printed by ``sp4n demo``."""
        local = self.at.astimezone(_PONTIANAK)
        when = f"{_tanggal(local.date())} {local:%H:%M} {local.tzname()}"
        status = text("demo.step.status", label=self.status_label, status=self.status)
        if self.agency:
            status += text("demo.step.agency", agency=self.agency)
        lines = [f"[{self.number}] {when}  {self.action}", f"    {status}"]
        clock = self.deadline
        if clock is not None and clock.deadline is not None:
            d = clock.deadline
            unit = text(f"unit.{d.unit.value}")
            length = (
                text("demo.step.paused_length", n=d.n, unit=unit, paused=d.paused)
                if d.paused
                else text("demo.step.length", n=d.n, unit=unit)
            )
            deadline = text(
                "demo.step.deadline",
                rule=clock.rule.id,
                title=clock.rule.title,
                length=length,
                start=_tanggal(d.start_date),
                due=_tanggal(d.due_date),
            )
            if d.provisional:
                deadline += f" ({text('cli.provisional')})"
            lines.append(f"    {deadline}")
            skipped = d.explanation.skipped
            if skipped:
                lines.append(f"    {text('demo.step.not_counted')}")
                lines.extend(f"      - {_tanggal(s.date)}: {s.reason}" for s in skipped)
            else:
                lines.append(f"    {text('demo.step.none_skipped')}")
        else:
            lines.append(f"    {text('demo.step.no_deadline')}")
        for paused in self.paused:
            line = text("demo.step.paused", rule=paused.rule.id, title=paused.rule.title)
            lines.append(f"    {line}")
        if self.note:
            lines.append(f"    {self.note}")
        return "\n".join(lines)


def _fresh(url: str) -> str | None:
    """Remove a previous demo's SQLite file; for other stores return a fresh complaint id."""
    if url.startswith("sqlite:"):
        from sp4n.adapters._sqlite import sqlite_path

        path = sqlite_path(url)
        if path != ":memory:":
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
        return None
    if url.startswith("memory:"):
        return None
    return str(uuid.uuid4())  # a shared server keeps earlier runs: start a new complaint


def run_demo(
    url: str = DEMO_URL, *, echo: Callable[[DemoStep], None] | None = None
) -> list[DemoStep]:
    """Play the story on the store at ``url``; return the steps (``echo`` sees each one).

    The SQLite file of an earlier run is replaced, so the demo can be run again and again.
    """
    complaint_id = _fresh(url)
    clock = _StoryClock(DEMO_START)
    steps: list[DemoStep] = []

    def record(
        action: str,
        complaint: Complaint,
        desk: Desk,
        *,
        show: str | None = None,
        note: str | None = None,
    ) -> Complaint:
        clocks = desk.rules.clocks(complaint, now=clock.now)
        shown = next_due(clocks) if show is None else next(c for c in clocks if c.rule.id == show)
        step = DemoStep(
            number=len(steps) + 1,
            at=clock.now,
            action=action,
            status=complaint.status.value,
            status_label=complaint.status.label,
            agency=complaint.agency,
            deadline=shown,
            paused=tuple(c for c in clocks if c.status is ClockStatus.PAUSED),
            note=note,
        )
        steps.append(step)
        if echo is not None:
            echo(step)
        return complaint

    def at(day: int, hour: int, minute: int = 0, month: int = 8) -> None:
        clock.set(dt.datetime(2026, month, day, hour, minute, tzinfo=_PONTIANAK))

    admin = Actor(id="admin.bengkayang", role=Role.ADMIN, region="61.07")
    with Desk.open(url, clock=clock) as desk:
        intake = SmsChannel(default_region="61.07").parse(
            SmsMessage(sender="+6281234567890", text=_SMS, gateway_id="sms-1708-0001"),
            received_at=clock.now,
        )
        c = desk.submit(intake, complaint_id=complaint_id)
        ref = c.tracking_id
        record(text("demo.sms_received", sender="+62812****7890", tracking=ref), c, desk)

        at(3, 10, 30)
        c = record(text("demo.verified"), desk.verify(ref, actor=admin), desk)

        at(4, 9)
        decision = desk.suggest(ref, attributes={"road_status": "provinsi"})
        assert decision.agency is not None
        c = desk.forward(ref, attributes={"road_status": "provinsi"}, actor=admin)
        record(text("demo.forwarded_province", agency=decision.agency.name), c, desk)

        at(5, 14)
        pupr_61 = Actor(id="penghubung.pupr.kalbar", role=Role.LIAISON, agency=c.agency)
        c = desk.return_(
            ref,
            "ruas Sebalo km 12 berstatus jalan kabupaten (SK Bupati), bukan jalan provinsi",
            suggested_agency="61.07-pupr",
            actor=pupr_61,
        )
        record(text("demo.returned"), c, desk)

        at(6, 9)
        decision = desk.suggest(ref, attributes={"road_status": "kabupaten"})
        assert decision.agency is not None
        c = desk.forward(ref, attributes={"road_status": "kabupaten"}, actor=admin)
        record(text("demo.reforwarded", agency=decision.agency.name), c, desk)

        pupr = Actor(id="penghubung.pupr.bengkayang", role=Role.LIAISON, agency=c.agency)
        at(7, 10)
        c = desk.request_info(
            ref, "Mohon kirim titik lokasi (patok km) dan foto kerusakan.", actor=pupr
        )
        record(text("demo.info_requested"), c, desk)

        at(10, 8, 5)
        c = desk.provide_info(ref, "Km 12 dekat simpang Desa Sebalo; foto dikirim via MMS.")
        record(text("demo.info_provided"), c, desk)

        at(14, 15)
        c = desk.follow_up(
            ref,
            "Penambalan lubang dijadwalkan 20 Agustus; pengaspalan ulang masuk APBD-P 2026.",
            actor=pupr,
        )
        record(text("demo.followed_up"), c, desk)

        at(2, 8, month=9)
        done = desk.apply_due_completions()
        c = done[0] if done else desk.get(ref)
        last = c.history[-1]
        when = last.occurred_at.astimezone(_PONTIANAK)
        silence = next(r for r in desk.rules.policy_for(c).rules if r.id == "T3")
        record(
            text(
                "demo.auto_completed", days=silence.length, unit=text(f"unit.{silence.unit.value}")
            ),
            c,
            desk,
            show="T3",
            note=text(
                "demo.recorded_by_system",
                event=last.type,
                when=f"{_tanggal(when.date())} {when:%H:%M} {when.tzname()}",
                rule=silence.id,
            ),
        )
        desk.deliver_notifications(limit=1000)
    return steps
