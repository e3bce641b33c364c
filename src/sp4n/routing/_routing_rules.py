"""The built-in routing rules, in the order of regulation.md §8 ("routing rules").

1. absolute affairs (UU 23/2014 Pasal 10) go to the centre;
2. vertical agencies, national statutory bodies and state enterprises go to that body;
3. the concurrent-affairs table (UU 23/2014 Lampiran), keyed by topic and attributes;
4. when no row applies, say what is missing;
5. resolve the region to the competent level and pick the local agency;
6. a village affair with no village office in the directory goes to its supervisor;
7. no wrong door: otherwise the complaint coordinator of the nearest level, or the
   national admin, disposes of it by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from sp4n.routing._affairs import AffairKind, AffairRow, AuthorityLevel, Certainty
from sp4n.routing._decision import (
    LEVEL_LABELS,
    Competence,
    RoutingRequest,
    RoutingState,
    Rule,
    Step,
)
from sp4n.routing._directory import Agency
from sp4n.texts import text

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.routing._router import Router


def both(key: str, **values: str | tuple[str, str]) -> tuple[str, str]:
    """The catalogue's Indonesian and English text of ``key``; a value given as a pair is
    ``(Indonesian, English)``, e.g. a topic's two names."""

    def pick(index: int) -> dict[str, str]:
        return {k: v if isinstance(v, str) else v[index] for k, v in values.items()}

    return text(key, "id", **pick(0)), text(key, "en", **pick(1))


__all__ = [
    "ABSOLUTE_AFFAIRS",
    "BUILTIN_RULES",
    "CONCURRENT_AFFAIRS",
    "LOCAL_AGENCY",
    "NATIONAL_BODIES",
    "NO_COMPETENT_LEVEL",
    "NO_WRONG_DOOR",
    "VILLAGE_SUPERVISOR",
    "AffairRule",
    "LocalAgencyRule",
    "NoCompetentLevelRule",
    "NoWrongDoorRule",
    "VillageSupervisorRule",
]

_LEVEL_UP = {
    AuthorityLevel.DESA: AuthorityLevel.KABUPATEN_KOTA,
    AuthorityLevel.KABUPATEN_KOTA: AuthorityLevel.PROVINSI,
    AuthorityLevel.PROVINSI: AuthorityLevel.PUSAT,
}

_KIND_LABELS = {
    AffairKind.ABSOLUTE: ("urusan pemerintahan absolut", "an absolute affair"),
    AffairKind.VERTICAL: ("urusan instansi vertikal", "an affair of a vertical agency"),
    AffairKind.STATUTORY_BODY: ("urusan badan nasional", "an affair of a national statutory body"),
    AffairKind.SOE: ("layanan BUMN", "a state-owned enterprise's service"),
    AffairKind.CONCURRENT: ("urusan konkuren", "a concurrent affair"),
}


def _attribute_text(request: RoutingRequest) -> str:
    if not request.attributes:
        return ""
    return " (" + ", ".join(f"{k}={v}" for k, v in sorted(request.attributes.items())) + ")"


def _fitting(
    router: Router, request: RoutingRequest, topic: str, level: AuthorityLevel
) -> tuple[Agency, ...]:
    """Agencies of ``level`` handling ``topic`` for the request's region, best first.

    A central topic looks for the nearest regional office first (a Polres before its
    Polda before Polri); other levels look at the one region serving the complaint.
    """
    directory = router.directory
    exclude = request.exclude
    if level is AuthorityLevel.PUSAT:
        found: list[Agency] = []
        for region in (*request.chain, None):
            found.extend(directory.handling(topic, level, region))
        return tuple(a for a in found if a.id not in exclude)
    region = request.region_at(level)
    if region is None:
        return ()
    return tuple(a for a in directory.handling(topic, level, region) if a.id not in exclude)


