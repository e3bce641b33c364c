"""docs/routing.md carries the topic, affairs and rule tables generated from the data."""

from __future__ import annotations

from pathlib import Path

from sp4n.routing import load_affairs
from sp4n.routing._doctable import BLOCKS, main, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "routing.md"


def test_generated_tables_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in BLOCKS:
        assert f"<!-- BEGIN {name} -->" in text
    assert render(text) == text, "run: python -m sp4n.routing._doctable docs/routing.md"


def test_every_topic_and_row_citation_is_in_the_doc() -> None:
    text = DOC.read_text(encoding="utf-8")
    affairs = load_affairs()
    for topic in affairs.topics:
        assert f"| `{topic}` |" in text
    for row in affairs.rows:
        assert row.citation.replace("|", "\\|") in text


def test_rewrite_fills_empty_blocks(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("x\n<!-- BEGIN rules -->\n<!-- END rules -->\ny\n", encoding="utf-8")
    assert main([str(page)]) == 0
    assert "`no_wrong_door`" in page.read_text(encoding="utf-8")
    before = page.read_text(encoding="utf-8")
    assert main([str(page)]) == 0
    assert page.read_text(encoding="utf-8") == before
