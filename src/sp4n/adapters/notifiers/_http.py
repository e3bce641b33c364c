"""Outgoing HTTP for notifiers: the proxy the environment names, and TLS that is verified.

Government networks reach the internet through a proxy. :func:`open_connection` follows the
environment the way ``curl`` and ``urllib`` do: ``HTTPS_PROXY`` for ``https://`` URLs (a
``CONNECT`` tunnel, so TLS runs end to end with the receiver), ``HTTP_PROXY`` for
``http://`` ones (the request in absolute form), ``NO_PROXY`` for hosts reached directly;
lower-case names too. TLS always verifies the certificate and the host name, against the
system's CA bundle or the PEM file ``ca_file`` names (a private government CA).

References:
    - RFC 9110 section 9.3.6 (CONNECT) [read]; Python ``urllib.request.getproxies`` and
      ``proxy_bypass_environment`` (the environment variables' reading) [read].
"""

from __future__ import annotations

import base64
import http.client
import ssl
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sp4n.errors import InvalidInputError

__all__ = ["open_connection", "proxy_for", "tls_context"]


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """A client TLS context that verifies certificates and host names.

    :param ca_file: a PEM file of the CAs to trust instead of the system's bundle.
    :raises InvalidInputError: ``ca_file`` cannot be read as certificates.
    """
    if ca_file is not None and not Path(ca_file).is_file():
        raise InvalidInputError("settings.ca_file", ca_file, "is not a readable file")
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (ssl.SSLError, OSError) as exc:
        raise InvalidInputError(
            "settings.ca_file", ca_file, f"cannot be read as PEM certificates: {exc}"
        ) from None


def _bypassed(host: str, no_proxy: str) -> bool:
    """``NO_PROXY`` as curl reads it: ``*``, or names matching the host or a parent domain
    (``pemda.go.id`` and ``.pemda.go.id`` both cover ``chat.pemda.go.id``); ports ignored."""
    host = host.lower().rstrip(".")
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        if entry == "*":
            return True
        name = entry.split("]")[0].lstrip("[") if entry.startswith("[") else entry.split(":")[0]
        name = name.lstrip(".").rstrip(".")
        if name and (host == name or host.endswith("." + name)):
            return True
    return False


def proxy_for(url: str) -> str | None:
    """The proxy URL the environment names for ``url``, or ``None`` to connect directly.

    ``HTTPS_PROXY`` for ``https://``, ``HTTP_PROXY`` for ``http://`` (lower-case names
    first, as ``urllib`` reads them), unless ``NO_PROXY`` covers the host.
    """
    parts = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    if _bypassed(parts.hostname or "", proxies.get("no", "")):
        return None
    return proxies.get(parts.scheme) or None


def open_connection(
    url: str, *, timeout: float, context: ssl.SSLContext | None = None
) -> tuple[http.client.HTTPConnection, str, dict[str, str]]:
    """A connection for requests to ``url``, through the environment's proxy if it names one.

    :returns: the (not yet connected) connection, the request target to send (a path, or the
        absolute URL through an ``http://`` proxy) and headers every request must carry
        (``Proxy-Authorization`` for a plain-HTTP proxy with credentials).
    :raises InvalidInputError: the proxy variable is not an ``http://host:port`` URL.
    """
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    host, port = parts.hostname or "", parts.port or (443 if secure else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = proxy_for(url)
    context = context if context is not None else (tls_context() if secure else None)
    connection: http.client.HTTPConnection
    if proxy is None:
        if secure:
            return (
                http.client.HTTPSConnection(host, port, timeout=timeout, context=context),
                path,
                {},
            )
        return http.client.HTTPConnection(host, port, timeout=timeout), path, {}
    via = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if via.scheme != "http" or not via.hostname:
        variable = "HTTPS_PROXY" if secure else "HTTP_PROXY"
        raise InvalidInputError(variable, proxy, "must be a proxy URL like http://proxy:3128")
    auth = {}
    if via.username:
        pair = f"{unquote(via.username)}:{unquote(via.password or '')}".encode()
        auth = {"Proxy-Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
    proxy_port = via.port or 8080
    if secure:
        connection = http.client.HTTPSConnection(
            via.hostname, proxy_port, timeout=timeout, context=context
        )
        connection.set_tunnel(host, port, headers=auth)
        return connection, path, {}
    connection = http.client.HTTPConnection(via.hostname, proxy_port, timeout=timeout)
    return connection, url, auth
