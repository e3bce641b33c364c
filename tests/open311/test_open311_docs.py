"""docs/open311.md: its client and relay examples run against a real hub on 127.0.0.1.

The page's ``>>>`` examples run in test_docs_pages; these plain blocks need a live hub.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_open311_relay import HUB_KEY, Portal

from sp4n.open311 import remote_link
from sp4n.testing import FrozenClock

DOC = Path(__file__).parents[2] / "docs" / "open311.md"


def test_the_code_in_the_docs_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    blocks = [block for block in found if ">>>" not in block]  # doctests: test_docs_pages
    assert len(blocks) == 2
    assert HUB_KEY in blocks[0]
    clock = FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    hub = Portal(tmp_path / "hub.db", clock, [HUB_KEY], None)
    monkeypatch.chdir(tmp_path)
    try:
        namespace: dict[str, object] = {"hub_url": hub.url}
        exec(blocks[0], namespace)  # the client
        receipt = namespace["receipt"]
        assert hub.desk.get(receipt.service_request_id).topic == "land"  # type: ignore[attr-defined]
        exec(blocks[1], namespace)  # the relay
        regency = namespace["regency"]
        link = remote_link(regency.get(namespace["ref"]))  # type: ignore[attr-defined]
        assert link is not None
        assert link.agency == "61.07-kantah"
        assert hub.desk.get(link.remote_id).region == "61.07"
        regency.close()  # type: ignore[attr-defined]
    finally:
        hub.close()
