"""The Open311 GeoReport v2 server: a WSGI application over a :class:`~sp4n.Desk`.

Mounted by ``sp4n serve`` at ``/open311/v2/``. Endpoints (JSON and XML):

- ``GET services.{fmt}`` and ``GET services/{service_code}.{fmt}``: topics of the
  division-of-affairs taxonomy; a topic's routing attributes become its definition.
- ``POST requests.{fmt}``: form-encoded, ``api_key`` required; files a complaint.
- ``GET requests.{fmt}``: filters ``service_request_id``, ``service_code``, ``start_date``,
  ``end_date``, ``status`` (``open``/``closed``); last 90 days and 1,000 results by default.
- ``GET requests/{service_request_id}.{fmt}``.
- ``GET discovery.{fmt}`` (here and one level up, ``/open311/discovery.{fmt}``): the
  Service Discovery document naming this endpoint.

The API key is the ``api_key`` form parameter or the ``X-API-Key`` header. A 405 answer
carries ``Allow``; request bodies are read through :func:`sp4n.serving.read_body` within
``body_max_bytes``.

Confidential complaints never appear; anonymous ones appear without identity (GeoReport
requests carry no identity fields at all). Client errors answer 4xx in the
specification's error format; nothing but a bug answers 500.

References:
    - Open311 GeoReport v2, http://wiki.open311.org/GeoReport_v2 [read].
    - Open311 Service Discovery, http://wiki.open311.org/Service_Discovery [read].
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import mimetypes
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs

from sp4n.adapters import ComplaintRow, RowQuery, query_rows
from sp4n.adapters.channels import title_from
from sp4n.desk._projection import expected_deadline, media_file
from sp4n.errors import (
    InvalidInputError,
    NotFoundError,
    Open311Error,
    RequestBodyError,
    Sp4nError,
)
from sp4n.lifecycle import (
    PUBLISHED_STATUSES,
    PUBLISHED_VISIBILITIES,
    Attachment,
    Complaint,
    ComplaintDraft,
    Publication,
    Reporter,
    Status,
    new_guest,
    publication,
)
from sp4n.lifecycle._status import CLOSED_STATUSES
from sp4n.open311._files import MEDIA_PATH, serve_file
from sp4n.open311._format import (
    DEFINITION_FIELDS,
    REQUEST_FIELDS,
    SERVICE_FIELDS,
    encode,
    error_items,
    ordered,
)
from sp4n.open311._params import (
    NewRequest,
    RequestQuery,
    parse_new_request,
    parse_params,
    parse_query,
)
from sp4n.routing import get_region, province_timezone
from sp4n.serving._body import BODY_MAX_BYTES, read_body
from sp4n.serving._multipart import Upload, parse_multipart
from sp4n.sla import Policy
from sp4n.texts import text

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.adapters.blobs import BlobStore, UploadLimits
    from sp4n.desk import Desk
    from sp4n.routing import Topic

__all__ = ["BODY_MAX_BYTES", "LIST_DAYS", "LIST_MAX", "Open311App"]

LIST_DAYS = 90
"""Default window of ``GET requests`` when no dates are given (the specification's default)."""
LIST_MAX = 1000
"""Most requests one ``GET requests`` answers (the specification's suggested maximum)."""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_PATH = re.compile(
    r"^/(?P<collection>services|requests|discovery)(?:/(?P<key>[^/]+?))?\.(?P<fmt>json|xml)$"
)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
_REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Payload Too Large",
    500: "Internal Server Error",
}


