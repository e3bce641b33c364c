"""The griffe extensions behind the API reference (tools/griffe_*.py, loaded by mkdocs.yml).

griffe comes with the ``docs`` extra (mkdocstrings-python); CI installs it, so there these tests
must run, while a machine with only the test extras skips them.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

try:
    import griffe
except ImportError:  # pragma: no cover - depends on the install
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        raise RuntimeError("CI must install the docs extra: pip install -e '.[docs]'") from None
    pytest.skip("griffe is not installed (pip install -e '.[docs]')", allow_module_level=True)

from griffe_attrs import AttrsInit  # noqa: E402
from griffe_sphinx_roles import SphinxRoles, clean  # noqa: E402


def _classes(obj: griffe.Object) -> list[griffe.Class]:
    found: list[griffe.Class] = []
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Module):
            found.extend(_classes(member))
        elif isinstance(member, griffe.Class):
            found.append(member)
    return found


@pytest.fixture(scope="module")
def package() -> griffe.Module:
    extensions = griffe.load_extensions(AttrsInit(), SphinxRoles())
    module = griffe.load("sp4n", search_paths=[str(ROOT / "src")], extensions=extensions)
    assert isinstance(module, griffe.Module)
    return module


def test_every_attrs_class_gets_the_init_attrs_generates(package: griffe.Module) -> None:
    checked = 0
    for cls in _classes(package):
        runtime = getattr(importlib.import_module(cls.module.path), cls.name, None)
        if runtime is None or not attrs.has(runtime):
            continue
        expected = [field.alias for field in attrs.fields(runtime) if field.init]
        init = cls.members["__init__"]
        assert isinstance(init, griffe.Function), cls.path
        assert [p.name for p in init.parameters][1:] == expected, cls.path
        checked += 1
    assert checked > 50  # sp4n's values are attrs classes


def test_defaults_and_factories_show_in_the_signature(package: griffe.Module) -> None:
    client = package["open311._client.GeoReportClient"]
    params = {p.name: p for p in client.members["__init__"].parameters}
    assert str(params["timeout"].default) == "10.0"
    assert str(params["base_url"].annotation) == "str"


def test_sphinx_roles_and_directives_read_as_markdown(package: griffe.Module) -> None:
    text = (
        "Opens a :class:`~sp4n.adapters.Store`; see :meth:`Adapters.storage_factories` and\n"
        ":py:func:`sp4n.sla.load_policy`.\n\n    .. versionadded:: 0.1\n:param x: kept"
    )
    assert clean(text) == (
        "Opens a `Store`; see `Adapters.storage_factories` and\n"
        "`sp4n.sla.load_policy`.\n\n    *New in version 0.1.*\n:param x: kept"
    )
    hook = package["adapters.hookspecs.sp4n_register_storage"]
    assert ":class:" not in hook.docstring.value
    assert "*New in version 0.1.*" in hook.docstring.value
