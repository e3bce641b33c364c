"""Write the generated pages of the documentation site from sp4n's own data.

    PYTHONPATH=src python tools/docs_pages.py           # rewrite the pages
    PYTHONPATH=src python tools/docs_pages.py --check   # exit 1 if a committed page is stale

The Concepts pages and the pictures under docs/assets/pictures/ are never edited by hand: the
lifecycle diagram (an SVG laid out here) comes from the transition table, the SLA rules from
the policy files, the routing matrix from the affairs data, the labels and notifications from
the texts citizens and officers receive, and the worked counting examples from the working
calendar. Worked examples are written as doctest blocks whose outputs this script computed by
running them, so `tests/test_docs_pages.py` runs them again and
`tests/test_docs_generated.py` fails when a page no longer matches the data (decision 0105).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

if str(ROOT / "tools") not in sys.path:  # pragma: no cover - when run as a script
    sys.path.insert(0, str(ROOT / "tools"))

from _docs_clocks_svg import clocks_svg  # noqa: E402
from _docs_compliance_svg import compliance_svg  # noqa: E402
from _docs_counting import counting_page  # noqa: E402
from _docs_lifecycle_svg import lifecycle_svg  # noqa: E402
from _docs_tables import labels_page, lifecycle_page, routing_page, sla_page  # noqa: E402

__all__ = ["GENERATED", "PAGES", "PICTURES", "main", "render", "stale_pages"]

PAGES: dict[str, Callable[[], str]] = {
    "concepts/lifecycle.md": lifecycle_page,
    "concepts/sla-rules.md": sla_page,
    "concepts/routing-matrix.md": routing_page,
    "concepts/counting.md": counting_page,
    "concepts/labels.md": labels_page,
}
"""Generated page (relative to docs/) -> the function that renders it."""

PICTURES: dict[str, Callable[[], str]] = {
    "assets/pictures/lifecycle.svg": lifecycle_svg,
    "assets/pictures/clocks.svg": clocks_svg,
    "assets/pictures/compliance.svg": compliance_svg,
}
"""Generated SVG picture (relative to docs/) -> the function that draws it (decision 0120)."""

GENERATED: dict[str, Callable[[], str]] = {**PAGES, **PICTURES}
"""Every generated file: the pages, then the pictures they show."""


def render(page: str) -> str:
    """The current content of the generated ``page`` (or picture)."""
    return GENERATED[page]()


def stale_pages(docs: Path = DOCS) -> list[str]:
    """Generated pages and pictures whose committed text differs from what the data gives now."""
    stale = []
    for page in GENERATED:
        path = docs / page
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != render(page):
            stale.append(page)
    return stale


def write_pages(docs: Path = DOCS, pages: Iterable[str] = GENERATED) -> list[str]:
    """Rewrite ``pages``; return those whose text changed."""
    changed = []
    for page in pages:
        path = docs / page
        text = render(page)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(page)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: rewrite the pages, or with ``--check`` report the stale ones."""
    parser = argparse.ArgumentParser(prog="tools/docs_pages.py", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale pages")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages()
        for page in stale:
            print(f"docs/{page}: stale; run: PYTHONPATH=src python tools/docs_pages.py")
        return 1 if stale else 0
    for page in write_pages():
        print(f"docs/{page}: updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
