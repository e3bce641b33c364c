"""No wrong door across portals: relay a complaint to a hub over Open311 and follow it.

A regency portal receives complaints about every matter. When the router sends one to a
central-government body (level ``pusat``: a ministry, Polri, a vertical office, an SOE)
that the portal does not serve itself, :meth:`Relay.forward` files it on the national hub
(``POST requests.json``) and records a local ``forwarded`` event whose payload carries
``remote_url`` and ``remote_id``. :meth:`Relay.sync` reads the hub's status
(``GET requests/{id}.json``) and records locally what happened there: the hub handed it
to an agency (``acknowledged``), the agency answered (``followed_up`` with the hub's
``status_notes``), or the hub closed it without an answer (``returned``, so the local
admin routes it again). See decision 0062.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from sp4n.desk import ADMIN, retry_on_conflict
from sp4n.errors import InvalidInputError, RemoteError
from sp4n.lifecycle import Actor, Complaint, EventType, Role, Status, Visibility
from sp4n.open311._client import GeoReportClient, RemoteReceipt, RemoteRequest
from sp4n.open311._params import DESCRIPTION_MAX
from sp4n.routing import AuthorityLevel, get_region
from sp4n.texts import text

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.desk import Desk

__all__ = ["RELAY_STATUSES", "Relay", "RemoteLink", "SyncReport", "remote_link"]

_log = logging.getLogger("sp4n.relay")

RELAY_STATUSES = frozenset(
    {Status.FORWARDED, Status.IN_PROGRESS, Status.AWAITING_REPORTER, Status.FOLLOWED_UP}
)
"""Local statuses in which a relayed complaint is still followed on the hub."""


@attrs.frozen
class RemoteLink:
    """Where a relayed complaint lives on the remote portal."""

    url: str
    remote_id: str
    agency: str
    seq: int


def remote_link(complaint: Complaint) -> RemoteLink | None:
    """The remote request of the complaint's current forwarding, ``None`` if not relayed.

    Only the last ``forwarded`` event counts: a complaint forwarded again locally after a
    relay is no longer followed on the hub.
    """
    for event in reversed(complaint.history):
        if event.type == EventType.FORWARDED:
            url, ident = event.payload.get("remote_url"), event.payload.get("remote_id")
            if url and ident:
                return RemoteLink(str(url), str(ident), str(event.payload["agency"]), event.seq)
            return None
    return None


@attrs.frozen
class SyncReport:
    """What :meth:`Relay.sync_all` did: complaints checked, events recorded, failures."""

    checked: int
    recorded: tuple[tuple[str, str], ...]
    failed: tuple[tuple[str, str], ...]


def _levels(value: Iterable[AuthorityLevel | str]) -> frozenset[AuthorityLevel]:
    return frozenset(AuthorityLevel(v) for v in value)


@attrs.define
class Relay:
    """Forward complaints from ``desk`` to a hub through ``client`` and follow their status.

    :param desk: the local portal.
    :param client: the hub's GeoReport v2 endpoint (with this portal's ``api_key``).
    :param levels: authority levels that go to the hub (default: ``pusat``).
    :param portal: this portal's name, sent as ``account_id`` prefix so that the hub sees
        the portal, never the citizen, as the reporter.
    """

    desk: Desk
    client: GeoReportClient
    levels: frozenset[AuthorityLevel] = attrs.field(
        factory=lambda: frozenset({AuthorityLevel.PUSAT}), converter=_levels
    )
    portal: str = "sp4n"

    # -- forwarding ---------------------------------------------------------------------------

    def route(self, ref: str, *, attributes: Mapping[str, str] | None = None) -> str | None:
        """The agency the router picks for ``ref`` when it goes to the hub, else ``None``."""
        decision = self.desk.suggest(ref, attributes=attributes)
        if decision.agency is None or decision.agency.level not in self.levels:
            return None
        return decision.agency.id

    def forward(
        self,
        ref: str,
        *,
        agency: str | None = None,
        attributes: Mapping[str, str] | None = None,
        actor: Actor | None = None,
    ) -> Complaint:
        """File the verified complaint ``ref`` on the hub and record it as forwarded locally.

        ``agency`` is the local directory's body the hub stands in for; by default the
        router's choice, which must be of one of :attr:`levels`. The hub receives the
        description, topic, region, location and ``attributes``, never the reporter's
        identity. Confidential complaints are refused (GeoReport lists are public).

        :raises RemoteRejectedError: the hub refused it (nothing recorded locally).
        :raises RemoteUnavailableError: the hub is unreachable (nothing recorded; retry).
        """
        complaint = self.desk.get(ref)
        if complaint.visibility is Visibility.CONFIDENTIAL:
            raise InvalidInputError(
                "visibility",
                complaint.visibility.value,
                "confidential complaints are not relayed over Open311, whose lists are public",
                hint="forward it to the agency directly",
            )
        link = remote_link(complaint)
        if link is not None and complaint.status in RELAY_STATUSES:
            return complaint  # relayed already: do not file it twice
        if complaint.status not in (Status.VERIFIED, Status.RETURNED):
            raise InvalidInputError(
                "status",
                complaint.status.value,
                "only a verified (or returned) complaint is forwarded to the hub",
                hint="verify it first",
            )
        if agency is None:
            agency = self.route(complaint.complaint_id, attributes=attributes)
            if agency is None:
                raise InvalidInputError(
                    "agency",
                    None,
                    "the router sends this complaint to a body handled locally, not the hub",
                    hint="forward it with Desk.forward",
                )
        else:
            self.desk.router.directory.get(agency)
        receipt = self._submit(complaint, attributes)
        reason = f"Diteruskan melalui Open311 ke {receipt.url} (nomor {receipt.service_request_id})"
        return retry_on_conflict(
            lambda: self.desk.forward(
                complaint.complaint_id,
                agency,
                reasons=[reason],
                remote=(receipt.url, receipt.service_request_id),
                actor=actor or ADMIN,
            )
        )

    def _submit(self, complaint: Complaint, attributes: Mapping[str, str] | None) -> RemoteReceipt:
        location = complaint.location
        address = None if location is None else location.address
        lat = long = None
        if location is not None and location.lat is not None and location.lon is not None:
            lat, long = location.lat, location.lon
        elif address is None:
            region = get_region(complaint.region)
            address = f"{region.name} ({region.code})"
        return self.client.submit(
            service_code=complaint.topic,
            jurisdiction_id=complaint.region,
            description=complaint.body[:DESCRIPTION_MAX],
            lat=lat,
            long=long,
            address_string=address,
            attributes=attributes,
            account_id=f"{self.portal}:{complaint.tracking_id}",
        )

    # -- following ----------------------------------------------------------------------------

    def sync(self, ref: str) -> tuple[str, ...]:
        """Read the hub's status of ``ref`` and record what changed; return the event types.

        Idempotent: what is recorded already is not recorded again.

        :raises RemoteUnavailableError: the hub is unreachable (nothing recorded).
        """
        complaint = self.desk.get(ref)
        link = remote_link(complaint)
        if link is None or complaint.status not in RELAY_STATUSES:
            return ()
        if link.url.rstrip("/") != self.client.base_url:
            return ()
        remote = self.client.request(link.remote_id)
        return self._record(complaint, link, remote)

    def _record(
        self, complaint: Complaint, link: RemoteLink, remote: RemoteRequest
    ) -> tuple[str, ...]:
        liaison = Actor(id=f"open311:{link.url}", role=Role.LIAISON, agency=link.agency)
        recorded: list[str] = []
        since = complaint.history[link.seq :]
        answers = {str(e.payload.get("text")) for e in since if e.type == EventType.FOLLOWED_UP}
        ref = complaint.complaint_id
        response = remote.response
        if (
            complaint.status is Status.FORWARDED
            and (remote.agency_responsible or response or remote.closed)
            and not any(e.type == EventType.ACKNOWLEDGED for e in since)
        ):
            where = {"hub": link.url, "remote_id": link.remote_id}
            note = (
                text("relay.received_and_forwarded", agency=remote.agency_responsible, **where)
                if remote.agency_responsible
                else text("relay.received", **where)
            )
            complaint = self.desk.acknowledge(ref, note, actor=liaison)
            recorded.append(EventType.ACKNOWLEDGED.value)
        if response is not None and response not in answers:
            if complaint.status in (Status.IN_PROGRESS, Status.FORWARDED, Status.FOLLOWED_UP):
                complaint = self.desk.follow_up(ref, response, actor=liaison)
                recorded.append(EventType.FOLLOWED_UP.value)
        elif remote.closed and response is None and complaint.status is Status.IN_PROGRESS:
            label = remote.status_notes or remote.status
            self.desk.return_(
                ref,
                text("relay.closed_without_follow_up", remote_id=link.remote_id, label=label),
                actor=liaison,
            )
            recorded.append(EventType.RETURNED.value)
        return tuple(recorded)

    def sync_all(self, *, limit: int = 1000) -> SyncReport:
        """:meth:`sync` every relayed complaint still open locally (at most ``limit``).

        Each complaint's sync is on its own: a hub that is down, a malformed or oversized
        answer, or a local refusal fails that complaint only; the report lists them.
        Each answer is bounded (8 MiB, ``timeout`` seconds, texts cut at 4,000 characters).
        """
        refs: list[tuple[str, str]] = []
        for status in sorted(RELAY_STATUSES):
            offset = 0
            while len(refs) < limit:
                rows = self.desk.list(status=status.value, limit=500, offset=offset)
                refs.extend((row.complaint_id, row.tracking_id) for row in rows)
                if len(rows) < 500:
                    break
                offset += 500
        recorded: list[tuple[str, str]] = []
        failed: list[tuple[str, str]] = []
        for complaint_id, tracking_id in refs[:limit]:
            try:
                recorded.extend((tracking_id, event) for event in self.sync(complaint_id))
            except RemoteError as exc:
                failed.append((tracking_id, str(exc)))
            except Exception as exc:  # one complaint's trouble never stops the others (0134)
                _log.warning("relay sync of %s failed", tracking_id, exc_info=True)
                failed.append((tracking_id, f"{type(exc).__name__}: {str(exc)[:300]}"))
        return SyncReport(checked=len(refs[:limit]), recorded=tuple(recorded), failed=tuple(failed))
