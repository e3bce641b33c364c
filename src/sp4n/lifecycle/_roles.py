"""Who may act on, and read, which complaint (roles and their scope).

- reporter: only their own complaint (``actor.id == complaint.reporter.id``);
- admin: national (``region=None``) or a region by code prefix (``"32"`` covers ``"32.73"``);
- liaison: only complaints currently forwarded to their agency;
- supervisor: reads and escalates, limited by region prefix or agency when they carry one;
- system: sp4n itself, unrestricted.
"""

from __future__ import annotations

from sp4n.errors import PermissionDenied
from sp4n.lifecycle._events import Actor, Role
from sp4n.lifecycle._model import Complaint

__all__ = ["can_read", "check_scope", "in_region", "scope_problem"]


def in_region(region: str, prefix: str | None) -> bool:
    """Whether region code ``region`` lies inside ``prefix`` (``None`` = the whole country)."""
    if prefix is None:
        return True
    return region == prefix or region.startswith(prefix + ".")


def scope_problem(complaint: Complaint, actor: Actor) -> str | None:
    """Why ``actor``'s scope excludes ``complaint``, or ``None`` when it covers it."""
    role = actor.role
    if role is Role.SYSTEM:
        return None
    if role is Role.REPORTER:
        if actor.id != complaint.reporter.id:
            return "a reporter acts only on their own complaint"
        return None
    if role is Role.ADMIN:
        if not in_region(complaint.region, actor.region):
            return f"complaint region {complaint.region} is outside admin region {actor.region}"
        return None
    if role is Role.LIAISON:
        if actor.agency is None or actor.agency != complaint.agency:
            return (
                f"a liaison acts only on complaints currently forwarded to their agency "
                f"(this one: {complaint.agency or 'none'})"
            )
        return None
    if role is Role.UNIT:
        if actor.agency is None or actor.agency != complaint.agency:
            return (
                f"a work unit acts only on complaints of its agency "
                f"(this one: {complaint.agency or 'none'})"
            )
        if actor.unit is None or actor.unit != complaint.unit:
            return (
                f"a work unit acts only on complaints disposed to it "
                f"(this one: {complaint.unit or 'none'})"
            )
        return None
    # supervisor
    if not in_region(complaint.region, actor.region):
        return f"complaint region {complaint.region} is outside supervisor region {actor.region}"
    if actor.agency is not None and actor.agency != complaint.agency:
        return f"supervisor of agency {actor.agency} does not oversee {complaint.agency or 'none'}"
    return None


def check_scope(complaint: Complaint, actor: Actor, action: str) -> None:
    """Raise :class:`PermissionDenied` when ``actor``'s scope excludes ``complaint``."""
    problem = scope_problem(complaint, actor)
    if problem is not None:
        raise PermissionDenied(actor.role.value, actor.scope, action, problem)


def can_read(complaint: Complaint, actor: Actor) -> bool:
    """Whether ``actor`` may open the complaint's case file (:func:`view_for`).

    A liaison may also read complaints their agency handled before (returned ones).
    """
    if actor.role is Role.LIAISON and actor.agency in complaint.returned_by:
        return True
    return scope_problem(complaint, actor) is None
