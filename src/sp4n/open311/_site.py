"""The WSGI site ``sp4n serve`` runs: Open311 at ``/open311/v2/`` and a status page at ``/``."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from sp4n.errors import Sp4nError
from sp4n.lifecycle import Publication, Status, in_region, publication, published_view
from sp4n.open311._app import Open311App, StartResponse
from sp4n.serving._body import BODY_MAX_BYTES
from sp4n.serving._channels import mount_channels
from sp4n.serving._wsgi import with_health
from sp4n.texts import text

if TYPE_CHECKING:  # pragma: no cover
    from sp4n.adapters.blobs import BlobStore, UploadLimits
    from sp4n.adapters.channels import WebhookChannel
    from sp4n.desk import Desk

__all__ = ["make_site"]

_COUNT_CAP = 1000

_PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}</style>
</head><body><h1>{title}</h1>{content}
<p><small>Open311 GeoReport v2: <a href="/open311/v2/services.json">/open311/v2/services.json</a>
</small></p></body></html>"""


def _status_page(
    desk: Desk, query: Mapping[str, list[str]], region: str | None = None
) -> tuple[int, str]:
    label = f"{text('site.tracking_id')} / {text('site.tracking_id', 'en')}"
    parts = [
        f'<form method="get" action="/"><label>{html.escape(label)} '
        f'<input name="id" required></label> <button>{html.escape(text("site.track"))}'
        "</button></form>"
    ]
    status = 200
    ref = (query.get("id") or [""])[0].strip()
    if ref:
        try:
            complaint = desk.get(ref)
        except Sp4nError:
            complaint = None  # unknown, confidential, another region's: one answer
        if complaint is not None and not in_region(complaint.region, region):
            complaint = None
        # decision 0151: a published report shows its title; one not (or no longer)
        # published only its status; a confidential one does not exist here
        view = None if complaint is None else published_view(complaint)
        if complaint is None or publication(complaint) is Publication.HIDDEN:
            status = 404
            missing = text("site.not_found", ref="\0")  # the ref goes in bold, escaped
            before, after = (html.escape(part) for part in missing.split("\0"))
            parts.append(f"<p>{before}<b>{html.escape(ref)}</b>{after}</p>")
        elif view is None:
            parts.append(
                f"<p>{html.escape(complaint.tracking_id)}: "
                f"<b>{html.escape(complaint.status.label)}</b></p>"
            )
        else:
            parts.append(
                f"<h2>{html.escape(str(view.get('title')))}</h2>"
                f"<p>{html.escape(str(view.get('tracking_id')))}: "
                f"<b>{html.escape(str(view.get('status_label') or view.get('status')))}</b></p>"
            )
    counts = []
    for state in Status:
        rows = desk.list(status=state.value, region_prefix=region, limit=_COUNT_CAP + 1)
        number = len(rows)
        if number:
            shown = f"{_COUNT_CAP}+" if number > _COUNT_CAP else str(number)
            counts.append(f"<tr><td>{html.escape(state.label)}</td><td>{shown}</td></tr>")
    if counts:
        parts.append(
            f"<h2>{html.escape(text('site.by_status'))}</h2><table>"
            f"<tr><th>{html.escape(text('site.status'))}</th>"
            f"<th>{html.escape(text('site.count'))}</th></tr>" + "".join(counts) + "</table>"
        )
    return status, _PAGE.format(title="SP4N-LAPOR! sp4n", content="\n".join(parts))


def make_site(
    desk: Desk,
    *,
    api_keys: Iterable[str] = (),
    region: str | None = None,
    body_max_bytes: int = BODY_MAX_BYTES,
    channels: Mapping[str, WebhookChannel] | None = None,
    blobs: BlobStore | None = None,
    upload_limits: UploadLimits | None = None,
    upload_body_max_bytes: int = 26 * 1024 * 1024,
    public_url: str | None = None,
) -> Any:
    """Return the WSGI application of ``sp4n serve`` for ``desk``: Open311 under
    ``/open311/v2/`` (discovery at ``/open311/discovery.{json,xml}``), ``/healthz`` over the
    store (:func:`sp4n.serving.with_health`) and the status page at ``/``.

    With ``region``, the status page looks up and counts only that region's complaints. With
    ``blobs``, ``POST requests`` also takes ``media`` files (multipart/form-data), checked by
    ``upload_limits`` and stored there (decision 0192), and with ``public_url`` answered as
    ``media_url`` once published. ``channels`` (by mount name,
    :func:`sp4n.adapters.channels.load_channels`) are the two-way intake channels served at
    ``/channels/<name>`` (:func:`sp4n.serving.mount_channels`).
    """
    open311 = Open311App(
        desk,
        api_keys=api_keys,
        region=region,
        body_max_bytes=body_max_bytes,
        blobs=blobs,
        upload_limits=upload_limits,
        upload_body_max_bytes=upload_body_max_bytes,
        public_url=public_url,
    )

    def site(environ: Mapping[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "/")
        if path.startswith("/open311/"):
            return open311(environ, start_response)
        if path != "/":
            body = b"Not found"
            start_response(
                "404 Not Found",
                [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
            )
            return [body]
        query = parse_qs(str(environ.get("QUERY_STRING") or ""))
        status, page = _status_page(desk, query, open311.region)
        data = page.encode()
        start_response(
            "200 OK" if status == 200 else "404 Not Found",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))],
        )
        return [data]

    return with_health(
        mount_channels(site, desk, channels or {}, body_max_bytes=body_max_bytes), desk
    )
