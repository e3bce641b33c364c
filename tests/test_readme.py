"""The README is the newcomer's first hour: its shape, its commands and its code are checked.

- it opens with what sp4n is in three sentences, then the two commands `.ci/run` runs,
  then a ten-line example whose printed line is the one the README promises;
- every other Python block in it runs;
- every file or folder it points to exists.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README) if lang == language]


def test_it_opens_with_three_sentences_then_the_two_commands() -> None:
    intro = README.split("```bash", 1)[0].removeprefix("# sp4n").strip()
    sentences = re.findall(r"[^.!?]+(?:[.!?](?=\s|$))", intro.replace("SP4N-LAPOR!", "SP4N"))
    assert len(sentences) == 3, sentences
    commands = blocks("bash")[0].strip().splitlines()
    assert commands == [
        "python3 -m pip install -e . && sp4n demo",
        'python3 -m pip install -e ".[test,postgres,dev,docs]" -e examples/storage-jsonl'
        ' -e examples/notifier-chat -e examples/portal -e "examples/console[browser]"'
        " && python3 -m pytest",
    ]
    assert README.index("```bash") < README.index("```python")


def test_the_first_example_is_about_ten_lines_and_prints_what_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = blocks("python")[0]
    code_lines = [
        line
        for line in example.splitlines()
        if line.strip() and not line.startswith(("#", "from ", "import "))
    ]
    assert len(code_lines) <= 12, code_lines
    promised = re.search(r"^# (.+?)\s{2,}\(", example, re.MULTILINE)
    assert promised is not None
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example, "README.md", "exec"), {})
    assert out.getvalue().strip() == promised.group(1)


@pytest.mark.parametrize("index", range(1, len(blocks("python"))))
def test_every_other_python_block_runs(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks("python")[index], f"README.md block {index}", "exec"), {})


def test_every_path_it_names_exists() -> None:
    named = set(re.findall(r"`((?:docs|examples|src|benchmarks)/[^`\s]*)`", README))
    named |= {"CHANGELOG.md"} if "CHANGELOG.md" in README else set()
    assert named, "the README points to no docs or examples"
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert missing == []
