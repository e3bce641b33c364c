"""Helpers of the console tests: constants, a complaint filer, a served console, an HTTP client."""

from __future__ import annotations

import contextlib
import html
import importlib.util
import re
import sys
import threading
import urllib.error
import urllib.request
from email.message import Message
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import waitress

from sp4n import Desk
from sp4n.lifecycle import ComplaintDraft

if importlib.util.find_spec("sp4n_console") is None:  # not installed: test the source
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sp4n_console import OfficerBook, make_app

WIB = ZoneInfo("Asia/Pontianak")  # Kabupaten Bengkayang (61.07)
PASSWORD = "rahasia-yang-panjang"
AGENCY = "61.07-pupr"  # the router's answer for drainage in 61.07
REPORTER = {
    "id": "warga-7",
    "name": "Siti Rahayu",
    "email": "siti@example.org",
    "phone": "081234567890",
}


def file_complaint(desk: Desk, title: str = "Saluran tersumbat", **changes: Any) -> str:
    """Submit a complaint (drainage in 61.07 unless changed); returns its tracking id."""
    fields: dict[str, Any] = {
        "kind": "pengaduan",
        "title": title,
        "body": "Air meluap ke jalan setiap hujan.",
        "region": "61.07",
        "topic": "drainage",
        "channel": "web",
        "reporter": REPORTER,
    }
    fields.update(changes)
    return desk.submit(ComplaintDraft(**fields)).tracking_id


class Server:
    """A running console: ``url`` and a thread to stop."""

    def __init__(self, desk: Desk, officers: OfficerBook) -> None:
        self.app = make_app(desk, officers=officers)
        self.server = waitress.create_server(self.app, host="127.0.0.1", port=0, threads=2)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Finish the running requests, then stop listening and end the loop thread."""
        self.server.task_dispatcher.shutdown()

        def stop() -> None:  # runs in the loop thread, so no descriptor closes under select
            for channel in list(self.server._map.values()):
                channel.close()

        # the loop may have closed its wake-up pipe already: it is then ending by itself
        with contextlib.suppress(OSError):
            self.server.trigger.pull_trigger(stop)
        self.thread.join(timeout=5)
        assert not self.thread.is_alive(), "the server thread did not stop"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """An HTTP client with a cookie jar, as a browser would be (no redirects followed)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.csrf = ""

    def request(
        self, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Message, str]:
        data = None if form is None else urlencode(form).encode()
        req = urllib.request.Request(self.base + path, data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=20) as response:
                status, head, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                status, head, body = error.code, error.headers, error.read()
        text = body.decode()
        found = re.search(r'name="csrf" value="([^"]+)"', text)
        if found:
            self.csrf = html.unescape(found.group(1))
        return status, head, text

    def get(self, path: str) -> tuple[int, Message, str]:
        return self.request(path)

    def post(
        self, path: str, form: dict[str, str], *, csrf: bool = True
    ) -> tuple[int, Message, str]:
        return self.request(path, {**({"csrf": self.csrf} if csrf else {}), **form})

    def login(self, officer: str, password: str = PASSWORD) -> int:
        """Sign in; on success open the queue, as a browser following the redirect would
        (signing in issues a new session and so a new CSRF token)."""
        self.get("/masuk")
        status, _, _ = self.post("/masuk", {"officer": officer, "password": password})
        if status == 303:
            self.get("/antrean")
        return status
