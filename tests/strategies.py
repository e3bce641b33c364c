"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from sp4n.sla import Overlay, WorkingCalendar

FIRST = dt.date(2000, 1, 1)
# Leave room after the start for the longest rule drawn (60 working days ~ 3 months).
LAST_START = dt.date(2100, 9, 1)

dates = st.dates(min_value=FIRST, max_value=LAST_START)
"""Start dates inside the covered range."""

recent_dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))
"""Dates around the years the SKB lists cover, where holidays are dense."""

any_dates = st.one_of(dates, recent_dates)

counts = st.integers(min_value=0, max_value=60)
"""Rule lengths in working days (the tiers go up to 60)."""

positive_counts = st.integers(min_value=1, max_value=60)

closures = st.builds(
    lambda start, length: Overlay(
        date=start,
        end=start + dt.timedelta(days=length),
        kind="closure",
        reason="Kantor tutup",
        reason_en="Office closed",
        source="test",
        revision=f"closure-{start.isoformat()}-{length}",
    ),
    recent_dates,
    st.integers(min_value=0, max_value=9),
)

calendars = st.one_of(
    st.just(WorkingCalendar.indonesia()),
    st.sampled_from(["51", "61.07", "94", "31.71"]).map(WorkingCalendar.indonesia),
    st.builds(
        lambda workweek, joint: WorkingCalendar.indonesia(
            workweek=workweek, joint_leave_is_working=joint
        ),
        st.sampled_from([5, 6, 7]),
        st.booleans(),
    ),
    closures.map(lambda overlay: WorkingCalendar.indonesia(overlays=[overlay])),
)
"""National, regional (with shipped overlays), per-unit and closure calendars."""
