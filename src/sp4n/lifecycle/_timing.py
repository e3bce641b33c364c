"""The policy and calendar in force for a complaint, plugins applied.

:func:`sp4n.lifecycle.timing_in_force` is the one function that turns a complaint into its
clocks; this module resolves its inputs: the policy (a name loaded with the region's and
agency's override files, or a fixed :class:`~sp4n.sla.Policy`) with the plugins'
``sp4n_policy_overrides``, and the region's working calendar with their
``sp4n_calendar_overlays`` (decision 0153).

``plugins`` is anything with the two plugin-data methods of :class:`sp4n.adapters.Adapters`;
by default the plugins installed through the ``sp4n`` entry point, loaded once per process
(the outermost edge, like the system clock). ``plugins=None`` counts without plugins.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol

from sp4n.sla import Overlay, Policy, WorkingCalendar, load_policy

__all__ = [
    "INSTALLED",
    "PluginData",
    "Plugins",
    "calendar_in_force",
    "installed_plugins",
    "policy_in_force",
    "resolve_plugins",
]


class PluginData(Protocol):
    """What timing needs of the plugins (:class:`sp4n.adapters.Adapters` has it)."""

    def policy_overrides(
        self, *, policy: str, region: str | None = None, agency: str | None = None
    ) -> Mapping[str, Mapping[str, Any]]:
        """Rule overrides ``{rule_id: {field: value}}`` for the policy, region and agency."""

    def calendar_overlays(self, *, region: str | None = None) -> Sequence[Mapping[str, Any]]:
        """Overlay rows (regional days off, closures) for ``region``."""


class _Installed(enum.Enum):
    INSTALLED = "installed"


INSTALLED: Final = _Installed.INSTALLED
"""The default of ``plugins``: the plugins installed through the ``sp4n`` entry point."""

Plugins = _Installed | None
"""``plugins`` besides a :class:`PluginData`: :data:`INSTALLED` or ``None`` (no plugins)."""

_LOADED: list[tuple[Any, PluginData]] = []  # (the plugin_manager factory, its plugins)


def installed_plugins() -> PluginData:
    """The installed plugins (``sp4n`` entry points), loaded on first use and kept.

    They are loaded again only if ``sp4n.adapters.plugin_manager`` itself was replaced
    (as a test does to stand for an installed plugin).
    """
    from sp4n import adapters  # the edge: sp4n.adapters depends on sp4n.lifecycle

    factory = adapters.plugin_manager
    if not _LOADED or _LOADED[0][0] is not factory:
        _LOADED[:] = [(factory, adapters.Adapters(factory()))]
    return _LOADED[0][1]


def resolve_plugins(plugins: PluginData | Plugins) -> PluginData | None:
    """The plugins ``plugins`` names: :data:`INSTALLED` loads them, ``None`` is none."""
    if isinstance(plugins, _Installed):
        return installed_plugins()
    return plugins


def policy_in_force(
    policy: str | Policy = "lapor",
    *,
    region: str | None,
    agency: str | None,
    plugins: PluginData | Plugins = INSTALLED,
) -> Policy:
    """``policy`` (a name, loaded with the region's and agency's override files, or a fixed
    :class:`~sp4n.sla.Policy`) with the plugins' ``sp4n_policy_overrides`` applied."""
    if not isinstance(policy, Policy):
        policy = load_policy(policy, region=region, agency=agency)
    found = resolve_plugins(plugins)
    if found is not None:
        changes = found.policy_overrides(policy=policy.name, region=region, agency=agency)
        if changes:
            policy = policy.with_overrides({k: dict(v) for k, v in changes.items()})
    return policy


def calendar_in_force(
    region: str | None,
    *,
    calendar: WorkingCalendar | None = None,
    plugins: PluginData | Plugins = INSTALLED,
) -> WorkingCalendar:
    """``calendar`` (default ``WorkingCalendar.indonesia(region)``) with the plugins'
    ``sp4n_calendar_overlays`` for ``region`` applied."""
    if calendar is None:
        calendar = WorkingCalendar.indonesia(region)
    found = resolve_plugins(plugins)
    if found is None:
        return calendar
    rows = found.calendar_overlays(region=region)
    if not rows:
        return calendar
    return calendar.with_overlays(*(Overlay.from_mapping(row) for row in rows))
