"""The how-to's Python blocks without ``>>>`` prompts are the example's code: checked here."""

from __future__ import annotations

import re
import runpy
import textwrap
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest
import sp4n_portal

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "howto" / "embed-in-portal.md"
SOURCE = Path(sp4n_portal.__file__).read_text(encoding="utf-8")


def _plain_blocks() -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.DOTALL)
    return [block for block in blocks if ">>>" not in block]


def test_the_guide_has_the_two_plain_blocks():
    assert [block.splitlines()[0] for block in _plain_blocks()] == [
        "def sweep_forever(self) -> None:",
        "# portal_wsgi.py: the module the WSGI server imports",
    ]


def test_the_timer_loop_in_the_guide_is_the_example_s_source():
    loop = _plain_blocks()[0]
    assert textwrap.indent(loop, "    ") in SOURCE


def test_portal_wsgi_py_from_the_guide_serves_the_form(tmp_path, monkeypatch):
    module = tmp_path / "portal_wsgi.py"
    module.write_text(_plain_blocks()[1], encoding="utf-8")
    monkeypatch.setenv("SP4N_DB", f"sqlite:///{tmp_path / 'portal.db'}")
    monkeypatch.setenv("SP4N_API_KEYS", "kunci-satu,kunci-dua")
    namespace = runpy.run_path(str(module))
    try:
        environ: dict[str, object] = {"PATH_INFO": "/"}
        setup_testing_defaults(environ)
        answers: list[str] = []
        page = b"".join(namespace["app"](environ, lambda status, headers: answers.append(status)))
        assert answers == ["200 OK"]
        assert 'name="region" value="61.07"' in page.decode()
        environ = {"PATH_INFO": "/open311/v2/requests.json", "REQUEST_METHOD": "POST"}
        environ["CONTENT_LENGTH"] = "0"  # without one the answer is 411 Length Required
        setup_testing_defaults(environ)
        environ["REQUEST_METHOD"] = "POST"
        namespace["app"](environ, lambda status, headers: answers.append(status))
        assert answers[-1] == "403 Forbidden"  # the keys came from SP4N_API_KEYS; none sent
    finally:
        namespace["desk"].close()


@pytest.mark.parametrize("page", ["embed-in-portal.md", "sweep-cron.md"])
def test_the_guides_link_only_to_existing_pages(page):
    path = GUIDE.parent / page
    for target in re.findall(r"\]\(([^)#]+\.md)", path.read_text(encoding="utf-8")):
        assert (path.parent / target).resolve().is_file(), target
