"""A real chat incoming-webhook server on 127.0.0.1 (standard library ``http.server``).

The example's tests do not import sp4n's own test helpers: a plugin author copies this file.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class ChatServer:
    """Records every POST; answers with scripted ``(status, delay)`` pairs, then 200 "ok"."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.script: list[tuple[int, float]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/hooks/sp4n-test"

    def answer(self, *steps: tuple[int, float]) -> None:
        """Answer the next requests with these ``(status, delay in seconds)`` pairs."""
        with self._lock:
            self.script.extend(steps)

    def texts(self) -> list[str]:
        return [str(request["json"].get("text")) for request in self.received]

    def _next(self) -> tuple[int, float]:
        with self._lock:
            return self.script.pop(0) if self.script else (200, 0.0)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                status, delay = server._next()
                with server._lock:
                    server.received.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "raw": raw,
                            "json": json.loads(raw.decode("utf-8")),
                            "status": status,
                        }
                    )
                if delay:
                    time.sleep(delay)
                answer = b"ok" if status < 300 else b"internal error"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:  # the client gave up waiting (the timeout test)
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    def start(self) -> ChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A chat webhook server running for one test."""
    server = ChatServer().start()
    try:
        yield server
    finally:
        server.stop()
