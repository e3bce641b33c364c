"""A throw-away S3-compatible server for tests: moto's standalone server on 127.0.0.1.

The server runs in a child process that ends by itself when its parent dies, so a test session
killed before :meth:`TemporaryS3.stop` leaves nothing listening.

No MinIO server ships in a PyPI or Debian package, so the S3 tests run against
``moto[server]`` (the ``test`` extra installs it): a real S3 HTTP API in a child process,
reached by boto3 over TCP exactly as a MinIO or AWS endpoint is (decision 0191). Buckets and
objects live in that process's memory and go away with :meth:`TemporaryS3.stop`.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import uuid
from types import TracebackType
from typing import Any

from sp4n.errors import StoreUnavailableError

__all__ = ["TemporaryS3", "moto_server_available"]

_KEY = "sp4n-test"
"""Access key and secret of the test server (moto accepts any)."""


_SERVE = """
import os, sys, threading, time
parent = os.getppid()
def watch():  # a test session killed without stop() must not leave the server running
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
from moto.server import main
main(sys.argv[1:])
"""
"""The child process: moto's server, ending when the process that started it is gone."""


def moto_server_available() -> bool:
    """Whether ``moto[server]`` and boto3 are importable (located, not imported)."""
    return all(importlib.util.find_spec(name) is not None for name in ("moto", "flask", "boto3"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class TemporaryS3:
    """Start moto's server on a free port of 127.0.0.1; stop it when done."""

    def __init__(self, *, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TemporaryS3:
        """Start the server and wait (at most ``timeout`` seconds) until it answers."""
        self.port = _free_port()
        self._process = subprocess.Popen(
            [sys.executable, "-c", _SERVE, "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise StoreUnavailableError(self.endpoint_url, "the moto S3 server did not start")

    def client(self) -> Any:
        """A boto3 S3 client for this server (to create buckets, inspect objects)."""
        import boto3

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=_KEY,
            aws_secret_access_key=_KEY,
        )

    def create_bucket(self, name: str | None = None) -> str:
        """Create a bucket (a fresh random name by default); return its name."""
        bucket = name or f"sp4n-{uuid.uuid4().hex[:12]}"
        client = self.client()
        try:
            client.create_bucket(Bucket=bucket)
        finally:
            client.close()
        return bucket

    def url(self, bucket: str, prefix: str = "") -> str:
        """The ``s3://`` blob-store URL of ``bucket`` (and ``prefix``) on this server."""
        path = f"/{prefix.strip('/')}" if prefix.strip("/") else ""
        return f"s3://{_KEY}:{_KEY}@{bucket}{path}?endpoint_url={self.endpoint_url}"

    def stop(self) -> None:
        """Stop the server (terminate, then kill after 10 seconds)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> TemporaryS3:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
