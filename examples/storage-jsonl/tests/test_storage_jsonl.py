"""The JSON-lines plugin: found through its entry point, and passes sp4n's conformance suite."""

from __future__ import annotations

import importlib.metadata
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sp4n.adapters import Adapters, Store, describe_plugins, open_store, plugin_manager
from sp4n.errors import ConcurrencyError, MalformedStoreUrlError
from sp4n.testing import FrozenClock, StoreContract, make_event, make_row

try:
    importlib.metadata.distribution("sp4n-storage-jsonl")
except importlib.metadata.PackageNotFoundError:  # pragma: no cover - depends on the install
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise RuntimeError(
            "CI must install the example: python3 -m pip install -e examples/storage-jsonl"
        ) from None
    pytest.skip(
        "sp4n-storage-jsonl is not installed (pip install -e examples/storage-jsonl)",
        allow_module_level=True,
    )


def test_discovered_through_its_entry_point() -> None:
    pm = plugin_manager()
    assert Adapters(pm).storage_plugins()["jsonl"] == "jsonl"
    (info,) = [plugin for plugin in describe_plugins(pm) if plugin.name == "jsonl"]
    assert (info.source, info.distribution) == ("entrypoint", "sp4n-storage-jsonl")
    assert info.hooks == ("sp4n_register_storage",)


class TestJsonlStore(StoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path, frozen_clock: FrozenClock) -> Iterator[Store]:
        store = open_store(f"jsonl:///{tmp_path / 'journal'}", clock=frozen_clock)
        yield store
        store.close()


def test_two_stores_share_one_directory_under_locks(
    tmp_path: Path, frozen_clock: FrozenClock
) -> None:
    url = f"jsonl:///{tmp_path}"
    first = open_store(url, clock=frozen_clock)
    second = open_store(url, clock=frozen_clock)
    first.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
    assert second.version("c1") == 1
    with pytest.raises(ConcurrencyError):
        second.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
    second.append("c1", 1, [make_event("c1", 2)], row=make_row("c1", 2))
    assert [event.seq for event in first.load("c1")] == [1, 2]
    first.close()
    second.close()


def test_an_unfinished_line_is_ignored_and_cut_off(
    tmp_path: Path, frozen_clock: FrozenClock
) -> None:
    url = f"jsonl:///{tmp_path}"
    store = open_store(url, clock=frozen_clock)
    store.append("c1", 0, [make_event("c1", 1)], row=make_row("c1", 1))
    store.close()
    journal = tmp_path / "journal.jsonl"
    with journal.open("ab") as handle:
        handle.write(b'{"op":"append","requests":[{"complaint_id":"c1","expec')  # crash here
    reopened = open_store(url, clock=frozen_clock)
    assert reopened.version("c1") == 1
    reopened.append("c1", 1, [make_event("c1", 2)], row=make_row("c1", 2))
    lines = journal.read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert [json.loads(line)["op"] for line in lines[:-1]] == ["append", "append"]
    reopened.close()
    again = open_store(url, clock=frozen_clock)
    assert again.version("c1") == 2
    again.close()


def test_malformed_url(frozen_clock: FrozenClock) -> None:
    with pytest.raises(MalformedStoreUrlError, match="jsonl://host/x"):
        open_store("jsonl://host/x", clock=frozen_clock)
