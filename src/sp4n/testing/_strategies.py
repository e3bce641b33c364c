"""Hypothesis strategies for property tests of timing rules (``sp4n.testing.strategies``).

Importing this module imports :mod:`hypothesis`; ``sp4n.testing`` loads it only when one of
these names is used, so sp4n itself never needs hypothesis.

Every strategy draws from sp4n's own data: working days come from the calendar's tables (not
from a filter, so shrinking is fast and no draw is wasted), histories are built by the real
lifecycle (:func:`sp4n.lifecycle.submit` and :func:`sp4n.lifecycle.apply`), so each one
replays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as exc:  # pragma: no cover - hypothesis is in the test extra
    raise ModuleNotFoundError(
        "sp4n.testing's strategies need hypothesis: pip install 'sp4n[test]' (or hypothesis)",
        name=exc.name,
    ) from exc

from sp4n._time import parse_date
from sp4n.errors import InvalidInputError
from sp4n.lifecycle import (
    LAPOR_TABLE,
    SYSTEM_ACTOR,
    Actor,
    Complaint,
    ComplaintDraft,
    Event,
    Reporter,
    Role,
    apply,
    submit,
)
from sp4n.sla import DayKind, WorkingCalendar

__all__ = [
    "INDONESIAN_ZONES",
    "complaint_histories",
    "dates_in",
    "non_working_days",
    "rule_lengths",
    "submission_instants",
    "working_days",
]

INDONESIAN_ZONES: tuple[str, ...] = (
    "Asia/Jakarta",
    "Asia/Pontianak",
    "Asia/Makassar",
    "Asia/Jayapura",
)
"""WIB (Jakarta, Pontianak), WITA (Makassar) and WIT (Jayapura)."""

DEFAULT_FIRST = dt.date(2025, 1, 1)
DEFAULT_LAST = dt.date(2026, 12, 31)
"""The default range: the years whose holidays and cuti bersama the SKBs have fixed."""

_CALENDAR_FIRST = dt.date(2000, 1, 1)
_CALENDAR_LAST = dt.date(2100, 12, 31)


def _range(first: object, last: object) -> tuple[dt.date, dt.date]:
    a = parse_date("first", first)
    b = parse_date("last", last)
    if b < a:
        raise InvalidInputError("last", b, f"must not be before first ({a})")
    for field, value in (("first", a), ("last", b)):
        if not _CALENDAR_FIRST <= value <= _CALENDAR_LAST:
            raise InvalidInputError(
                field,
                value,
                f"must lie in the calendar's range {_CALENDAR_FIRST}..{_CALENDAR_LAST}",
            )
    return a, b


def _calendar(value: object) -> WorkingCalendar:
    if not isinstance(value, WorkingCalendar):
        raise InvalidInputError("calendar", value, "must be an sp4n.sla.WorkingCalendar")
    return value


def dates_in(
    first: dt.date | str = DEFAULT_FIRST, last: dt.date | str = DEFAULT_LAST
) -> st.SearchStrategy[dt.date]:
    """Any date from ``first`` to ``last`` (inclusive; dates or ISO strings)."""
    a, b = _range(first, last)
    return st.dates(min_value=a, max_value=b)


def working_days(
    calendar: WorkingCalendar,
    first: dt.date | str = DEFAULT_FIRST,
    last: dt.date | str = DEFAULT_LAST,
) -> st.SearchStrategy[dt.date]:
    """Working days of ``calendar`` from ``first`` to ``last``, drawn from its tables.

    :raises InvalidInputError: when the range holds no working day.
    """
    calendar = _calendar(calendar)
    a, b = _range(first, last)
    count = calendar.working_days_between(a, b) + int(calendar.is_working_day(a))
    if count < 1:
        raise InvalidInputError(
            "last", b, f"no working day between {a} and {b} on calendar {calendar.version}"
        )
    first_working = calendar.add_working_days(a, 0)  # a itself when it is a working day
    # k-th working day after the first one (k = 0 is the first): shrinks towards ``first``.
    return st.integers(0, count - 1).map(lambda k: calendar.add_working_days(first_working, k))


def non_working_days(
    calendar: WorkingCalendar,
    first: dt.date | str = DEFAULT_FIRST,
    last: dt.date | str = DEFAULT_LAST,
    *,
    kinds: Sequence[DayKind | str] | None = None,
) -> st.SearchStrategy[dt.date]:
    """Days off of ``calendar`` from ``first`` to ``last``, optionally only of ``kinds``.

    :param kinds: e.g. ``["regional", "closure"]``; ``None`` for every kind (weekends too).
    :raises InvalidInputError: for an unknown kind, or when no such day is in the range.
    """
    calendar = _calendar(calendar)
    a, b = _range(first, last)
    wanted: frozenset[DayKind] | None = None
    if kinds is not None:
        if isinstance(kinds, str):
            raise InvalidInputError("kinds", kinds, "must be a list of day kinds, not one string")
        try:
            wanted = frozenset(DayKind(kind) for kind in kinds)
        except ValueError:
            raise InvalidInputError(
                "kinds", list(kinds), f"each must be one of {', '.join(k.value for k in DayKind)}"
            ) from None
    days = [s.date for s in calendar.non_working_days(a, b) if wanted is None or s.kind in wanted]
    if not days:
        raise InvalidInputError(
            "kinds", None if kinds is None else list(kinds), f"no such day off between {a} and {b}"
        )
    return st.sampled_from(days)


def _zone(zone: object) -> ZoneInfo:
    if isinstance(zone, WorkingCalendar):
        return zone.timezone
    if isinstance(zone, ZoneInfo):
        return zone
    if isinstance(zone, str) and zone in INDONESIAN_ZONES:
        return ZoneInfo(zone)
    raise InvalidInputError(
        "zone",
        zone,
        f"must be a WorkingCalendar, a ZoneInfo or one of {', '.join(INDONESIAN_ZONES)}",
    )


def submission_instants(
    zone: WorkingCalendar | ZoneInfo | str | None = None,
    first: dt.date | str = DEFAULT_FIRST,
    last: dt.date | str = DEFAULT_LAST,
) -> st.SearchStrategy[dt.datetime]:
    """Aware instants a report may arrive at, any time of day, on ``first`` .. ``last`` (local).

    :param zone: a calendar (its time zone), a ``ZoneInfo``, an Indonesian zone name, or
        ``None`` for any of the four (:data:`INDONESIAN_ZONES`), which finds mistakes in
        reading an instant's local date.
    """
    a, b = _range(first, last)
    zones = (
        st.sampled_from([ZoneInfo(name) for name in INDONESIAN_ZONES])
        if zone is None
        else st.just(_zone(zone))
    )
    return st.datetimes(
        min_value=dt.datetime.combine(a, dt.time()),
        max_value=dt.datetime.combine(b, dt.time(23, 59, 59)),
        timezones=zones,
    )


def rule_lengths(*, min_value: int = 1, max_value: int = 60) -> st.SearchStrategy[int]:
    """Rule lengths ``n`` (the SP4N-LAPOR! rules run from 1 to 60 units)."""
    if type(min_value) is not int or min_value < 0:
        raise InvalidInputError("min_value", min_value, "must be an int of at least 0")
    if type(max_value) is not int or max_value < min_value:
        raise InvalidInputError("max_value", max_value, f"must be an int of at least {min_value}")
    return st.integers(min_value=min_value, max_value=max_value)


_TIERS = ("simple", "dispute", "field_examination")
_TEXTS: dict[str, dict[str, object]] = {
    "info_requested": {"question": "Mohon lengkapi lokasi kejadian."},
    "info_provided": {"text": "Di depan kantor kecamatan."},
    "followed_up": {"text": "Sudah kami tindak lanjuti."},
    "reporter_replied": {"text": "Belum selesai."},
}


def _actor(role: Role, complaint: Complaint) -> Actor:
    if role is Role.REPORTER:
        return Actor(complaint.reporter.id, role)
    if role is Role.ADMIN:
        return Actor("admin-sp4n-test", role, region=complaint.region.split(".")[0])
    if role is Role.LIAISON:
        return Actor("penghubung-sp4n-test", role, agency=complaint.agency)
    return SYSTEM_ACTOR


def _fire(
    complaint: Complaint, event: str, at: dt.datetime, payload: dict[str, object]
) -> Complaint:
    row = LAPOR_TABLE.row(complaint.status, event)
    if row is None:  # pragma: no cover - the paths below follow the table
        raise InvalidInputError("event", event, f"not allowed in status {complaint.status}")
    role = sorted(row.roles, key=lambda r: r.value)[0]
    return apply(complaint, event, actor=_actor(role, complaint), at=at, payload=payload)


@st.composite
def _histories(
    draw: st.DrawFn,
    region: str,
    submitted: st.SearchStrategy[dt.datetime],
    gaps: st.SearchStrategy[dt.timedelta],
    tiers: Sequence[str | None],
    max_pauses: int,
    agency: str,
) -> tuple[Event, ...]:
    at = draw(submitted)
    draft = ComplaintDraft(
        kind="pengaduan",
        title="Jalan berlubang di depan pasar",
        body="Lubang besar, sudah dua bulan belum diperbaiki.",
        region=region,
        topic="road",
        channel="web",
        reporter=Reporter(id="warga-sp4n-test", name="Warga Uji", email="warga@example.org"),
    )
    complaint = submit(draft, actor=Actor(draft.reporter.id, Role.REPORTER), at=at)
    tier = draw(st.sampled_from(list(tiers)))
    steps: list[tuple[str, dict[str, object]]] = [
        ("verified", {} if tier is None else {"tier": tier}),
        ("forwarded", {"agency": agency, "reasons": ["contoh uji"]}),
    ]
    for _ in range(draw(st.integers(0, max_pauses))):
        steps += [("info_requested", _TEXTS["info_requested"])]
        steps += [("info_provided", _TEXTS["info_provided"])]
    steps.append(("followed_up", _TEXTS["followed_up"]))
    if draw(st.booleans()):
        steps.append(("reporter_replied", _TEXTS["reporter_replied"]))
    length = draw(st.integers(0, len(steps)))
    for event, payload in steps[:length]:
        at = at + draw(gaps)
        complaint = _fire(complaint, event, at, payload)
    return complaint.history


def complaint_histories(
    region: str = "61.07",
    *,
    submitted: st.SearchStrategy[dt.datetime] | None = None,
    gaps: st.SearchStrategy[dt.timedelta] | None = None,
    tiers: Sequence[str | None] = (None, *_TIERS),
    max_pauses: int = 2,
    agency: str = "dinas-uji",
) -> st.SearchStrategy[tuple[Event, ...]]:
    """Event histories of one complaint that the real lifecycle accepts (they replay).

    Each history is a prefix of: ``submitted``, ``verified`` (with a drawn ``tier``, or
    none), ``forwarded``, up to ``max_pauses`` pairs of ``info_requested`` /
    ``info_provided`` (a paused clock), ``followed_up`` and perhaps ``reporter_replied``.
    Feed them to :func:`sp4n.sla.evaluate_clocks` or :func:`assert_deadline`.

    :param region: the complaint's region code (its admin acts in its province).
    :param submitted: when it is submitted (default :func:`submission_instants` in any zone).
    :param gaps: time between one event and the next (default 1 minute to 20 days).
    :param tiers: the ``tier`` values ``verified`` may carry (``None``: no tier).
    """
    for tier in tiers:
        if tier is not None and tier not in _TIERS:
            raise InvalidInputError("tiers", tier, f"must be None or one of {', '.join(_TIERS)}")
    if type(max_pauses) is not int or not 0 <= max_pauses <= 10:
        raise InvalidInputError("max_pauses", max_pauses, "must be an int from 0 to 10")
    return _histories(
        region,
        submitted if submitted is not None else submission_instants(),
        gaps
        if gaps is not None
        else st.timedeltas(min_value=dt.timedelta(minutes=1), max_value=dt.timedelta(days=20)),
        tuple(tiers),
        max_pauses,
        agency,
    )
