"""Sessions, CSRF tokens and login throttling, all timed by the Desk's clock.

A session is a random 256-bit id in an ``HttpOnly; SameSite=Strict`` cookie, mapped on the
server to the officer and a per-session CSRF token. Every visitor gets a session before the
login form (so the login POST carries a CSRF token too); signing in replaces the session id
(no fixation). Sessions end after ``idle`` without a request or ``lifetime`` after sign-in.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import threading
from collections import deque
from collections.abc import Callable

import attrs

__all__ = ["Session", "SessionStore", "Throttle"]


@attrs.define
class Session:
    """One browser's session: its CSRF token, the signed-in officer (if any) and its times."""

    id: str
    csrf: str
    created: dt.datetime
    seen: dt.datetime
    officer_id: str | None = None
    lang: str = "id"

    def csrf_ok(self, token: object) -> bool:
        """Whether ``token`` is this session's CSRF token (compared in constant time)."""
        return isinstance(token, str) and hmac.compare_digest(token, self.csrf)


class SessionStore:
    """Server-side sessions in memory (one console process), thread-safe."""

    def __init__(
        self,
        clock: Callable[[], dt.datetime],
        *,
        idle: dt.timedelta = dt.timedelta(minutes=30),
        lifetime: dt.timedelta = dt.timedelta(hours=8),
        limit: int = 10_000,
    ) -> None:
        self._clock = clock
        self.idle = idle
        self.lifetime = lifetime
        self._limit = limit
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def _alive(self, session: Session, now: dt.datetime) -> bool:
        return now - session.seen <= self.idle and now - session.created <= self.lifetime

    def get(self, session_id: str | None) -> Session | None:
        """The live session with ``session_id``, touched; ``None`` when unknown or expired."""
        if not session_id:
            return None
        now = self._clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if not self._alive(session, now):
                del self._sessions[session_id]
                return None
            session.seen = now
            return session

    def new(self, *, officer_id: str | None = None, lang: str = "id") -> Session:
        """A fresh session. Expired ones are dropped first; when full, the least recently seen
        visitor's (not signed in) goes, and a signed-in one only when there is no visitor."""
        now = self._clock()
        session = Session(
            id=secrets.token_urlsafe(32),
            csrf=secrets.token_urlsafe(32),
            created=now,
            seen=now,
            officer_id=officer_id,
            lang=lang,
        )
        with self._lock:
            for key in [k for k, s in self._sessions.items() if not self._alive(s, now)]:
                del self._sessions[key]
            while len(self._sessions) >= self._limit:  # a flood of visitors evicts visitors
                visitors = [k for k, s in self._sessions.items() if s.officer_id is None]
                pool = visitors or list(self._sessions)
                del self._sessions[min(pool, key=lambda k: self._sessions[k].seen)]
            self._sessions[session.id] = session
        return session

    def end(self, session_id: str) -> None:
        """Forget a session (sign-out)."""
        with self._lock:
            self._sessions.pop(session_id, None)


class Throttle:
    """At most ``attempts`` failed sign-ins per key (officer id, client address) per ``window``."""

    def __init__(
        self,
        clock: Callable[[], dt.datetime],
        *,
        attempts: int = 5,
        window: dt.timedelta = dt.timedelta(minutes=15),
        limit: int = 10_000,
    ) -> None:
        self._clock = clock
        self.limit = limit
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[dt.datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: dt.datetime) -> deque[dt.datetime]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        return failures

    def blocked_until(self, *keys: str) -> dt.datetime | None:
        """When the earliest of ``keys`` may try again, or ``None`` if none is blocked."""
        now = self._clock()
        with self._lock:
            ends = [
                failures[0] + self.window
                for key in keys
                if len(failures := self._recent(key, now)) >= self.attempts
            ]
        return max(ends) if ends else None

    def fail(self, *keys: str) -> None:
        """Record one failed attempt under each key."""
        now = self._clock()
        with self._lock:
            if len(self._failures) > self.limit:  # many distinct keys: drop the stale ones
                for key in [k for k in self._failures if not self._recent(k, now)]:
                    del self._failures[key]
            for key in keys:
                self._recent(key, now).append(now)

    def clear(self, key: str) -> None:
        """Forget the failures of ``key`` (after a successful sign-in)."""
        with self._lock:
            self._failures.pop(key, None)
