"""Loading policies and their region/agency overrides from TOML files.

The package ships ``policies/<name>.toml`` and ``policies/overrides/*.toml``.
A deployment adds its own directories through ``search_paths``: each may hold
policy files and an ``overrides/`` folder. Every problem is reported as an
:class:`~sp4n.errors.InvalidPolicyError` naming the file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import attrs

from sp4n.errors import InvalidPolicyError, MalformedRegionCodeError, UnknownPolicyError
from sp4n.regions import get_region, normalize_code
from sp4n.sla._policy import Override, Policy
from sp4n.sla._sla_rules import Rule

__all__ = ["POLICY_DIR", "load_overrides", "load_policy", "read_override", "read_policy"]

POLICY_DIR = Path(__file__).parent / "policies"
"""Where the shipped policies live."""

_POLICY_KEYS = {"name", "version", "title", "extra_events"}
_OVERRIDE_KEYS = {
    "name",
    "version",
    "policy",
    "region",
    "agency",
    "citation",
    "sample",
    "source",
    "remove",
}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidPolicyError(str(path), path.name, f"is not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:  # TOML is UTF-8 (TOML 1.0, "Spec")
        raise InvalidPolicyError(
            str(path), path.name, f"is not valid TOML: not UTF-8 at byte {exc.start}"
        ) from None
    except OSError as exc:
        raise InvalidPolicyError(str(path), path.name, f"cannot be read: {exc}") from None


def _in_file(path: Path, exc: InvalidPolicyError) -> InvalidPolicyError:
    return InvalidPolicyError(f"{path.name}: {exc.field}", exc.value, exc.rule, hint=exc.hint)


def _rules_from(path: Path, data: Mapping[str, Any]) -> tuple[Rule, ...]:
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise InvalidPolicyError(
            f"{path.name}: rule", tables, "must be an array of [[rule]] tables"
        )
    rules = []
    for index, table in enumerate(tables):
        if not isinstance(table, Mapping):
            raise InvalidPolicyError(f"{path.name}: rule[{index}]", table, "must be a table")
        try:
            rules.append(Rule.from_dict(table))
        except InvalidPolicyError as exc:
            raise _in_file(path, exc) from None
    return tuple(rules)


def _check_keys(path: Path, section: str, table: Mapping[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            raise InvalidPolicyError(
                f"{path.name}: {section}.{key}",
                table[key],
                f"unknown key; allowed: {', '.join(sorted(allowed))}",
            )


def read_policy(path: Path) -> Policy:
    """Read one policy file (``[policy]`` header and ``[[rule]]`` tables)."""
    data = _read_toml(path)
    header = data.get("policy")
    if not isinstance(header, Mapping):
        raise InvalidPolicyError(f"{path.name}: policy", header, "a [policy] table is required")
    _check_keys(path, "policy", header, _POLICY_KEYS)
    extra = set(data) - {"policy", "rule"}
    if extra:
        key = sorted(extra)[0]
        raise InvalidPolicyError(f"{path.name}: {key}", data[key], "unknown top-level table")
    for key in ("name", "version"):
        if not isinstance(header.get(key), str) or not header[key]:
            raise InvalidPolicyError(f"{path.name}: policy.{key}", header.get(key), "is required")
    try:
        return Policy(
            name=header["name"],
            version=header["version"],
            title=str(header.get("title", "")),
            extra_events=header.get("extra_events", ()),
            rules=_rules_from(path, data),
        )
    except InvalidPolicyError as exc:
        if exc.field.startswith(path.name):
            raise
        raise _in_file(path, exc) from None


_HEADER_TYPES: tuple[tuple[str, type, str], ...] = (
    ("agency", str, "must be an agency id (text)"),
    ("citation", str, "must be text"),
    ("source", str, "must be text (a URL)"),
    ("policy", str, "must be a policy name (text)"),
    ("sample", bool, "must be true or false"),
)


def _check_header_types(path: Path, header: Mapping[str, Any]) -> None:
    for key, kind, rule in _HEADER_TYPES:
        value = header.get(key)
        if value is not None and not isinstance(value, kind):
            raise InvalidPolicyError(f"{path.name}: override.{key}", value, rule)
    remove = header.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(item, str) for item in remove):
        raise InvalidPolicyError(
            f"{path.name}: override.remove", remove, "must be a list of rule ids"
        )


def read_override(path: Path) -> Override:
    """Read one override file (``[override]`` header, ``[rules.<id>]`` changes, ``[[rule]]``)."""
    data = _read_toml(path)
    header = data.get("override")
    if not isinstance(header, Mapping):
        raise InvalidPolicyError(
            f"{path.name}: override", header, "an [override] table is required"
        )
    _check_keys(path, "override", header, _OVERRIDE_KEYS)
    extra = set(data) - {"override", "rules", "rule"}
    if extra:
        key = sorted(extra)[0]
        raise InvalidPolicyError(f"{path.name}: {key}", data[key], "unknown top-level table")
    if not isinstance(header.get("name"), str) or not header["name"]:
        raise InvalidPolicyError(f"{path.name}: override.name", header.get("name"), "is required")
    _check_header_types(path, header)
    region = header.get("region")
    if region is not None:
        try:
            region = normalize_code(region)
        except MalformedRegionCodeError as exc:
            raise InvalidPolicyError(f"{path.name}: override.region", region, exc.rule) from None
    if region is None and header.get("agency") is None:
        raise InvalidPolicyError(
            f"{path.name}: override", None, "an override names a region or an agency"
        )
    changes = data.get("rules", {})
    if not isinstance(changes, Mapping):
        raise InvalidPolicyError(f"{path.name}: rules", changes, "must be [rules.<id>] tables")
    allowed = {a.name for a in attrs.fields(Rule)} - {"id"}
    for rule_id, fields in changes.items():
        if not isinstance(fields, Mapping):
            raise InvalidPolicyError(f"{path.name}: rules.{rule_id}", fields, "must be a table")
        for key in fields:
            if key not in allowed:
                raise InvalidPolicyError(
                    f"{path.name}: rules.{rule_id}.{key}", fields[key], "not a rule field"
                )
    try:
        return Override(
            name=header["name"],
            version=str(header.get("version", "1")),
            policy=str(header.get("policy", "lapor")),
            region=region,
            agency=header.get("agency"),
            citation=header.get("citation"),
            sample=bool(header.get("sample", False)),
            source=header.get("source"),
            path=path.name,
            remove=tuple(header.get("remove", ())),
            changes=changes,
            add=_rules_from(path, data),
        )
    except InvalidPolicyError as exc:
        if exc.field.startswith(path.name):
            raise
        raise _in_file(path, exc) from None


def _directories(search_paths: Iterable[str | Path]) -> tuple[Path, ...]:
    return (POLICY_DIR, *(Path(p) for p in search_paths))


@lru_cache(maxsize=32)
def _overrides_in(directories: tuple[Path, ...]) -> tuple[Override, ...]:
    found: list[Override] = []
    for directory in directories:
        folder = directory / "overrides"
        if folder.is_dir():
            found.extend(read_override(path) for path in sorted(folder.glob("*.toml")))
    return tuple(found)


def load_overrides(search_paths: Iterable[str | Path] = ()) -> tuple[Override, ...]:
    """Every override file found in the package and in ``search_paths``."""
    return _overrides_in(_directories(search_paths))


def _region_matches(prefix: str, code: str) -> bool:
    return code == prefix or code.startswith(prefix + ".")


@lru_cache(maxsize=256)
def _load(
    name: str, region: str | None, agency: str | None, directories: tuple[Path, ...]
) -> Policy:
    candidate = Path(name)
    if name.endswith(".toml") and candidate.is_file():
        policy = read_policy(candidate)
    else:
        for directory in reversed(directories):
            path = directory / f"{name}.toml"
            if path.is_file():
                policy = read_policy(path)
                break
        else:
            names = sorted({p.stem for d in directories if d.is_dir() for p in d.glob("*.toml")})
            raise UnknownPolicyError("name", name, f"no such policy; available: {', '.join(names)}")
    overrides = [o for o in _overrides_in(directories) if o.policy == policy.name]
    chosen: list[Override] = []
    if region is not None:
        regional = [o for o in overrides if o.region and _region_matches(o.region, region)]
        chosen.extend(sorted(regional, key=lambda o: (len((o.region or "").split(".")), o.name)))
    if agency is not None:
        chosen.extend(o for o in overrides if o.agency == agency)
    return policy.with_overrides(*chosen)


def load_policy(
    name: str = "lapor",
    *,
    region: str | None = None,
    agency: str | None = None,
    search_paths: Iterable[str | Path] = (),
) -> Policy:
    """Load a policy by name (or path to a ``.toml`` file) with the overrides in force.

    Region overrides apply when their region code is a prefix of ``region`` (a province
    override applies to its regencies); they are applied from least to most specific, so
    the most specific wins. Agency overrides are applied last. Results are cached.
    An unknown region raises :class:`~sp4n.errors.UnknownRegionError`.

    >>> load_policy().rule("T1").length
    3
    """
    code = get_region(region).code if region is not None else None
    return _load(name, code, agency, _directories(search_paths))