@attrs.frozen
class AffairRule:
    """Find the competent level from the affairs rows of the given kinds."""

    id: str
    order: int
    kinds: frozenset[AffairKind]
    description: str
    citation: str
    certainty: Certainty = Certainty.READ

    def apply(self, state: RoutingState, router: Router) -> Step | None:
        """Set the competence from the most specific matching row of these kinds."""
        if state.competence is not None:
            return None
        request = state.request
        row = _first_row(router, request, self.kinds)
        if row is None:
            return None
        kind_id, kind_en = _KIND_LABELS[row.kind]
        level_id, level_en = LEVEL_LABELS[row.level]
        scope = ("", "") if row.region is None else both("routing.regional_rule", region=row.region)
        attributes = _attribute_text(request)
        said = both(
            "routing.competence",
            topic=(request.topic.name, request.topic.name_en),
            attributes=attributes,
            kind=(kind_id, kind_en),
            level=(level_id, level_en),
        )
        return Step(
            text=said[0] + scope[0],
            text_en=said[1] + scope[1],
            competence=Competence(level=row.level, row=row),
            citation=row.citation,
            certainty=row.certainty,
        )


def _first_row(
    router: Router, request: RoutingRequest, kinds: frozenset[AffairKind]
) -> AffairRow | None:
    code = request.region.code
    for row in router.affairs.rows_for(request.topic.id):
        if row.kind in kinds and row.matches(code, request.attributes):
            return row
    return None


@attrs.frozen
class NoCompetentLevelRule:
    """Say why no affairs row applies (a missing attribute or an unclassified topic)."""

    id: str = "no_competent_level"
    order: int = 400
    description: str = "Explain why the division of affairs names no level for the complaint."
    citation: str = "UU 23/2014 Pasal 9-12 and Lampiran (division of affairs)"
    certainty: Certainty = Certainty.READ

    def apply(self, state: RoutingState, router: Router) -> Step | None:
        """Return a step explaining the gap, when no competence was found."""
        if state.competence is not None:
            return None
        topic = state.request.topic
        missing = sorted(
            key
            for key, attribute in topic.attributes.items()
            if attribute.required and key not in state.request.attributes
        )
        if missing:
            names = ", ".join(missing)
            said = both("routing.missing_attribute", topic=(topic.name, topic.name_en), names=names)
            return Step(text=said[0], text_en=said[1])
        said = both("routing.no_competence", topic=(topic.name, topic.name_en))
        return Step(text=said[0], text_en=said[1])


@attrs.frozen
class LocalAgencyRule:
    """Resolve the region to the competent level and pick the agency serving it."""

    id: str = "local_agency"
    order: int = 500
    description: str = (
        "Resolve the region code to the competent level (village, regency/city, province "
        "or the nearest office of a central body) and pick the agency handling the topic."
    )
    citation: str = "Kemendagri region codes (Permendagri 58/2021); regulation.md §8 rule (c)"
    certainty: Certainty = Certainty.INFERRED

    def apply(self, state: RoutingState, router: Router) -> Step | None:
        """Return the fitting agencies, and those of the row's alternative levels."""
        competence = state.competence
        if competence is None or state.candidates:
            return None
        request = state.request
        topic = request.topic.id
        found = _fitting(router, request, topic, competence.level)
        alternatives: list[Agency] = []
        for level in competence.row.alternatives:
            alternatives.extend(_fitting(router, request, topic, level))
        level_id, level_en = LEVEL_LABELS[competence.level]
        if not found:
            said = both(
                "routing.no_agency",
                level=(level_id, level_en),
                topic=(request.topic.name, request.topic.name_en),
                region=request.region.code,
            )
            return Step(
                text=said[0],
                text_en=said[1],
                candidates=(),
                alternatives=tuple(alternatives),
            )
        said = both(
            "routing.agency_found",
            agency=found[0].name,
            topic=(request.topic.name, request.topic.name_en),
            region=request.region.code,
            region_name=request.region.name,
        )
        return Step(
            text=said[0],
            text_en=said[1],
            candidates=found,
            alternatives=tuple(alternatives),
            final=True,
        )


@attrs.frozen
class VillageSupervisorRule:
    """Send a village affair to its supervisor when the village is not in the directory."""

    id: str = "village_supervisor"
    order: int = 600
    description: str = (
        "A village-level affair whose village government is not in the directory goes to "
        "the regency office that supervises villages."
    )
    citation: str = "UU 6/2014 (Desa) Pasal 115 (regency supervision of village governments)"
    certainty: Certainty = Certainty.INFERRED

    def apply(self, state: RoutingState, router: Router) -> Step | None:
        """Return the supervisor's agencies for an unplaced village affair."""
        competence = state.competence
        if competence is None or state.candidates or competence.row.supervisor is None:
            return None
        level, topic = competence.row.supervisor
        found = _fitting(router, state.request, topic, level)
        if not found:
            return None
        said = both("routing.village_supervisor", agency=found[0].name)
        return Step(
            text=said[0],
            text_en=said[1],
            candidates=found,
            final=True,
        )


