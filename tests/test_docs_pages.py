"""Every page under docs/ is a doctest: its ``>>>`` examples run, so the docs cannot rot.

Each page runs on its own, in a fresh temporary working directory, with one namespace shared by
all the examples of that page (the way ``doctest.testfile`` runs a file). Pages that teach by
example must have at least one example; a page that loses all of its examples fails here.
"""

from __future__ import annotations

import doctest
import importlib.metadata
import io
import os
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"

PAGES = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))

# Pages that must carry runnable examples (the area pages, getting started, the how-to guides and
# the counting conventions). Generated reference tables and index pages may have none.
MUST_HAVE_EXAMPLES = {
    "calendar.md",
    "concepts/counting.md",
    "concepts/labels.md",
    "desk.md",
    "getting-started.md",
    "index.md",
    "lifecycle.md",
    "notifications.md",
    "open311.md",
    "plugins.md",
    "routing.md",
    "sla.md",
    "storage.md",
    "testing.md",
}


# Pages whose examples use an example package through its entry point. .ci/run installs them;
# a machine with only the test extras skips these pages (CI never does).
REQUIRES = {
    "howto/storage-plugin.md": "sp4n-storage-jsonl",
    "howto/officer-console.md": "sp4n-console",
}


def _require_installed(page: str) -> None:
    distribution = REQUIRES.get(page)
    if distribution is None:
        return
    try:
        importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            raise RuntimeError(f"CI must install {distribution} (see .ci/run)") from None
        pytest.skip(f"docs/{page} needs {distribution} installed (see .ci/run)")


def _must_have_examples(page: str) -> bool:
    if page in MUST_HAVE_EXAMPLES:
        return True
    return page.startswith("howto/") and page != "howto/index.md"


def run_page(page: str, docs: Path = DOCS) -> tuple[doctest.TestResults, str]:
    """Run the examples of ``docs/<page>``; return the results and doctest's report."""
    path = docs / page
    text = path.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {"__name__": "__main__"}, page, str(path), 0)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=out.write)
    return runner.summarize(verbose=False), out.getvalue()


def test_pages_are_found() -> None:
    assert "getting-started.md" in PAGES
    assert "calendar.md" in PAGES
    assert all(_must_have_examples(page) for page in MUST_HAVE_EXAMPLES)


@pytest.mark.parametrize("page", PAGES)
def test_page_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _require_installed(page)
    monkeypatch.chdir(tmp_path)
    results, report = run_page(page)
    assert results.failed == 0, f"docs/{page}: {results.failed} example(s) failed\n{report}"
    if _must_have_examples(page):
        assert results.attempted > 0, (
            f"docs/{page} must teach by example: add doctest-style (>>>) examples that run"
        )


def test_a_wrong_example_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner really compares outputs (guards against a runner that checks nothing)."""
    (tmp_path / "wrong.md").write_text("```python\n>>> 1 + 1\n3\n\n```\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    results, report = run_page("wrong.md", docs=tmp_path)
    assert results == doctest.TestResults(failed=1, attempted=1)
    assert "Expected:\n    3\nGot:\n    2" in report


def test_every_howto_is_in_the_index_and_the_nav() -> None:
    """A guide nobody can find is not documentation: link it in howto/index.md and mkdocs.yml."""
    index = (DOCS / "howto" / "index.md").read_text(encoding="utf-8")
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        if page.startswith("howto/") and page != "howto/index.md":
            name = page.removeprefix("howto/")
            assert f"]({name})" in index, f"link docs/{page} from docs/howto/index.md"
            assert f": {page}\n" in nav, f"add a nav line for docs/{page} to mkdocs.yml"


API_MODULES = (
    "sp4n",
    "sp4n.regions",
    "sp4n.sla",
    "sp4n.routing",
    "sp4n.lifecycle",
    "sp4n.adapters",
    "sp4n.adapters.hookspecs",
    "sp4n.desk",
    "sp4n.open311",
    "sp4n.serving",
    "sp4n.testing",
    "sp4n.errors",
    "sp4n.texts",
)


@pytest.mark.parametrize("module", API_MODULES)
def test_every_public_module_has_an_api_reference_page(module: str) -> None:
    """mkdocstrings renders these from the docstrings; the nav links each page."""
    pages = [
        page
        for page in PAGES
        if page.startswith("reference/")
        and f"::: {module}\n" in (DOCS / page).read_text(encoding="utf-8")
    ]
    assert len(pages) == 1, f"{module} needs exactly one page under docs/reference/"
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"- {module}: {pages[0]}\n" in nav


def test_every_page_is_in_the_nav_or_linked_from_a_page() -> None:
    """No orphans: mkdocs only reports pages missing from the nav, not unreachable ones."""
    import re

    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    reachable = set(re.findall(r":\s+(\S+\.md)\s*$", nav, re.MULTILINE))
    reachable |= set(re.findall(r"^\s*-\s+(\S+\.md)\s*$", nav, re.MULTILINE))
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", text):
            if "://" not in target:
                resolved = (DOCS / page).parent.joinpath(target).resolve()
                if resolved.is_relative_to(DOCS):
                    reachable.add(resolved.relative_to(DOCS).as_posix())
    orphans = [page for page in PAGES if page not in reachable]
    assert orphans == [], f"add these pages to mkdocs.yml's nav or link them: {orphans}"


@pytest.mark.parametrize("page", PAGES)
def test_plain_python_blocks_are_python(page: str) -> None:
    """Blocks without prompts are not run here (their code runs elsewhere), but must parse.

    Signatures, shell sessions and output belong in ``text`` / ``bash`` fences.
    """
    import ast
    import re

    text = (DOCS / page).read_text(encoding="utf-8")
    for match in re.finditer(r"^```python\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
        block = match.group(1)
        if ">>>" in block:
            continue
        line = text[: match.start()].count("\n") + 1
        try:
            ast.parse(block)
        except SyntaxError as error:
            pytest.fail(f"docs/{page}:{line}: a python block that is not Python: {error}")
