"""The officers' console and the supervisors' dashboard on sp4n, as a WSGI application.

>>> from sp4n import Desk
>>> from sp4n_console import OfficerBook, make_app
>>> with Desk.open("memory://") as desk:
...     app = make_app(desk, officers=OfficerBook())
"""

from sp4n_console._app import COOKIE, FORM_MAX_BYTES, ConsoleApp, make_app
from sp4n_console._dashboard import Dashboard, bar_chart, build_dashboard, rate
from sp4n_console._officers import OFFICER_ROLES, Officer, OfficerBook, hash_password
from sp4n_console._queues import QUEUES, nearest_deadline, queues
from sp4n_console._sessions import SessionStore, Throttle
from sp4n_console._text import FOLLOW_UP_TEMPLATES

__all__ = [
    "COOKIE",
    "FOLLOW_UP_TEMPLATES",
    "FORM_MAX_BYTES",
    "OFFICER_ROLES",
    "QUEUES",
    "ConsoleApp",
    "Dashboard",
    "Officer",
    "OfficerBook",
    "SessionStore",
    "Throttle",
    "bar_chart",
    "build_dashboard",
    "hash_password",
    "make_app",
    "nearest_deadline",
    "queues",
    "rate",
]
