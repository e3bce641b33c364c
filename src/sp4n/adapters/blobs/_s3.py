"""An S3-compatible blob store (AWS S3, MinIO, Ceph, Garage, ...) through boto3.

URL: ``s3://[ACCESS_KEY:SECRET_KEY@]bucket[/prefix][?endpoint_url=...&region=...]``. Without
keys in the URL boto3's usual chain applies (``AWS_ACCESS_KEY_ID``, ``~/.aws``, an instance
role). Each blob is the object ``<prefix>/<64 hex digits>``; the bucket must exist. boto3 comes
with the ``s3`` extra (``pip install 'sp4n[s3]'``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sp4n.adapters._copy import redact_url
from sp4n.adapters.blobs._store import _check_bytes, blob_ref, check_blob, check_ref
from sp4n.errors import MalformedStoreUrlError, StoreUnavailableError

__all__ = ["S3BlobStore"]

_OPTIONS = frozenset({"endpoint_url", "region", "connect_timeout", "read_timeout"})


def _options(url: str) -> dict[str, str]:
    query = parse_qs(urlsplit(url).query, keep_blank_values=True)
    unknown = sorted(set(query) - _OPTIONS)
    if unknown:
        raise MalformedStoreUrlError(
            "blobs", redact_url(url), f"unknown options {unknown}; known: {sorted(_OPTIONS)}"
        )
    return {key: values[-1] for key, values in query.items()}


def _seconds(url: str, options: dict[str, str], key: str, default: float) -> float:
    text = options.get(key)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 600:
        raise MalformedStoreUrlError(
            "blobs", redact_url(url), f"{key} = {text!r}: must be seconds in (0, 600]"
        )
    return value


class S3BlobStore:
    """Blobs as objects in one S3 bucket, under an optional key prefix."""

    def __init__(self, url: str) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise StoreUnavailableError(
                redact_url(url), "boto3 is not installed", hint="pip install 'sp4n[s3]'"
            ) from None
        parts = urlsplit(url)
        self.url = redact_url(url)
        self.bucket = parts.hostname or ""
        if not self.bucket:
            raise MalformedStoreUrlError(
                "blobs", self.url, "an S3 blob store is s3://bucket[/prefix]"
            )
        prefix = unquote(parts.path).strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        options = _options(url)
        config = Config(
            connect_timeout=_seconds(url, options, "connect_timeout", 5.0),
            read_timeout=_seconds(url, options, "read_timeout", 60.0),
            retries={"max_attempts": 3, "mode": "standard"},
            signature_version="s3v4",
        )
        keys: dict[str, Any] = {}
        if parts.username is not None:
            keys = {
                "aws_access_key_id": unquote(parts.username),
                "aws_secret_access_key": unquote(parts.password or ""),
            }
        self._client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=options.get("endpoint_url") or None,
            region_name=options.get("region") or "us-east-1",
            config=config,
            **keys,
        )
        try:
            self._call("head_bucket", Bucket=self.bucket)
        except StoreUnavailableError:
            self._client.close()
            raise

    def _call(self, operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self._client, operation)(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if operation in ("get_object", "head_object") and code in (
                "NoSuchKey",
                "404",
                "NotFound",
            ):
                return None
            raise StoreUnavailableError(self.url, f"{operation} failed: {code or exc}") from None
        except BotoCoreError as exc:
            raise StoreUnavailableError(self.url, f"{operation} failed: {exc}") from None

    def _key(self, ref: str) -> str:
        return self.prefix + check_ref(ref).removeprefix("sha256:")

    def put(self, data: bytes) -> str:
        """Keep ``data`` as an object (skipped when it is there already); return its ref."""
        data = _check_bytes(data)
        ref = blob_ref(data)
        key = self._key(ref)
        if self._call("head_object", Bucket=self.bucket, Key=key) is None:
            self._call(
                "put_object",
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType="application/octet-stream",
            )
        return ref

    def get(self, ref: str) -> bytes:
        """Return the bytes of ``ref``, checked against it."""
        answer = self._call("get_object", Bucket=self.bucket, Key=self._key(ref))
        data = None if answer is None else answer["Body"].read()
        return check_blob(self.url, ref, data)

    def exists(self, ref: str) -> bool:
        """Whether ``ref`` is kept here."""
        return self._call("head_object", Bucket=self.bucket, Key=self._key(ref)) is not None

    def refs(self) -> Iterator[str]:
        """Every reference under the prefix, ascending (S3 lists keys in byte order)."""
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix}
            if token:
                kwargs["ContinuationToken"] = token
            page = self._call("list_objects_v2", **kwargs)
            for item in page.get("Contents", ()):
                name = item["Key"][len(self.prefix) :]
                if "/" not in name and len(name) == 64:
                    yield "sha256:" + name
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                return

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()
