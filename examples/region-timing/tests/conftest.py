"""Kabupaten Banyuwangi's (35.10) timing data, loaded the way a deployment loads it.

- the policy: sp4n's ``lapor`` policy with the override files under ``data/overrides/``
  (``load_policy(..., search_paths=[DATA])``);
- the calendar: the calendar of 35.10 (Asia/Jakarta, Jawa Timur) with the regional overlays of
  ``data/overlays.toml`` (the same format as sp4n's own overlay files).
"""

from __future__ import annotations

import pytest
from region_timing_data import DATA, REGION, regional_overlays

from sp4n.sla import Policy, WorkingCalendar, load_policy


@pytest.fixture(scope="session")
def regency() -> WorkingCalendar:
    """Banyuwangi's working calendar: national days off plus its own overlays."""
    return WorkingCalendar.indonesia(REGION, overlays=regional_overlays())


@pytest.fixture(scope="session")
def national() -> WorkingCalendar:
    """The calendar of 35.10 without the regency's overlays (same time zone)."""
    return WorkingCalendar.indonesia(REGION)


@pytest.fixture(scope="session")
def policy() -> Policy:
    """The ``lapor`` policy with Banyuwangi's override applied."""
    return load_policy("lapor", region=REGION, search_paths=[DATA])


@pytest.fixture(scope="session")
def national_policy() -> Policy:
    """The ``lapor`` policy as shipped, without the regency's override."""
    return load_policy("lapor")
