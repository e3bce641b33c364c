"""Officers: who may sign in to the console, as sp4n actors, kept in a small JSON file.

The file is ``{"officers": [{"id", "name", "role", "agency", "unit", "region",
"password_hash"}]}`` (``unit``: the work unit of a ``unit`` officer, decision 0240).
Passwords are hashed with Argon2id (argon2-cffi, decision 0170); the file never holds a
password. Each officer becomes an :class:`sp4n.lifecycle.Actor`, so the Desk's role and
scope checks are the console's only authorisation.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sp4n.errors import InvalidInputError, NotFoundError
from sp4n.lifecycle import Actor, Role
from sp4n.routing import normalize_code

__all__ = ["OFFICER_ROLES", "Officer", "OfficerBook", "hash_password"]

OFFICER_ROLES = (Role.ADMIN, Role.LIAISON, Role.SUPERVISOR, Role.UNIT)
"""The roles an officer may hold (reporters use the portal; ``system`` is sp4n itself)."""

MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY = _HASHER.hash("sp4n-console: no such officer")  # unknown ids cost the same time


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (at least 10 characters)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        shown = "<hidden>" if isinstance(password, str) else password
        raise InvalidInputError(
            "password", shown, f"must be a string of at least {MIN_PASSWORD} characters"
        )
    return _HASHER.hash(password)


def _text(field: str, value: object, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise InvalidInputError(
            field, value, "must be a non-empty string of at most 200 characters"
        )
    if any(ord(c) < 32 for c in value):
        raise InvalidInputError(field, value, "must not contain control characters")
    return value.strip()


@attrs.frozen
class Officer:
    """One officer: an id, a display name, a role with its scope, and a password hash.

    :param id: sign-in name and the actor id recorded in every event they cause.
    :param role: ``admin``, ``liaison``, ``supervisor`` or ``unit``.
    :param agency: the liaison's or unit officer's agency (required for them); a supervisor
        may carry one.
    :param unit: the work unit (in the directory, under ``agency``) of a ``unit`` officer.
    :param region: region code prefix of a regional admin or supervisor; ``None`` = national.
    """

    id: str
    name: str
    role: Role
    agency: str | None
    region: str | None
    password_hash: str = attrs.field(repr=False)
    unit: str | None = None

    @classmethod
    def build(
        cls,
        *,
        id: str,
        name: str,
        role: str,
        agency: str | None = None,
        region: str | None = None,
        password_hash: str,
        unit: str | None = None,
    ) -> Officer:
        """A checked officer: every field is validated and the message names the field."""
        officer_id = _text("id", id)
        assert officer_id is not None
        if not all(c.isalnum() or c in "._-@" for c in officer_id):
            raise InvalidInputError("id", id, "may hold only letters, digits and . _ - @")
        try:
            parsed = Role(role)
        except ValueError:
            parsed = None
        if parsed not in OFFICER_ROLES:
            allowed = ", ".join(r.value for r in OFFICER_ROLES)
            raise InvalidInputError("role", role, f"must be one of {allowed}")
        assert parsed is not None
        agency = _text("agency", agency, optional=True)
        if parsed is Role.LIAISON and agency is None:
            raise InvalidInputError("agency", agency, "a liaison must name their agency")
        if parsed is Role.UNIT and agency is None:
            raise InvalidInputError("agency", agency, "a work unit officer must name their agency")
        if parsed is Role.ADMIN and agency is not None:
            raise InvalidInputError("agency", agency, "an admin has a region scope, not an agency")
        unit = _text("unit", unit, optional=True)
        if parsed is Role.UNIT and unit is None:
            raise InvalidInputError("unit", unit, "a work unit officer must name their unit")
        if parsed is not Role.UNIT and unit is not None:
            raise InvalidInputError("unit", unit, "only a work unit officer has a unit")
        code = _text("region", region, optional=True)
        if code is not None:
            code = normalize_code(code)
        if not isinstance(password_hash, str) or not password_hash.startswith("$argon2"):
            raise InvalidInputError("password_hash", "<hidden>", "must be an Argon2 hash")
        display = _text("name", name)
        assert display is not None
        return cls(officer_id, display, parsed, agency, code, password_hash, unit)

    @property
    def actor(self) -> Actor:
        """The sp4n actor the Desk checks: role, agency (and unit) and region scope."""
        return Actor(
            id=self.id, role=self.role, agency=self.agency, region=self.region, unit=self.unit
        )

    def to_dict(self) -> dict[str, Any]:
        """The officer as stored in the file."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "agency": self.agency,
            "unit": self.unit,
            "region": self.region,
            "password_hash": self.password_hash,
        }


class OfficerBook:
    """The officers of one console, read from (and written back to) a JSON file."""

    def __init__(self, officers: Iterable[Officer] = ()) -> None:
        self._by_id: dict[str, Officer] = {}
        for officer in officers:
            if officer.id in self._by_id:
                raise InvalidInputError("id", officer.id, "is already taken by another officer")
            self._by_id[officer.id] = officer

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> OfficerBook:
        """Read an officers file; a missing file is an empty book."""
        file = Path(path)
        if not file.exists():
            return cls()
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InvalidInputError(
                "officers", str(file), f"must be a readable JSON file ({error})"
            ) from None
        items = data.get("officers") if isinstance(data, Mapping) else None
        if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
            raise InvalidInputError("officers", str(file), 'must hold {"officers": [{...}, ...]}')
        keys = ("id", "name", "role", "agency", "unit", "region", "password_hash")
        return cls(Officer.build(**{k: item.get(k) for k in keys}) for item in items)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the book atomically (a temporary file renamed over the old one), mode 0600."""
        file = Path(path)
        text = json.dumps({"officers": [o.to_dict() for o in self]}, ensure_ascii=False, indent=2)
        fd, temporary = tempfile.mkstemp(dir=file.parent, prefix=".officers-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text + "\n")
            os.replace(temporary, file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def add(self, officer: Officer) -> OfficerBook:
        """A new book with ``officer`` added (its id must be new)."""
        return OfficerBook([*self, officer])

    def get(self, officer_id: str) -> Officer:
        """The officer with ``officer_id``."""
        try:
            return self._by_id[officer_id]
        except KeyError:
            raise NotFoundError("officer", officer_id, "no such officer") from None

    def authenticate(self, officer_id: str, password: str) -> Officer | None:
        """The officer if ``password`` is theirs, else ``None`` (same cost for unknown ids)."""
        officer = self._by_id.get(officer_id)
        try:
            _HASHER.verify(officer.password_hash if officer else _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        return officer

    def __iter__(self) -> Iterator[Officer]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)
