"""Hypothesis strategies for a region's timing-rule property tests (imports hypothesis).

``from sp4n.testing.strategies import working_days`` or ``from sp4n.testing import strategies``;
the same names are importable from :mod:`sp4n.testing` directly. See docs/testing.md.
"""

from sp4n.testing._strategies import (
    INDONESIAN_ZONES,
    complaint_histories,
    dates_in,
    non_working_days,
    rule_lengths,
    submission_instants,
    working_days,
)

__all__ = [
    "INDONESIAN_ZONES",
    "complaint_histories",
    "dates_in",
    "non_working_days",
    "rule_lengths",
    "submission_instants",
    "working_days",
]