@attrs.frozen
class NoWrongDoorRule:
    """No wrong door: hand an unplaced complaint to the nearest complaint coordinator."""

    id: str = "no_wrong_door"
    order: int = 900
    description: str = (
        "When no agency fits, the complaint coordinator (admin) of the nearest level, or "
        "else the national admin, disposes of the complaint by hand."
    )
    citation: str = (
        "Perpres 76/2013 (SP4N, no wrong door policy); rollout reports in regulation.md §12"
    )
    certainty: Certainty = Certainty.REPORTED

    def apply(self, state: RoutingState, router: Router) -> Step | None:
        """Return the nearest coordinator not excluded (or none at all), manual."""
        if state.candidates:
            return None
        request = state.request
        level: AuthorityLevel | None
        if state.competence is not None:
            level = state.competence.level
        else:
            level = (
                AuthorityLevel.KABUPATEN_KOTA
                if request.region_at(AuthorityLevel.KABUPATEN_KOTA)
                else AuthorityLevel.PROVINSI
            )
        while level is not None:
            region = None if level is AuthorityLevel.PUSAT else request.region_at(level)
            if level is AuthorityLevel.PUSAT or region is not None:
                for agency in router.directory.coordinators(level, region):
                    if agency.id not in request.exclude:
                        said = both("routing.coordinator", agency=agency.name)
                        return Step(
                            text=said[0],
                            text_en=said[1],
                            candidates=(agency,),
                            manual=True,
                            final=True,
                        )
            level = _LEVEL_UP.get(level)
        said = both("routing.all_returned")
        return Step(
            text=said[0],
            text_en=said[1],
            candidates=(),
            manual=True,
            final=True,
        )


ABSOLUTE_AFFAIRS = AffairRule(
    id="absolute_affairs",
    order=100,
    kinds=frozenset({AffairKind.ABSOLUTE}),
    description="Absolute affairs (foreign policy, defence, security, justice, national "
    "monetary and fiscal affairs, religion) belong to the central government.",
    citation="UU 23/2014 Pasal 9 ayat (2) and Pasal 10 ayat (1)",
    certainty=Certainty.INFERRED,
)
NATIONAL_BODIES = AffairRule(
    id="vertical_and_national_bodies",
    order=200,
    kinds=frozenset({AffairKind.VERTICAL, AffairKind.STATUTORY_BODY, AffairKind.SOE}),
    description="Affairs of vertical agencies (ATR/BPN), national statutory bodies (BPJS) "
    "and state enterprises (PLN) go to that body and its nearest office.",
    citation="regulation.md §8 rule (a): vertical agencies and national bodies first",
    certainty=Certainty.INFERRED,
)
CONCURRENT_AFFAIRS = AffairRule(
    id="concurrent_affairs",
    order=300,
    kinds=frozenset({AffairKind.CONCURRENT}),
    description="Concurrent affairs are split between the centre, provinces and "
    "regencies/cities by the Lampiran matrix, keyed by topic and attributes.",
    citation="UU 23/2014 Pasal 11-12 and Lampiran",
    certainty=Certainty.READ,
)
NO_COMPETENT_LEVEL = NoCompetentLevelRule()
LOCAL_AGENCY = LocalAgencyRule()
VILLAGE_SUPERVISOR = VillageSupervisorRule()
NO_WRONG_DOOR = NoWrongDoorRule()

BUILTIN_RULES: tuple[Rule, ...] = (
    ABSOLUTE_AFFAIRS,
    NATIONAL_BODIES,
    CONCURRENT_AFFAIRS,
    NO_COMPETENT_LEVEL,
    LOCAL_AGENCY,
    VILLAGE_SUPERVISOR,
    NO_WRONG_DOOR,
)
"""The default rules, in order."""
