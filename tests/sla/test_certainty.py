"""One ``Certainty`` for every cited fact: SLA rules, routing rows, overlays (issue 16)."""

from __future__ import annotations

import datetime as dt

import pytest

import sp4n.routing
import sp4n.sla
from sp4n.errors import InvalidInputError
from sp4n.routing import load_affairs
from sp4n.sla import load_policy
from sp4n.sla._overlays import Overlay, OverlayKind, region_overlays


def test_sla_and_routing_name_the_same_type() -> None:
    assert sp4n.sla.Certainty is sp4n.routing.Certainty
    assert [member.value for member in sp4n.sla.Certainty] == ["read", "reported", "inferred"]


def test_every_cited_fact_carries_it() -> None:
    certainty = sp4n.sla.Certainty
    assert all(type(rule.certainty) is certainty for rule in load_policy("lapor").rules)
    assert all(type(row.certainty) is certainty for row in load_affairs().rows)
    overlays = region_overlays("51")
    assert overlays
    assert all(type(overlay.certainty) is certainty for overlay in overlays)


def _overlay(certainty: object) -> Overlay:
    return Overlay(
        date=dt.date(2026, 3, 19),
        kind=OverlayKind.REGIONAL,
        reason="Nyepi",
        reason_en="Nyepi",
        source="test",
        revision="test",
        certainty=certainty,  # type: ignore[arg-type]
    )


def test_an_overlay_takes_the_text_and_refuses_other_values() -> None:
    assert _overlay("inferred").certainty is sp4n.sla.Certainty.INFERRED
    with pytest.raises(InvalidInputError) as caught:
        _overlay("sure")
    assert caught.value.field == "overlay.certainty"
    assert caught.value.value == "sure"
    assert "read, reported, inferred" in caught.value.rule
