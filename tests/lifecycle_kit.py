"""Helpers shared by the lifecycle tests: drafts, in-scope actors, valid payloads, paths."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

from sp4n.errors import Sp4nError
from sp4n.lifecycle import (
    LAPOR_TABLE,
    SYSTEM_ACTOR,
    Actor,
    Complaint,
    ComplaintDraft,
    EventType,
    Reporter,
    Role,
    Status,
    Visibility,
    apply,
    submit,
)

T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
REPORTER = Reporter(
    id="warga-17", name="Siti Aminah", email="siti@example.id", phone="+6281234567890"
)
AGENCIES = ("dinas-pu-bandung", "dinas-kesehatan-bandung", "bpn-bandung", "pln-jabar")


def draft(visibility: str = "public", reporter: Reporter = REPORTER) -> ComplaintDraft:
    return ComplaintDraft(
        kind="pengaduan",
        title="Jalan berlubang di Jl. Soekarno-Hatta",
        body="Lubang besar di depan pasar, sudah dua bulan belum diperbaiki.",
        region="32.73",
        topic="infrastruktur",
        channel="web",
        reporter=reporter,
        visibility=visibility,
    )


def new_complaint(visibility: str = "public", reporter: Reporter = REPORTER) -> Complaint:
    return submit(draft(visibility, reporter), actor=Actor(reporter.id, Role.REPORTER), at=T0)


def actor_for(role: Role, complaint: Complaint) -> Actor:
    """An actor of ``role`` whose scope covers ``complaint``."""
    if role is Role.REPORTER:
        return Actor(complaint.reporter.id, role)
    if role is Role.ADMIN:
        return Actor("admin-jabar", role, region="32")
    if role is Role.LIAISON:
        return Actor("penghubung-1", role, agency=complaint.agency or AGENCIES[0])
    if role is Role.SUPERVISOR:
        return Actor("ombudsman-jabar", role, region="32")
    if role is Role.UNIT:
        agency = complaint.agency or AGENCIES[0]
        return Actor("seksi-jalan-1", role, agency=agency, unit=complaint.unit or "seksi-jalan")
    return SYSTEM_ACTOR


def payload_for(event: EventType, complaint: Complaint, role: Role) -> dict[str, Any]:
    """A payload that satisfies the row's guard when the guard can be satisfied."""
    if event is EventType.VERIFIED:
        return {"tier": "simple"}
    if event is EventType.HELD:
        return {"reason": "lokasi kurang jelas"}
    if event is EventType.ARCHIVED:
        return {"reason": "unclear"}
    if event is EventType.FORWARDED:
        candidates = [*AGENCIES, *(f"dinas-{n}" for n in range(len(complaint.returned_by) + 1))]
        agency = next(a for a in candidates if a not in complaint.returned_by)
        return {"agency": agency, "reasons": ["urusan jalan kota (UU 23/2014)"]}
    if event is EventType.RETURNED:
        return {"reason": "bukan kewenangan kami", "suggested_agency": "bpn-bandung"}
    if event is EventType.INFO_REQUESTED:
        return {"question": "Nomor rumah terdekat?"}
    if event in (
        EventType.INFO_PROVIDED,
        EventType.FOLLOWED_UP,
        EventType.REPORTER_REPLIED,
        EventType.ADMIN_REPLIED,
    ):
        return {"text": "Sudah kami periksa."}
    if event is EventType.DISPOSED:
        return {"unit": "seksi-jalan", "note": "mohon dicek ke lokasi"}
    if event is EventType.FOLLOW_UP_DRAFTED:
        return {"text": "Rancangan: lubang sudah ditambal."}
    if event is EventType.RATED:
        return {"score": 4, "comment": "cepat"}
    if event is EventType.REOPENED:
        return {"reason": "lubang muncul lagi"}
    if event is EventType.EXTENDED:
        return {"reason": "perlu survei lapangan", "tier": "field_examination", "working_days": 5}
    if event is EventType.ESCALATED:
        target = "ombudsman" if role is Role.REPORTER else "supervisor"
        return {"target": target, "reason": "tidak ada tanggapan"}
    if event is EventType.MERGED:
        return {"into": "another-complaint"}
    if event is EventType.VISIBILITY_CHANGED:
        if role is Role.REPORTER:
            new = "anonymous" if complaint.visibility is not Visibility.ANONYMOUS else "public"
        else:
            new = "confidential" if complaint.visibility is Visibility.PUBLIC else "anonymous"
        return {"visibility": new}
    if event is EventType.DEADLINE_MOVED:
        return {"rule_id": "T1", "old_due": "2026-03-05", "new_due": "2026-03-06", "revision": "2"}
    if event is EventType.REMINDED:
        return {"rule_id": "T1", "stage": "warning", "to": "admin", "due": "2026-03-05"}
    if event is EventType.AMENDED:
        new = "road" if complaint.topic != "road" else "waste"
        return {"reason": "topik salah", "changes": {"topic": {"old": complaint.topic, "new": new}}}
    return {}


def step(complaint: Complaint, event: EventType, at: datetime | None = None) -> Complaint:
    """Apply ``event`` with the first role of its row that succeeds."""
    row = LAPOR_TABLE.row(complaint.status, event)
    assert row is not None, (complaint.status, event)
    when = at or complaint.history[-1].occurred_at + timedelta(hours=1)
    last: Exception | None = None
    for role in sorted(row.roles):
        try:
            return apply(
                complaint,
                event,
                actor=actor_for(role, complaint),
                at=when,
                payload=payload_for(event, complaint, role),
            )
        except Sp4nError as error:
            last = error
    raise AssertionError(f"no role could fire {event} in {complaint.status}: {last}")


def paths() -> dict[Status, tuple[EventType, ...]]:
    """A shortest event path from submitted to each status (BFS over the table)."""
    found: dict[Status, tuple[EventType, ...]] = {LAPOR_TABLE.initial: ()}
    queue = deque([LAPOR_TABLE.initial])
    while queue:
        status = queue.popleft()
        for row in LAPOR_TABLE.rows_from(status):
            if row.target not in found:
                found[row.target] = (*found[status], row.event)
                queue.append(row.target)
    return found


def complaint_in(status: Status, visibility: str = "public") -> Complaint:
    complaint = new_complaint(visibility)
    for event in paths()[status]:
        complaint = step(complaint, event)
    assert complaint.status is status
    return complaint
