"""The package: at most 150 lines of user code, standard library plus sp4n, and its command."""

from __future__ import annotations

import ast
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import sp4n_portal

import sp4n
from sp4n import Desk

SOURCE = Path(sp4n_portal.__file__).parent


def _code_lines() -> list[str]:
    return [
        line
        for path in sorted(SOURCE.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def test_the_portal_is_at_most_150_lines_of_user_code():
    assert sorted(p.name for p in SOURCE.rglob("*.py")) == ["__init__.py", "__main__.py"]
    assert 100 < len(_code_lines()) <= 150  # non-blank, non-comment lines, docstrings included


def test_it_imports_only_the_standard_library_and_sp4n():
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                for name in names or [node.module or ""]:
                    top = name.split(".")[0]
                    assert top in sys.stdlib_module_names or top in ("sp4n", "sp4n_portal"), name


def _run(*args: str, cwd: Path) -> subprocess.Popen[str]:
    paths = [str(Path(module.__file__).parents[1]) for module in (sp4n, sp4n_portal)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    command = [sys.executable, "-m", "sp4n_portal", *args]
    return subprocess.Popen(
        command, cwd=cwd, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def test_python_m_sp4n_portal_serves_until_sigterm_then_stops_cleanly(tmp_path, fetch):
    db = f"sqlite:///{tmp_path / 'portal.db'}"
    process = _run("--db", db, "--port", "0", "--region", "61.07", cwd=tmp_path)
    try:
        line = process.stdout.readline() if process.stdout else ""
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        form = {"title": "Jembatan retak", "body": "Di desa Sahan.", "topic": "road"}
        status, headers, _ = fetch(url.group() + "/", form, follow=False)
        assert (status, headers["Location"].startswith("/lacak?id=LAPOR-")) == (303, True)
        assert fetch(url.group() + "/open311/v2/services.json")[0] == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    with Desk.open(db) as desk:  # the store was closed cleanly and holds the complaint
        assert [row.title for row in desk.list()] == ["Jembatan retak"]


def test_a_bad_store_url_exits_2_with_the_typed_message(tmp_path):
    process = _run("--db", "ftp://nowhere/portal", "--port", "0", cwd=tmp_path)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.startswith("sp4n_portal: ")
    assert "ftp" in stderr
    assert "Traceback" not in stderr


def test_a_bad_blob_store_url_exits_2_with_one_line(tmp_path):
    db = f"sqlite:///{tmp_path / 'portal.db'}"
    process = _run("--db", db, "--port", "0", "--blobs", "ftp://nowhere/blobs", cwd=tmp_path)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2
    assert stderr.startswith("sp4n_portal: ")
    assert "ftp" in stderr
    assert len(stderr.splitlines()) == 1


def test_python_m_sp4n_portal_with_blobs_takes_a_file(tmp_path, fetch):
    db, blobs = f"sqlite:///{tmp_path / 'portal.db'}", f"file://{tmp_path / 'blobs'}"
    process = _run("--db", db, "--port", "0", "--blobs", blobs, cwd=tmp_path)
    try:
        line = process.stdout.readline() if process.stdout else ""
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        assert 'type="file" name="lampiran"' in fetch(url.group() + "/")[2]
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
