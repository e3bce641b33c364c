"""How sure sp4n is of a cited fact: one type for SLA rules, routing rows and rules, overlays.

Every rule, deadline, routing fact and calendar overlay carries its citation and a
:class:`Certainty`, the [C]/[R]/[I] tags of regulation.md. Public as ``sp4n.sla.Certainty``
and ``sp4n.routing.Certainty`` (the same type; decision 0211).
"""

from __future__ import annotations

import enum

__all__ = ["Certainty"]


class Certainty(enum.StrEnum):
    """How sure sp4n is of a fact (the [C]/[R]/[I] tags of regulation.md).

    >>> Certainty("reported")
    <Certainty.REPORTED: 'reported'>
    """

    READ = "read"
    """[C] read in a regulation text or an official government page."""
    REPORTED = "reported"
    """[R] second-hand: news, summaries, local SOP pages."""
    INFERRED = "inferred"
    """[I] an inference or a recollection not checked against a text."""
