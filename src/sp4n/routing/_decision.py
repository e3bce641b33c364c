"""The values a routing run passes around: requests, rule steps, reasons, decisions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from sp4n.regions._regions import Region
from sp4n.routing._affairs import AffairRow, AuthorityLevel, Certainty, Topic
from sp4n.routing._directory import Agency

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.routing._router import Router

__all__ = [
    "LEVEL_LABELS",
    "Competence",
    "Reason",
    "RoutingDecision",
    "RoutingRequest",
    "RoutingState",
    "Rule",
    "Step",
]

LEVEL_LABELS: Mapping[AuthorityLevel, tuple[str, str]] = {
    AuthorityLevel.PUSAT: ("pemerintah pusat", "the central government"),
    AuthorityLevel.PROVINSI: ("pemerintah provinsi", "the province"),
    AuthorityLevel.KABUPATEN_KOTA: ("pemerintah kabupaten/kota", "the regency or city"),
    AuthorityLevel.DESA: ("pemerintah desa", "the village"),
}
"""How a level is named to a citizen, in Indonesian and English."""


@attrs.frozen
class Reason:
    """One rule that shaped a decision: what it found (id/en), and on what basis."""

    rule: str
    text: str
    text_en: str
    citation: str
    certainty: Certainty

    def to_dict(self) -> dict[str, str]:
        """The JSON form used by ``sp4n route --json``."""
        return {
            "rule": self.rule,
            "text": self.text,
            "text_en": self.text_en,
            "citation": self.citation,
            "certainty": str(self.certainty),
        }


@attrs.frozen
class Competence:
    """The level of government competent for a complaint, and the affair row saying so."""

    level: AuthorityLevel
    row: AffairRow


@attrs.frozen
class RoutingRequest:
    """A validated request: the region, topic, attributes and agencies to exclude.

    ``region`` is the complaint's region resolved as far down as routing can tell
    regions apart (its anchor, see :meth:`Router.anchor`): a village in a regency the
    directory knows is routed as that regency. ``chain`` is the anchor's code followed
    by the codes enclosing it, nearest first.
    """

    region: Region
    topic: Topic
    attributes: Mapping[str, str]
    exclude: frozenset[str]
    chain: tuple[str, ...]

    def region_at(self, level: AuthorityLevel) -> str | None:
        """The code of the region serving this complaint at ``level`` (None: not known).

        The centre serves every region (None); the province is the first two digits;
        a regency/city needs a code of at least ``PP.KK``; a village needs a village code.
        """
        code = self.region.code
        if level is AuthorityLevel.PROVINSI:
            return code[:2]
        if level is AuthorityLevel.KABUPATEN_KOTA:
            return code[:5] if len(code) >= len("PP.KK") else None
        if level is AuthorityLevel.DESA:
            return code if len(code) == len("PP.KK.CC.DDDD") else None
        return None


@attrs.frozen
class Step:
    """What a rule contributes. ``candidates`` set to a tuple replaces the candidates;
    ``final`` ends the run. ``citation``/``certainty`` default to the rule's own."""

    text: str
    text_en: str
    competence: Competence | None = None
    candidates: tuple[Agency, ...] | None = None
    alternatives: tuple[Agency, ...] = ()
    manual: bool = False
    final: bool = False
    citation: str | None = None
    certainty: Certainty | None = None


@attrs.define
class RoutingState:
    """The working state of one routing run; rules read it, the router updates it."""

    request: RoutingRequest
    competence: Competence | None = None
    candidates: tuple[Agency, ...] = ()
    alternatives: tuple[Agency, ...] = ()
    manual: bool = False
    done: bool = False
    reasons: list[Reason] = attrs.Factory(list)

    def advance(self, rule: Rule, step: Step) -> None:
        """Fold ``step`` of ``rule`` into the state and record its reason."""
        if step.competence is not None:
            self.competence = step.competence
        if step.candidates is not None:
            self.candidates = step.candidates
        if step.alternatives:
            self.alternatives = (*self.alternatives, *step.alternatives)
        self.manual = self.manual or step.manual
        self.done = self.done or step.final
        self.reasons.append(
            Reason(
                rule=rule.id,
                text=step.text,
                text_en=step.text_en,
                citation=step.citation or rule.citation,
                certainty=step.certainty or rule.certainty,
            )
        )


@runtime_checkable
class Rule(Protocol):
    """A routing rule: a small named object the router runs in ``order``.

    ``apply`` returns None when the rule has nothing to say, else a :class:`Step`.
    A plugin adds a rule with a new id, or replaces a built-in one with the same id
    (see :meth:`Router.with_rules`).
    """

    @property
    def id(self) -> str:
        """A stable identifier, e.g. ``"absolute_affairs"``."""

    @property
    def order(self) -> int:
        """Position in the run: lower first (built-ins use 100, 200, ..., 900)."""

    @property
    def description(self) -> str:
        """What the rule does, in one sentence."""

    @property
    def citation(self) -> str:
        """The regulation (and article) the rule rests on."""

    @property
    def certainty(self) -> Certainty:
        """How sure that basis is."""

    def apply(self, state: RoutingState, router: Router) -> Step | None:
        """Look at ``state`` and return a step, or None."""


def _agency_dict(agency: Agency) -> dict[str, Any]:
    return {
        "id": agency.id,
        "name": agency.name,
        "level": str(agency.level),
        "region": agency.region,
    }


@attrs.frozen
class RoutingDecision:
    """Where a complaint goes, and why.

    ``agency`` is the destination (None only when every coordinator was excluded);
    ``level`` is the destination's level of government; ``manual`` says a complaint
    coordinator must dispose of it by hand; ``reasons`` lists each rule applied with its
    citation; ``alternatives`` are other fitting agencies, best first.
    """

    region: str
    topic: str
    agency: Agency | None
    level: AuthorityLevel
    manual: bool
    reasons: tuple[Reason, ...]
    alternatives: tuple[Agency, ...]
    attributes: Mapping[str, str] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``sp4n route --json`` (ARCHITECTURE.md)."""
        return {
            "region": self.region,
            "topic": self.topic,
            "agency": None if self.agency is None else _agency_dict(self.agency),
            "level": str(self.level),
            "manual": self.manual,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "alternatives": [_agency_dict(agency) for agency in self.alternatives],
        }
