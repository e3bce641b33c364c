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
from sp4n.serving._html import PAGE_CSS, options, page
from sp4n.serving._server import Server, ServeSettings, serving
from sp4n.serving._wsgi import HEALTH_PATH, health, with_access_log, with_health

__all__ = [
    "BODY_MAX_BYTES",
    "HEALTH_PATH",
    "PAGE_CSS",
    "ServeSettings",
    "Server",
    "application",
    "health",
    "options",
    "page",
    "read_body",
    "serving",
    "with_access_log",
    "with_health",
]


def application(environ: dict[str, str] | None = None) -> Any:
    """The ``sp4n serve`` site (Open311, status page, ``/healthz``) from environment settings.

    ``SP4N_DB`` (default ``sqlite:///sp4n.db``), ``SP4N_API_KEYS`` (comma-separated),
    ``SP4N_REGION`` (the portal's region code). For WSGI servers that import an application
    factory, e.g. gunicorn's ``'sp4n.serving:application()'``; the Desk stays open for the
    life of the process.
    """
    from sp4n.desk import Desk
    from sp4n.open311 import make_site
    from sp4n.regions import normalize_code

    env = os.environ if environ is None else environ
    region = env.get("SP4N_REGION") or None
    keys = [key.strip() for key in env.get("SP4N_API_KEYS", "").split(",") if key.strip()]
    code = None if region is None else normalize_code(region, field="SP4N_REGION")
    desk = Desk.open(env.get("SP4N_DB") or "sqlite:///sp4n.db")
    return make_site(desk, api_keys=keys, region=code)
