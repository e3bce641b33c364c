"""Checked by ``mypy --strict typing_tests`` in CI, never run: the types plugin authors see.

Each ``assert_type`` states what mypy must infer. Each ``# type: ignore[code]`` marks a line
that MUST be an error: under ``--strict`` (``warn_unused_ignores``) an ignore that is not
needed is itself an error, so these lines prove mypy catches the mistake.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, assert_type

import pluggy

import sp4n
from sp4n.adapters import MemoryStore, Store, StoreFactory, open_store, plugin_manager
from sp4n.adapters.hookspecs import RegisterNotifier, RegisterStorage
from sp4n.adapters.notifiers import Notification, Notifier
from sp4n.lifecycle import Event
from sp4n.testing import FrozenClock


def open_memory(url: str, *, clock: Callable[[], dt.datetime]) -> Store:
    return MemoryStore(url, clock=clock)


@sp4n.hookimpl
def sp4n_register_storage(register: RegisterStorage) -> None:
    register("typed", open_memory)
    register("typed", "not a factory")  # type: ignore[arg-type]


@sp4n.hookimpl(tryfirst=True)
def sp4n_policy_overrides(
    policy: str, region: str | None, agency: str | None
) -> Mapping[str, Mapping[str, Any]] | None:
    if region is not None and region.startswith("64.08"):
        return {"T2": {"length": 30, "citation": "Perbup (example)"}}
    return None


@sp4n.hookimpl(specname="sp4n_calendar_overlays")
def closures(region: str | None) -> Sequence[Mapping[str, Any]]:
    return [{"date": "2026-06-01", "kind": "closure", "name": "Kantor pindah"}]


class ChatNotifier:
    name = "chat"

    def send(self, notification: Notification) -> None:
        del notification


@sp4n.hookimpl
def sp4n_register_notifiers(register: RegisterNotifier) -> None:
    register("chat", lambda settings: ChatNotifier())


@sp4n.hookimpl
def sp4n_complaint_transitioned(
    event: Event, row: sp4n.adapters.ComplaintRow, previous_status: str | None
) -> None:
    del event, row, previous_status


# The decorator keeps each function's own signature, bare or with options.
assert_type(sp4n_policy_overrides("lapor", "64.08", None), Mapping[str, Mapping[str, Any]] | None)
assert_type(closures(None), Sequence[Mapping[str, Any]])
sp4n_policy_overrides("lapor", 6408, None)  # type: ignore[arg-type]

# A factory and a notifier satisfy the protocols structurally.
factory: StoreFactory = open_memory
notifier: Notifier = ChatNotifier()

# The manager and the store a portal gets back.
pm = plugin_manager(load_entrypoints=False)
assert_type(pm, pluggy.PluginManager)
store = open_store("memory://", pm=pm, clock=FrozenClock(dt.datetime(2026, 8, 3, tzinfo=dt.UTC)))
assert_type(store, Store)
open_store(pm=pm, url=123)  # type: ignore[arg-type]