def _keys(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(keys)


def _key_bytes(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


def _public_url(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not re.match(r"^https?://[^/\s?#]+(/[^\s?#]*)?$", value):
        raise InvalidInputError(
            "public_url", value, "must be the site's http(s):// address, e.g. https://lapor.go.id"
        )
    return value.rstrip("/")


@attrs.define
class Open311App:
    """A WSGI application answering GeoReport v2 for one sp4n ``desk``.

    :param desk: the :class:`~sp4n.Desk` that stores and handles complaints.
    :param api_keys: keys accepted on ``POST requests``; an empty set refuses every POST.
    :param region: the portal's own region code: the default ``jurisdiction_id`` and the
        region of complaints that name none.
    :param prefix: where the application is mounted.
    :param body_max_bytes: largest ``POST requests`` body read (form-encoded text; media go
        by ``media_url``); a longer one is a 413.
    :param contact: the ``contact`` text of the discovery document (who runs the endpoint).
    :param key_service: the ``key_service`` text of the discovery document (how to get a key).
    :param blobs: where uploaded ``media`` files are stored; without one, a
        ``multipart/form-data`` POST is refused and media go by ``media_url`` only.
    :param upload_limits: size and type limits of uploaded files (decision 0192).
    :param upload_body_max_bytes: largest ``multipart/form-data`` body read (files included).
    :param public_url: the site's own address as the public reaches it
        (``https://lapor.bengkayangkab.go.id``); with ``blobs``, an uploaded file is then
        answered as ``media_url`` ``<public_url><prefix>/media/<id>/1/<n>``.
    """

    desk: Desk
    api_keys: frozenset[str] = attrs.field(converter=_keys, factory=frozenset)
    region: str | None = None
    prefix: str = "/open311/v2"
    lang: str = "id"
    body_max_bytes: int = BODY_MAX_BYTES
    contact: str | None = None
    key_service: str | None = None
    blobs: BlobStore | None = None
    upload_limits: UploadLimits | None = None
    upload_body_max_bytes: int = 26 * 1024 * 1024
    public_url: str | None = attrs.field(default=None, converter=_public_url)
    _started: datetime | None = attrs.field(default=None, init=False, repr=False)
    _names: dict[tuple[str, str], str] = attrs.field(factory=dict, init=False, repr=False)

    # WSGI -----------------------------------------------------------------------------------

    def __call__(
        self, environ: Mapping[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Answer one request."""
        path = str(environ.get("PATH_INFO") or "/")
        fmt = "xml" if path.endswith(".xml") else "json"
        media = MEDIA_PATH.match(path[len(self.prefix) :]) if path.startswith(self.prefix) else None
        if media is not None and self.blobs is not None:
            found = None
            if str(environ.get("REQUEST_METHOD", "GET")).upper() in ("GET", "HEAD"):
                found = self._public_file(**media.groupdict())
            return serve_file(environ, start_response, found)
        try:
            status, document, payload, fmt = self._dispatch(environ, path)
        except (Open311Error, RequestBodyError) as exc:
            status, document, payload = exc.status, "errors", error_items(exc.status, str(exc))
        except NotFoundError as exc:
            status, document, payload = 404, "errors", error_items(404, str(exc))
        except Sp4nError as exc:
            status, document, payload = 400, "errors", error_items(400, str(exc))
        content_type, body = encode(document, payload, fmt)
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Access-Control-Allow-Origin", "*"),
        ]
        if status == 405:
            headers.append(("Allow", _allowed(path)))
        start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
        return [body]

    def _is_discovery(self, path: str) -> bool:
        parent = self.prefix.rsplit("/", 1)[0]
        return path in (f"{parent}/discovery.json", f"{parent}/discovery.xml")

    def _dispatch(self, environ: Mapping[str, Any], path: str) -> tuple[int, str, Any, str]:
        if self._is_discovery(path):
            path = self.prefix + path[path.rindex("/") :]
        if not path.startswith(self.prefix + "/"):
            raise Open311Error(
                "path", path, f"not found; the API lives under {self.prefix}/", status=404
            )
        match = _PATH.match(path[len(self.prefix) :])
        if match is None:
            raise Open311Error("path", path, "no such GeoReport v2 resource", status=404)
        collection, key, fmt = match.group("collection", "key", "fmt")
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        if collection == "requests" and key is None and method == "POST":
            params, files = self._read_form(environ)
            params = _with_header_key(params, environ.get("HTTP_X_API_KEY"))
            created = self._create(parse_new_request(params), files)
            return 201, "created", created, fmt
        if method not in ("GET", "HEAD"):
            raise Open311Error("method", method, f"not allowed on {path}", status=405)
        if collection == "discovery":
            if key is not None:
                raise Open311Error("path", path, "no such GeoReport v2 resource", status=404)
            return 200, "discovery", self.discovery(environ), fmt
        params = parse_params(str(environ.get("QUERY_STRING") or ""))
        self._check_jurisdiction(params.get("jurisdiction_id"))
        if collection == "services":
            if key is None:
                return 200, "services", self.services(), fmt
            return 200, "definition", self.definition(key), fmt
        if key is None:
            return 200, "requests", self.requests(parse_query(params)), fmt
        return 200, "requests", [self.request(key)], fmt

    def _read_form(self, environ: Mapping[str, Any]) -> tuple[dict[str, str], tuple[Upload, ...]]:
        """The POST form: URL-encoded text, or multipart with ``media`` files (a blob store)."""
        content_type = str(environ.get("CONTENT_TYPE") or "")
        if not content_type.lower().startswith("multipart/form-data"):
            _check_form(environ)
            return parse_params(read_body(environ, limit=self.body_max_bytes)), ()
        if self.blobs is None:
            raise Open311Error(
                "Content-Type",
                content_type[:80],
                "this endpoint stores no files: send media_url in a form-encoded POST",
            )
        form = parse_multipart(read_body(environ, limit=self.upload_body_max_bytes), content_type)
        for upload in form.files:
            if upload.field != "media":
                raise Open311Error(upload.field, upload.filename, "files go in the field media")
        return form.fields, form.files

    def _public_file(self, ref: str, seq: str, index: str) -> tuple[Attachment, bytes] | None:
        """The file the public may get at ``media/<ref>/<seq>/<index>`` (decision 0194)."""
        from sp4n.adapters.blobs import public_file

        try:
            complaint = self.desk.get(ref)
        except (NotFoundError, InvalidInputError):
            return None
        if self.blobs is None or not self._serves(complaint.region):
            return None
        return public_file(complaint, int(seq), int(index), self.blobs)

    def _media_url(self, tracking_id: str, url: object, file: object) -> str | None:
        """A ``media_url`` kept as sent, else the public address of an uploaded file."""
        if isinstance(url, str):
            return url
        if self.public_url is None or self.blobs is None or not isinstance(file, int):
            return None
        return f"{self.public_url}{self.prefix}/media/{tracking_id}/1/{file}"

    # Resources ------------------------------------------------------------------------------

    def discovery(self, environ: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The Service Discovery document: this endpoint, its formats and ``changeset``.

        ``changeset`` is when this application was first asked (its service definitions are
        read when it starts, so they cannot have changed since), on the Desk's clock.
        """
        if self._started is None:
            self._started = self.desk.clock()
        changeset = (
            self._started.astimezone(ZoneInfo("UTC"))
            .replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z")
        )
        url = self.prefix
        if environ is not None and environ.get("HTTP_HOST"):
            scheme = str(environ.get("wsgi.url_scheme") or "http")
            url = f"{scheme}://{environ['HTTP_HOST']}{self.prefix}"
        return {
            "changeset": changeset,
            "contact": self.contact,
            "key_service": self.key_service,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url,
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }

    def services(self) -> list[dict[str, Any]]:
        """Every topic as a GeoReport service."""
        affairs = self.desk.router.affairs
        return [
            ordered(
                {
                    "service_code": topic.id,
                    "service_name": topic.name if self.lang == "id" else topic.name_en,
                    "description": topic.name_en if self.lang == "id" else topic.name,
                    "metadata": bool(topic.attributes),
                    "type": "realtime",
                    "keywords": ",".join(topic.attributes),
                    "group": ",".join(level.value for level in affairs.levels(topic.id)) or None,
                },
                SERVICE_FIELDS,
            )
            for topic in sorted(affairs.topics.values(), key=lambda t: t.id)
        ]

    def definition(self, service_code: str) -> dict[str, Any]:
        """A topic's attributes as a GeoReport service definition."""
        topic = self._topic(service_code)
        attributes = [
            ordered(
                {
                    "variable": True,
                    "code": attribute.key,
                    "datatype": "singlevaluelist",
                    "required": attribute.required,
                    "datatype_description": None,
                    "order": order,
                    "description": attribute.name if self.lang == "id" else attribute.name_en,
                    "values": [{"key": value, "name": value} for value in attribute.values],
                },
                DEFINITION_FIELDS,
            )
            for order, attribute in enumerate(topic.attributes.values(), start=1)
        ]
        return {"service_code": topic.id, "attributes": attributes}

    def requests(self, query: RequestQuery) -> list[dict[str, Any]]:
        """Service requests matching ``query``: published complaints only (public or
        anonymous and forwarded, :func:`sp4n.lifecycle.publication`, decision 0151).

        Without dates the window is the last :data:`LIST_DAYS` days of ``requested_datetime``;
        at most :data:`LIST_MAX` requests are returned, newest activity first.
        """
        if query.service_request_ids:
            found = []
            for ref in query.service_request_ids[:LIST_MAX]:
                try:
                    found.append(self.request(ref))
                except (NotFoundError, Open311Error):
                    continue
            return found
        start = query.start_date
        if start is None and query.end_date is None:
            start = self.desk.clock() - timedelta(days=LIST_DAYS)
        topic = query.service_code
        if topic is not None:
            # an alias (e.g. the Indonesian word) lists the topic it names; unknown: nothing
            with contextlib.suppress(NotFoundError):
                topic = self.desk.router.affairs.topic(topic).id
        rows = query_rows(
            self.desk.store,
            RowQuery(
                region_prefix=self.region,
                topic=topic,
                statuses=_PUBLISHED if query.status is None else _LISTED_STATUSES[query.status],
                visibilities=_LISTED,
                submitted_from=start,
                submitted_until=query.end_date,
                newest_first=True,
                limit=LIST_MAX,
            ),
        )
        return [self.listed(row) for row in rows]

    def listed(self, row: ComplaintRow) -> dict[str, Any]:
        """The GeoReport view of a projection row, without replaying events (decision 0063).

        Equal to :meth:`item` except ``expected_datetime``, which is the deadline running
        at the complaint's last change. A row written before schema 3 is replayed instead.
        """
        data = row.listing
        if not data or row.submitted_at is None:
            return self.request(row.complaint_id)
        tz = _zone(row.region)
        label = _label(row.status, self.lang)
        expected = data.get("expected_at")
        notice = _with_estimate(label, bool(data.get("expected_provisional")), self.lang)
        # built in REQUEST_FIELDS order directly: this runs up to LIST_MAX times per answer
        return {
            "service_request_id": row.tracking_id,
            "status": _open_or_closed(row.status),
            "status_notes": data.get("status_notes") or label,
            "service_name": self._service_name(row.topic),
            "service_code": row.topic,
            "description": data.get("description"),
            "agency_responsible": self._agency_name(row.agency),
            "service_notice": notice,
            "requested_datetime": row.submitted_at.astimezone(tz),
            "updated_datetime": row.updated_at.astimezone(tz),
            "expected_datetime": (
                datetime.fromisoformat(expected).astimezone(tz) if expected else None
            ),
            "address": data.get("address"),
            "address_id": None,
            "zipcode": None,
            "lat": data.get("lat"),
            "long": data.get("lon"),
            "media_url": self._media_url(
                row.tracking_id, data.get("media_url"), data.get("media_file")
            ),
        }

    def request(self, ref: str) -> dict[str, Any]:
        """One service request by tracking id; confidential ones do not exist here, and one
        not (or no longer) published shows its status only (decision 0151).

        An unknown id, a confidential complaint and one outside the served region get the
        same 404, so the answer never tells a hidden complaint from a missing one.
        """
        try:
            complaint = self.desk.get(ref)
        except (NotFoundError, InvalidInputError):
            complaint = None
        if (
            complaint is None
            or publication(complaint) is Publication.HIDDEN
            or not self._serves(complaint.region)
        ):
            raise Open311Error("service_request_id", ref, "no such service request", status=404)
        return self.item(complaint)

    def item(self, complaint: Complaint) -> dict[str, Any]:
        """The GeoReport view of one complaint: no reporter identity, ever.

        A complaint that is not published (:func:`sp4n.lifecycle.publication`) shows its
        status and dates only: no description, notes, address or position.
        """
        tz = self.desk.rules.calendar_for(complaint).timezone
        published = publication(complaint) is Publication.PUBLISHED
        agency = self._agency_name(complaint.agency)
        notes = next(
            (
                str(e.payload.get("text"))
                for e in reversed(complaint.history)
                if e.type == "followed_up" and e.payload.get("text")
            ),
            complaint.status.label_in(self.lang),
        )
        expected = expected_deadline(self.desk.rules.clocks(complaint, now=self.desk.clock()))
        notice = _with_estimate(
            complaint.status.label_in(self.lang),
            expected is not None and expected.provisional,
            self.lang,
        )
        location = complaint.location if published else None
        if not published:
            notes = complaint.status.label_in(self.lang)
        service_name = self._service_name(complaint.topic)
        return ordered(
            {
                "service_request_id": complaint.tracking_id,
                "status": _open_or_closed(complaint.status.value),
                "status_notes": notes,
                "service_name": service_name,
                "service_code": complaint.topic,
                "description": complaint.body if published else None,
                "agency_responsible": agency,
                "service_notice": notice,
                "requested_datetime": complaint.submitted_at.astimezone(tz),
                "updated_datetime": complaint.history[-1].occurred_at.astimezone(tz),
                "expected_datetime": None if expected is None else expected.due_at.astimezone(tz),
                "address": None if location is None else location.address,
                "address_id": None,
                "zipcode": None,
                "lat": None if location is None else location.lat,
                "long": None if location is None else location.lon,
                "media_url": self._media_url(
                    complaint.tracking_id, media_url_of(complaint), media_file(complaint)
                ),
            },
            REQUEST_FIELDS,
        )

    # Helpers ----------------------------------------------------------------------------------

    def _agency_name(self, agency: str | None) -> str | None:
        if agency is None:
            return None
        name = self._names.get(("agency", agency))
        if name is None:
            try:
                name = self.desk.router.directory.get(agency).name
            except NotFoundError:
                name = agency
            self._names[("agency", agency)] = name
        return name

    def _service_name(self, topic: str) -> str:
        name = self._names.get(("topic", topic))
        if name is None:
            try:
                name = self.desk.router.affairs.topic(topic).name
            except NotFoundError:
                name = topic
            self._names[("topic", topic)] = name
        return name

    def _serves(self, region: str) -> bool:
        return self.region is None or (region + ".").startswith(self.region + ".")

    def _topic(self, code: str) -> Topic:
        try:
            return self.desk.router.affairs.topic(code)
        except NotFoundError:
            raise Open311Error("service_code", code, "no such service", status=404) from None

    def _check_jurisdiction(self, jurisdiction: str | None) -> str | None:
        if jurisdiction is None:
            return self.region
        try:
            region = get_region(jurisdiction)
        except InvalidInputError as exc:
            raise Open311Error("jurisdiction_id", jurisdiction, exc.rule) from None
        except NotFoundError:
            raise Open311Error(
                "jurisdiction_id", jurisdiction, "no such jurisdiction", status=404
            ) from None
        if not self._serves(region.code):
            raise Open311Error(
                "jurisdiction_id",
                jurisdiction,
                f"this endpoint serves {self.region} only",
                status=404,
            )
        return region.code

    def _create(self, request: NewRequest, files: tuple[Upload, ...] = ()) -> list[dict[str, Any]]:
        given = request.api_key.encode("utf-8", "surrogatepass")  # bytes: any key compares
        if not any(hmac.compare_digest(given, _key_bytes(key)) for key in self.api_keys):
            raise Open311Error("api_key", "***", "is not valid for this endpoint", status=403)
        region = self._check_jurisdiction(request.jurisdiction_id)
        if region is None:
            raise Open311Error("jurisdiction_id", None, "is required by this endpoint")
        topic = self._topic(request.service_code)
        attributes = topic.validate(dict(request.attributes))
        for code, attribute in topic.attributes.items():
            if attribute.required and code not in attributes:
                raise Open311Error(
                    f"attribute[{code}]",
                    None,
                    f"is required by service {topic.id!r} (its definition marks it required); "
                    f"one of: {', '.join(attribute.values)}",
                )
        description = request.description
        if description is None:
            raise Open311Error("description", None, "is required to describe the complaint")
        extra = []
        if request.address_string and request.lat is None:
            extra.append(f"Alamat: {request.address_string}")
        if attributes:
            extra.append("Atribut: " + ", ".join(f"{k}={v}" for k, v in sorted(attributes.items())))
        body = "\n\n".join([description, *extra])
        name = " ".join(p for p in (request.first_name, request.last_name) if p) or None
        # the client application vouches for its account ids (it holds the api_key); anyone
        # else is a guest with an identity of their own (decision 0131)
        guest = None if request.account_id else new_guest("open311")
        reporter_id = f"open311:{request.account_id}" if guest is None else guest.reporter_id
        location = None
        if request.lat is not None and request.long is not None:
            location = {"lat": request.lat, "lon": request.long, "address": request.address_string}
        draft = ComplaintDraft(
            kind="pengaduan",
            title=title_from(description),
            body=body,
            region=region,
            topic=topic.id,
            channel="open311",
            reporter=Reporter(id=reporter_id, name=name, email=request.email, phone=request.phone),
            location=location,
            attachments=[_media(request.media_url)] if request.media_url else (),
        )
        if files and self.blobs is not None:  # checked draft first: no blob for a refused one
            from sp4n.adapters.blobs import accept_uploads

            uploaded = accept_uploads(
                self.blobs, [(f.filename, f.data) for f in files], limits=self.upload_limits
            )
            draft = attrs.evolve(draft, attachments=(*draft.attachments, *uploaded))
        complaint = self.desk.submit(draft)
        notice = _receipt(self.desk.rules.policy_for(complaint), self.lang)
        return [
            {
                "service_request_id": complaint.tracking_id,
                "service_notice": notice,
                "account_id": request.account_id,
                **({} if guest is None else {"token": guest.token}),
            }
        ]


_CLOSED = tuple(sorted(s.value for s in CLOSED_STATUSES))
_STATUSES = {
    "closed": _CLOSED,
    "open": tuple(s.value for s in Status if s.value not in _CLOSED),
}
_LISTED = tuple(sorted(v.value for v in PUBLISHED_VISIBILITIES))
"""Visibilities GeoReport lists show: the published ones (never confidential)."""
_PUBLISHED = tuple(sorted(s.value for s in PUBLISHED_STATUSES))
_LISTED_STATUSES = {
    key: tuple(s for s in _PUBLISHED if s in group) for key, group in _STATUSES.items()
}
"""Statuses GeoReport lists show, per ``status`` filter: published ones only (decision 0151)."""


VERIFICATION_RULE = "T1"
"""The rule whose length the receipt of a new report states (T1, verification, in ``lapor``)."""


def _receipt(policy: Policy, lang: str) -> str:
    """The receipt of a new report: the verification length is read from ``policy``."""
    rule = next((r for r in policy.rules if r.id == VERIFICATION_RULE), None)
    if rule is None:
        return text("open311.receipt_plain", lang)
    unit = text(f"unit.{rule.unit.value}", lang)
    return text("open311.receipt", lang, days=rule.length, unit=unit)


def _with_estimate(label: str, provisional: bool, lang: str) -> str:
    """The status label, plus "perkiraan" when ``expected_datetime`` rests on an estimate
    (decision 0154)."""
    if not provisional:
        return label
    return f"{label} ({text('open311.estimate', lang)})"


def _open_or_closed(status: str) -> str:
    return "closed" if status in _CLOSED else "open"


@functools.cache
def _label(status: str, lang: str) -> str:
    try:
        return Status(status).label_in(lang)
    except ValueError:
        return status


@functools.cache
def _zone(region: str) -> ZoneInfo:
    try:
        return province_timezone(region)
    except Sp4nError:
        return ZoneInfo("Asia/Jakarta")


def _check_form(environ: Mapping[str, Any]) -> None:
    content_type = str(environ.get("CONTENT_TYPE") or "application/x-www-form-urlencoded")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise Open311Error(
            "Content-Type",
            content_type,
            "POST requests are form-encoded (application/x-www-form-urlencoded)",
        )


def _with_header_key(params: dict[str, str], header: object) -> dict[str, str]:
    """Take the API key from ``X-API-Key`` when the form has none; both must then agree."""
    if header is None or not str(header).strip():
        return params
    key = str(header).strip()
    given = params.get("api_key")
    if given is not None and given.strip() and not hmac.compare_digest(given.strip(), key):
        raise Open311Error(
            "api_key", "***", "differs from the X-API-Key header; send the key once", status=403
        )
    return {**params, "api_key": key}


def _allowed(path: str) -> str:
    return (
        "GET, HEAD, POST"
        if path.rstrip("/").endswith(("/requests.json", "/requests.xml"))
        else "GET, HEAD"
    )


def _media(url: str) -> Attachment:
    """A ``media_url`` kept as an attachment addressed by the URL (the bytes stay there)."""
    if not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise Open311Error("media_url", url[:80], "must be an http:// or https:// URL")
    name = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or "media"
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Attachment(name=name[:200], media_type=media_type, size_bytes=0, ref=url)


def media_url_of(complaint: Complaint) -> str | None:
    """The first attachment of ``complaint`` addressed by an http(s) URL (GeoReport media_url)."""
    return next(
        (
            a.ref
            for a in complaint.attachments
            if a.ref and a.ref.startswith(("http://", "https://"))
        ),
        None,
    )
