"""Serving sp4n over HTTP: the production server (waitress), bounded request bodies,
``/healthz`` and the access log, shared by ``sp4n serve`` and the portal example.

Behind gunicorn instead of waitress, point it at :func:`application`, which reads the
same settings ``sp4n serve`` takes from the environment::

    SP4N_DB=postgresql://... SP4N_API_KEYS=kunci SP4N_REGION=61.07 \\
        gunicorn --workers 2 --threads 4 'sp4n.serving:application()'
"""

from __future__ import annotations

import os
from typing import Any

from sp4n.serving._body import BODY_MAX_BYTES, read_body
from sp4n.serving._channels import CHANNELS_PATH, mount_channels
from sp4n.serving._html import PAGE_CSS, options, page
from sp4n.serving._multipart import (
    MULTIPART_PARTS_MAX,
    FormData,
    Upload,
    parse_multipart,
    read_form,
)
from sp4n.serving._server import Server, ServeSettings, serving
from sp4n.serving._wsgi import HEALTH_PATH, health, with_access_log, with_health

__all__ = [
    "BODY_MAX_BYTES",
    "CHANNELS_PATH",
    "HEALTH_PATH",
    "MULTIPART_PARTS_MAX",
    "PAGE_CSS",
    "FormData",
    "ServeSettings",
    "Server",
    "Upload",
    "application",
    "health",
    "mount_channels",
    "options",
    "page",
    "parse_multipart",
    "read_body",
    "read_form",
    "serving",
    "with_access_log",
    "with_health",
]


def application(environ: dict[str, str] | None = None) -> Any:
    """The ``sp4n serve`` site (Open311, status page, ``/healthz``) from environment settings.

    ``SP4N_DB`` (default ``sqlite:///sp4n.db``), ``SP4N_API_KEYS`` (comma-separated),
    ``SP4N_REGION`` (the portal's region code), ``SP4N_BLOBS`` (a blob-store URL: POST
    requests then take ``media`` files), ``SP4N_PUBLIC_URL`` (the site's public address, for
    those files' ``media_url``), ``SP4N_UPLOAD_MAX_BYTES`` and ``SP4N_UPLOAD_TYPES`` (the
    upload limits, :class:`~sp4n.adapters.blobs.UploadLimits`). For WSGI servers that import
    an application factory, e.g. gunicorn's ``'sp4n.serving:application()'``; the Desk stays
    open for the life of the process.
    """
    from sp4n.desk import Desk
    from sp4n.open311 import make_site
    from sp4n.regions import normalize_code

    env = os.environ if environ is None else environ
    region = env.get("SP4N_REGION") or None
    keys = [key.strip() for key in env.get("SP4N_API_KEYS", "").split(",") if key.strip()]
    code = None if region is None else normalize_code(region, field="SP4N_REGION")
    from sp4n.adapters.blobs import UploadLimits, open_blob_store

    settings = {"SP4N_UPLOAD_MAX_BYTES": "max_bytes", "SP4N_UPLOAD_TYPES": "media_types"}
    limits = UploadLimits.from_settings(
        {key: env[name] for name, key in settings.items() if env.get(name)}
    )
    blobs = open_blob_store(env["SP4N_BLOBS"]) if env.get("SP4N_BLOBS") else None
    desk = Desk.open(env.get("SP4N_DB") or "sqlite:///sp4n.db")
    public_url = env.get("SP4N_PUBLIC_URL") or None
    try:
        return make_site(
            desk,
            api_keys=keys,
            region=code,
            blobs=blobs,
            upload_limits=limits,
            public_url=public_url,
        )
    except Exception:
        desk.close()
        raise
