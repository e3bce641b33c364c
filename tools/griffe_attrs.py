"""A griffe extension for the API reference: the ``__init__`` that attrs generates.

sp4n's values are attrs classes whose docstrings document the fields as ``:param:``. griffe reads
source statically and does not see the ``__init__`` attrs writes, so the reference would show no
constructor and the docstring parser would warn about every documented field. This extension adds
that ``__init__`` (fields in order, ``init=False`` left out, defaults, factories and ``kw_only``
kept) to every class decorated with ``attrs.define`` / ``frozen`` / ``mutable`` or ``attr.s``.
"""

from __future__ import annotations

from typing import Any

import griffe

__all__ = ["AttrsInit"]

_DECORATORS = {
    "attrs.define",
    "attrs.frozen",
    "attrs.mutable",
    "attr.s",
    "attr.attrs",
    "attr.define",
    "attr.frozen",
    "attr.mutable",
}
_FIELDS = {"attrs.field", "attr.field", "attr.ib", "attr.attrib"}


def _call_path(expr: object) -> str | None:
    if isinstance(expr, griffe.ExprCall):
        return expr.function.canonical_path
    if isinstance(expr, griffe.Expr):
        return expr.canonical_path
    return None


def _keywords(expr: object) -> dict[str, Any]:
    if not isinstance(expr, griffe.ExprCall):
        return {}
    return {arg.name: arg.value for arg in expr.arguments if isinstance(arg, griffe.ExprKeyword)}


def _attrs_decorator(cls: griffe.Class) -> dict[str, Any] | None:
    for decorator in cls.decorators:
        if _call_path(decorator.value) in _DECORATORS:
            return _keywords(decorator.value)
    return None


def _parameters(cls: griffe.Class, class_kw_only: bool) -> list[griffe.Parameter]:
    out = []
    for member in cls.members.values():
        if member.is_alias or not member.is_attribute or member.annotation is None:
            continue
        if "property" in member.labels or (
            "class-attribute" in member.labels and "instance-attribute" not in member.labels
        ):
            continue
        if str(member.annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        field = _keywords(member.value) if _call_path(member.value) in _FIELDS else None
        if field is not None and str(field.get("init")) == "False":
            continue
        if field is None:
            default = member.value
        elif "default" in field:
            default = field["default"]
        elif "factory" in field:
            default = griffe.ExprCall(function=field["factory"], arguments=[])
        else:
            default = None
        kw_only = class_kw_only or (field is not None and str(field.get("kw_only")) == "True")
        out.append(
            griffe.Parameter(
                member.name.lstrip("_"),  # attrs strips leading underscores from init names
                annotation=member.annotation,
                kind=griffe.ParameterKind.keyword_only
                if kw_only
                else griffe.ParameterKind.positional_or_keyword,
                default=default,
                docstring=member.docstring,
            )
        )
    return out


def _add_init(cls: griffe.Class) -> None:
    options = _attrs_decorator(cls)
    if options is None or "__init__" in cls.members or str(options.get("init")) == "False":
        return
    parameters = _parameters(cls, str(options.get("kw_only")) == "True")
    positional = [p for p in parameters if p.kind is not griffe.ParameterKind.keyword_only]
    keyword = [p for p in parameters if p.kind is griffe.ParameterKind.keyword_only]
    init = griffe.Function(
        "__init__",
        lineno=0,
        endlineno=0,
        parent=cls,
        parameters=griffe.Parameters(
            griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword),
            *positional,
            *keyword,
        ),
        returns="None",
    )
    cls.set_member("__init__", init)
    cls.labels.add("attrs")


def _walk(obj: griffe.Module | griffe.Class, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if isinstance(obj, griffe.Class):
        _add_init(obj)
    for member in obj.members.values():
        if not member.is_alias and (member.is_module or member.is_class):
            _walk(member, seen)  # type: ignore[arg-type]


class AttrsInit(griffe.Extension):
    """Add the attrs-generated ``__init__`` to every attrs class of a loaded package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Called by griffe once the whole package is loaded."""
        _walk(pkg, set())
