"""The built documentation site, as a reader's browser gets it (``mkdocs build --strict``).

The site is built once for this module into a temporary directory, the way CI builds it
(.ci/run). The ``docs`` extra brings MkDocs; CI installs it, so there these tests must run,
while a machine with only the test extras skips them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

try:
    import mkdocs  # noqa: F401
except ImportError:  # pragma: no cover - depends on the install
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise RuntimeError("CI must install the docs extra: pip install -e '.[docs]'") from None
    pytest.skip("mkdocs is not installed (pip install -e '.[docs]')", allow_module_level=True)

from griffe_doctest import fence_doctests  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _Tags(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _tags(page: Path) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


# -- docstring examples --------------------------------------------------------------------------


def test_docstring_examples_are_code_blocks_in_the_api_reference(site: Path) -> None:
    html = (site / "reference" / "desk" / "index.html").read_text(encoding="utf-8")
    assert "<blockquote>" not in html
    # The module's example, highlighted as an interactive session (prompts are pygments'
    # Generic.Prompt, outputs Generic.Output) inside a code block.
    block = re.search(r'<div class="highlight"><pre>.*?</pre></div>', html, re.S)
    assert block is not None
    assert '<span class="gp">&gt;&gt;&gt; </span>' in block.group(0)
    text = re.sub(r"<[^>]+>", "", block.group(0))
    assert "&gt;&gt;&gt; from sp4n import Desk\n" in text
    assert "&gt;&gt;&gt; desk.list()\n[]\n" in text


def test_no_api_page_shows_an_example_as_a_blockquote(site: Path) -> None:
    quoted = [
        page.relative_to(site).as_posix()
        for page in (site / "reference").rglob("*.html")
        if re.search(r"<blockquote>\s*<blockquote>", page.read_text(encoding="utf-8"))
    ]
    assert quoted == []


def test_doctest_blocks_are_fenced_up_to_the_blank_line() -> None:
    text = (
        "Summary.\n\n    >>> x = 1\n    >>> x\n    1\n\nAfter.\n\n"
        "```python\n>>> inside_a_fence\n```\n>>> last"
    )
    assert fence_doctests(text) == (
        "Summary.\n\n    ```pycon\n    >>> x = 1\n    >>> x\n    1\n    ```\n\nAfter.\n\n"
        "```python\n>>> inside_a_fence\n```\n```pycon\n>>> last\n```"
    )
    assert fence_doctests("a >>> b\n>>>not a prompt") == "a >>> b\n>>>not a prompt"


# -- nothing from outside ------------------------------------------------------------------------

_OUTSIDE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //host
_LOADED = {"stylesheet", "preconnect", "preload", "modulepreload", "icon", "dns-prefetch"}


def test_no_page_loads_a_script_style_or_font_from_outside(site: Path) -> None:
    outside = []
    for page in _pages(site):
        for tag, attrs in _tags(page):
            url = ""
            if tag in {"script", "img", "iframe"}:
                url = attrs.get("src", "")
            elif tag == "link" and _LOADED & set(attrs.get("rel", "").split()):
                url = attrs.get("href", "")
            if _OUTSIDE.match(url):
                outside.append(f"{page.relative_to(site)}: <{tag}> {url}")
    assert outside == []


def test_no_stylesheet_imports_from_outside(site: Path) -> None:
    pattern = re.compile(r"""(?:@import|url\()\s*["']?\s*(?:https?:)?//""", re.I)
    found = [
        css.relative_to(site).as_posix()
        for css in site.rglob("*.css")
        if pattern.search(css.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_pages_with_diagrams_load_the_bundled_mermaid(site: Path) -> None:
    diagrams = [p for p in _pages(site) if 'class="mermaid"' in p.read_text(encoding="utf-8")]
    assert diagrams  # docs/lifecycle.md draws the transition table
    for page in diagrams:
        scripts = [
            a["src"] for t, a in _tags(page) if t == "script" and "mermaid" in a.get("src", "")
        ]
        assert len(scripts) == 1, page
        script = (page.parent / scripts[0]).resolve()
        # material only fetches mermaid from its CDN when no global `mermaid` is defined.
        assert (
            script.read_text(encoding="utf-8")
            .rstrip()
            .endswith(
                'globalThis["mermaid"] = globalThis.__esbuild_esm_mermaid_nm["mermaid"].default;'
            )
        )
        licence = script.with_name(script.name.replace(".min.js", ".LICENSE.txt"))
        assert "The MIT License" in licence.read_text(encoding="utf-8")


# -- pictures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "picture"),
    [
        ("concepts/lifecycle/index.html", "assets/pictures/lifecycle.svg"),
        ("lifecycle/index.html", "assets/pictures/lifecycle.svg"),
        ("concepts/counting/index.html", "assets/pictures/clocks.svg"),
        ("desk/index.html", "assets/pictures/compliance.svg"),
    ],
)
def test_each_picture_is_shown_where_readers_look(site: Path, page: str, picture: str) -> None:
    html = site / page
    images = [a for t, a in _tags(html) if t == "img" and a.get("src", "").endswith(picture)]
    assert len(images) == 1
    assert images[0]["alt"]  # described for a screen reader
    shown = (html.parent / images[0]["src"]).resolve()
    assert shown.read_bytes() == (ROOT / "docs" / picture).read_bytes()
