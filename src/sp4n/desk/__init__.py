"""The Desk: one facade over the lifecycle, deadlines, routing, storage and notifications.

>>> from sp4n import Desk
>>> desk = Desk.open("memory://")
>>> desk.list()
[]
>>> desk.close()
"""

from sp4n.desk._desk import ADMIN, SUPERVISOR, Desk
from sp4n.desk._hours import SweepConfig
from sp4n.desk._inbound import Received
from sp4n.desk._notify import RECIPIENTS
from sp4n.desk._projection import DUE_STATUSES, next_due
from sp4n.desk._report import ComplianceReport, ComplianceRow
from sp4n.desk._retry import retry_on_conflict
from sp4n.desk._sweep import SweepReport

__all__ = [
    "ADMIN",
    "DUE_STATUSES",
    "RECIPIENTS",
    "SUPERVISOR",
    "ComplianceReport",
    "ComplianceRow",
    "Desk",
    "Received",
    "SweepConfig",
    "SweepReport",
    "next_due",
    "retry_on_conflict",
]
