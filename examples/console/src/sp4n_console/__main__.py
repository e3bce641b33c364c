"""``python -m sp4n_console``: serve the console, or add an officer to the officers file.

    python -m sp4n_console serve --db sqlite:///sp4n.db --officers officers.json [--port 8312]
    python -m sp4n_console add-officer --officers officers.json --id ID --name NAME \\
        --role admin|liaison|supervisor|unit [--agency ID] [--unit ID] [--region CODE] \\
        [--password-stdin]

Bad input exits 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import Any

from sp4n.errors import Sp4nError
from sp4n_console._officers import Officer, OfficerBook, hash_password

__all__ = ["main", "serve"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2
        sys.stderr.write(f"sp4n-console: {message}\n")
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sp4n_console", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("serve", help="serve the console on the server of sp4n serve (waitress)")
    run.add_argument("--db", default="sqlite:///sp4n.db", help="store URL (default %(default)s)")
    run.add_argument("--officers", required=True, help="the officers JSON file")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8312)
    run.add_argument("--secure-cookie", action="store_true", help="behind TLS: Secure cookie")
    add = sub.add_parser(
        "add-officer", help="add an officer (the password is read, never an argument)"
    )
    add.add_argument(
        "--officers", required=True, help="the officers JSON file (created if missing)"
    )
    add.add_argument("--id", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=("admin", "liaison", "supervisor", "unit"))
    add.add_argument("--agency")
    add.add_argument("--unit", help="the work unit of a unit officer (in the directory)")
    add.add_argument("--region")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    return parser


def serve(app: Any, desk: Any, host: str, port: int) -> None:
    """Serve ``app`` on the production server of ``sp4n serve`` (:class:`sp4n.serving.Server`:
    waitress with channel timeouts, an access log, ``/healthz`` over the store), until SIGTERM
    or Ctrl+C, which finish the requests in flight first."""
    import signal

    from sp4n import serving

    site = serving.with_access_log(serving.with_health(app, desk))
    server = serving.Server(site, serving.ServeSettings(host=host, port=port))
    previous = {
        signum: signal.signal(signum, lambda *_: server.stop())
        for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        server.serve_forever()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "add-officer":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            else:
                password = getpass.getpass("Kata sandi / password: ")
            book = OfficerBook.load(args.officers)
            officer = Officer.build(
                id=args.id,
                name=args.name,
                role=args.role,
                agency=args.agency,
                unit=args.unit,
                region=args.region,
                password_hash=hash_password(password),
            )
            book.add(officer).save(args.officers)
            print(f"{officer.id}: {officer.role.value} added to {args.officers}")
            return 0
        if not 0 < args.port < 65536:
            raise Sp4nError(f"port = {args.port}: must be 1..65535")
        from sp4n import Desk
        from sp4n_console._app import make_app

        book = OfficerBook.load(args.officers)
        desk = Desk.open(args.db)
        app = make_app(desk, officers=book, secure_cookie=args.secure_cookie)
        print(f"sp4n console on http://{args.host}:{args.port}/ ({len(book)} officers)")
        try:
            serve(app, desk, args.host, args.port)
        finally:
            desk.close()
        return 0
    except (Sp4nError, OSError) as error:
        sys.stderr.write(f"sp4n-console: {str(error).splitlines()[0]}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
