"""What citizens and officers read is Indonesian: no English event ids, no placeholder leaks.

The texts themselves are listed side by side on docs/concepts/labels.md (generated), where they
were reviewed; these checks keep the review's findings from coming back.
"""

from __future__ import annotations

import re

import attrs
import pytest

from lifecycle_kit import complaint_in, step
from sp4n.desk._notify import RECIPIENTS
from sp4n.lifecycle import LAPOR_TABLE, Complaint, EventType, Role, Status, render_notification
from sp4n.texts import catalogue

ENGLISH = re.compile(r"\b(the|report|was|has|is|and|reporter|agency|deadline)\b", re.IGNORECASE)


def _notified() -> list[tuple[Complaint, str]]:
    """For every notified event type, a complaint whose last event is of that type."""
    found: dict[str, Complaint] = {EventType.SUBMITTED.value: complaint_in(Status.SUBMITTED)}
    for status in Status:
        if status.is_final:
            continue
        before = complaint_in(status)
        for event in sorted(LAPOR_TABLE.allowed_events(status)):
            if event in RECIPIENTS and event not in found:
                try:
                    start = before
                    if event == EventType.FOLLOW_UP_DRAFTED:  # a unit drafts once disposed to
                        start = step(before, EventType.DISPOSED)
                    found[event] = step(start, EventType(event))
                except Exception:  # a guard this path does not satisfy; another status will
                    continue
    return sorted(found.items())


NOTIFIED = _notified()


def test_every_notified_event_is_reached() -> None:
    assert {event for event, _ in NOTIFIED} == set(RECIPIENTS)


@pytest.mark.parametrize(("event", "complaint"), NOTIFIED, ids=[e for e, _ in NOTIFIED])
def test_indonesian_notifications_carry_no_english(event: str, complaint: Complaint) -> None:
    for role in RECIPIENTS[event]:
        text = render_notification(complaint, complaint.history[-1], role)
        without_names = text.replace(complaint.title, "").replace(complaint.tracking_id, "")
        assert event not in without_names, text  # the English event id, e.g. "acknowledged"
        assert not ENGLISH.search(without_names.replace("SP4N-LAPOR!", "")), text
        assert "Pelapor: Pelapor" not in text
        english = render_notification(complaint, complaint.history[-1], role, lang="en")
        assert english != text


def test_a_reporter_without_a_name_is_not_called_pelapor_twice() -> None:
    forwarded = complaint_in(Status.FORWARDED)
    c = attrs.evolve(forwarded, reporter=attrs.evolve(forwarded.reporter, name=None))
    text = render_notification(c, c.history[-1], Role.LIAISON)
    assert text.endswith("Pelapor: (tanpa nama).")
    assert "Reporter: (no name given)." in render_notification(
        c, c.history[-1], Role.LIAISON, lang="en"
    )


def test_the_directory_name_replaces_the_agency_id() -> None:
    c = complaint_in(Status.FORWARDED)
    text = render_notification(c, c.history[-1], Role.REPORTER, agency_name="Dinas PU Kota")
    assert "diteruskan ke Dinas PU Kota." in text
    assert c.agency is not None
    assert c.agency not in text


SAME_IN_BOTH = frozenset({"demo.step.status", "demo.step.length", "show.status", "site.status"})
"""Texts that read the same in Indonesian and English ("Status", a number and its unit)."""


def test_deadline_notices_and_status_labels_are_indonesian() -> None:
    for key, texts in catalogue().items():  # deadline notices (sweep.*) and every other text
        assert not ENGLISH.search(re.sub(r"\{\w+\}", "", texts["id"])), key
        assert (texts["id"] != texts["en"]) or key in SAME_IN_BOTH, key
    for status in Status:
        assert status.label != status.label_en
        assert not ENGLISH.search(status.label)
