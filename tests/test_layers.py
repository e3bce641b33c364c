"""The layers of ARCHITECTURE.md are the layers of the imports (decision 0210).

errors/_time -> regions -> sla | routing (never each other) -> lifecycle -> adapters ->
desk | open311 | cli | testing | serving. A module may import its own layer or a layer below;
every ``import`` counts, at module level or inside a function, except those under
``if TYPE_CHECKING:`` (they load nothing at run time).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Each top-level part of sp4n and its rank; a module may import only ranks <= its own.
RANKS = {
    "errors": 0,
    "_time": 0,
    "_text": 0,
    "_certainty": 0,
    "texts": 0,
    "_wallclock": 0,
    "regions": 1,
    "sla": 2,
    "routing": 2,
    "lifecycle": 3,
    "adapters": 4,
    "desk": 5,
    "open311": 5,
    "cli": 5,
    "testing": 5,
    "serving": 5,
    "__init__": 5,
    "__main__": 5,
}
# Parts of one rank that must not import each other.
APART = {frozenset({"sla", "routing"})}


def _part(module: str) -> str:
    """``sp4n.sla._engine`` -> ``sla``; ``sp4n`` itself -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path, src: Path) -> str:
    relative = path.relative_to(src).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every sp4n module imported at run time, with its line."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return [(line, name) for line, name in found if name == "sp4n" or name.startswith("sp4n.")]


def _upward_imports(root: Path) -> list[str]:
    """Every import in the package at ``root`` that breaks the order, as ``file:line: why``."""
    problems = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root.parent)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        own = _part(module)
        for line, target in _imports(tree, module, path.name == "__init__.py"):
            other = _part(target)
            if other == own or target == "sp4n":
                continue
            if other not in RANKS:
                problems.append(f"{path}:{line}: {target} is in no layer of RANKS")
            elif RANKS[other] > RANKS[own]:
                problems.append(f"{path}:{line}: {module} ({own}) imports {target}, a layer above")
            elif frozenset({own, other}) in APART:
                problems.append(f"{path}:{line}: {module} ({own}) imports {target} ({other})")
    return problems


def test_every_part_of_the_package_has_a_layer() -> None:
    paths = (SRC / "sp4n").iterdir()
    parts = {p.stem for p in paths if p.suffix == ".py"} | {
        p.name for p in (SRC / "sp4n").iterdir() if (p / "__init__.py").is_file()
    }
    assert parts <= set(RANKS), f"give {sorted(parts - set(RANKS))} a rank in RANKS"


def test_no_module_imports_a_layer_above_it() -> None:
    assert _upward_imports(SRC / "sp4n") == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The check itself: a region module importing routing, and sla importing routing, fail."""
    package = tmp_path / "sp4n"
    (package / "regions").mkdir(parents=True)
    (package / "sla").mkdir()
    (package / "regions" / "_x.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from sp4n.desk import Desk\n"
        "def f():\n    from sp4n.routing import route\n",
        encoding="utf-8",
    )
    (package / "sla" / "__init__.py").write_text("from ..routing import route\n", encoding="utf-8")
    problems = _upward_imports(package)
    assert len(problems) == 2, problems
    assert "sp4n.regions._x (regions) imports sp4n.routing, a layer above" in problems[0]
    assert "sp4n.sla (sla) imports sp4n.routing (routing)" in problems[1]


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("sp4n.sla", "sp4n.routing"),
        ("sp4n.routing", "sp4n.sla"),
        ("sp4n.regions", "sp4n.routing"),
        ("sp4n.regions", "sp4n.sla"),
        ("sp4n.lifecycle", "sp4n.adapters"),
    ],
)
def test_importing_a_layer_loads_nothing_beside_or_above_it(module: str, forbidden: str) -> None:
    """``import sp4n.sla`` used to load eight routing modules (issue 16)."""
    code = (
        f"import sys, {module}\n"
        f"print(sorted(m for m in sys.modules if m == {forbidden!r} "
        f"or m.startswith({forbidden + '.'!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert out.strip() == "[]", f"import {module} loaded {out.strip()}"


def test_old_region_paths_are_the_new_modules() -> None:
    """Branches written against ``sp4n.routing._regions`` and friends still run."""
    import sp4n.regions._codes
    import sp4n.regions._names
    import sp4n.regions._regions
    import sp4n.routing
    import sp4n.routing._codes
    import sp4n.routing._names
    import sp4n.routing._regions
    import sp4n.routing.refresh
    from sp4n.regions import refresh

    assert sp4n.routing._regions is sp4n.regions._regions
    assert sp4n.routing._codes is sp4n.regions._codes
    assert sp4n.routing._names is sp4n.regions._names
    assert sp4n.routing.refresh.build is refresh.build
    for name in ("get_region", "find_regions", "normalize_code", "province_timezone", "Region"):
        assert getattr(sp4n.routing, name) is getattr(sp4n.regions, name)
