"""What a citizen reads when a complaint form is refused: Indonesian (or English) sentences.

The typed errors name the field, the value and the rule for developers
(``region = None: is required``); a citizen on a phone needs to know which box to fix and
how. :func:`form_message` turns an error of the form's intake into that: a label per field
and, per field, a sentence chosen by a word of the rule. The words themselves are in the text
catalogue (:mod:`sp4n.texts`, ``form.*``); this module holds which field and rule word picks
which text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sp4n.errors import Sp4nError
from sp4n.texts import text

__all__ = [
    "FORM_LABELS",
    "FORM_MESSAGES",
    "VISIBILITY_LABELS",
    "form_message",
    "visibility_choices",
]


def _slug(name: str) -> str:
    """The catalogue key part of a field or rule word: ``reporter.email`` -> ``reporter_email``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "any"


def _pair(key: str) -> tuple[str, str]:
    return text(key, "id"), text(key, "en")


_VISIBILITIES = ("public", "anonymous", "confidential")
_FIELDS = (
    "title",
    "body",
    "region",
    "topic",
    "visibility",
    "kind",
    "reporter.name",
    "reporter.email",
    "reporter.phone",
    "lat",
    "lon",
    "Content-Length",
    "form",
    "ref",
    "tracking_id",
    "attachment.media_type",
    "attachment.size_bytes",
    "attachment.name",
    "files",
)
_RULES: tuple[tuple[str, str], ...] = (
    ("attachment.media_type", "anonymous"),
    ("attachment.media_type", ""),
    ("attachment.size_bytes", "empty"),
    ("attachment.size_bytes", "at most"),
    ("attachment.name", ""),
    ("files", ""),
    ("title", "empty"),
    ("title", ""),
    ("body", "empty"),
    ("body", ""),
    ("region", "outside"),
    ("region", "required"),
    ("region", ""),
    ("topic", ""),
    ("visibility", ""),
    ("kind", ""),
    ("reporter.email", ""),
    ("reporter.phone", ""),
    ("reporter.name", ""),
    ("Content-Length", ""),
    ("ref", ""),
    ("tracking_id", ""),
    ("form", ""),
)
"""``(field, word of the rule)``: the first row whose field matches and whose word appears in
the error's rule (``""``: any rule) gives the sentence ``form.message.<field>.<word>``."""

VISIBILITY_LABELS: Mapping[str, tuple[str, str]] = {
    value: _pair(f"form.visibility.{value}") for value in _VISIBILITIES
}
"""The form's choice of how the reporter is shown (regulation.md §5), per visibility."""


def visibility_choices(lang: str = "id") -> list[tuple[str, str]]:
    """``(value, label)`` of each visibility a reporter may choose, for a form's select."""
    return [(value, labels[lang == "en"]) for value, labels in VISIBILITY_LABELS.items()]


FORM_LABELS: Mapping[str, tuple[str, str]] = {
    field: _pair(f"form.label.{_slug(field)}") for field in _FIELDS
}
"""The form's label of each field an intake error may name (Indonesian, English)."""

FORM_MESSAGES: tuple[tuple[str, str, str, str], ...] = tuple(
    (field, word, *_pair(f"form.message.{_slug(field)}.{_slug(word)}")) for field, word in _RULES
)
"""``(field, word of the rule, Indonesian, English)``, in the order they are tried."""

_FALLBACK = _pair("form.message.fallback")


def form_message(error: Sp4nError, lang: str = "id") -> tuple[str, str]:
    """Return ``(label, sentence)`` a citizen understands for a refused complaint form.

    :param error: the typed error the intake raised (``WebFormChannel.parse``, the Desk).
    :param lang: ``"id"`` (default) or ``"en"``.
    """
    index = 1 if lang == "en" else 0
    field = str(getattr(error, "field", None) or "form").split("[", 1)[0]
    rule = str(getattr(error, "rule", None) or error)
    label = FORM_LABELS.get(field, (field, field))[index]
    for name, word, indonesian, english in FORM_MESSAGES:
        if name == field and word in rule:
            return label, (indonesian, english)[index]
    return label, _FALLBACK[index]
