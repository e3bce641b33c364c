"""Checks on text where it enters sp4n: no NUL, no control characters, no lone surrogates.

Every store, every answer format and every notifier can then carry the text as it is:
PostgreSQL refuses NUL in text columns, UTF-8 cannot encode a lone surrogate and XML 1.0
cannot carry most C0 control characters (decision 0140).
"""

from __future__ import annotations

import re

from sp4n.errors import InvalidInputError

__all__ = ["XML_UNSAFE", "check_clean", "fold", "xml_safe"]

# C0 controls except tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_UNSAFE = _UNSAFE
"""Characters XML 1.0 cannot carry (section 2.2, ``Char``); also what :func:`check_clean`
refuses in input."""


def check_clean(field: str, value: str) -> str:
    """Return ``value`` if it holds no NUL, control character or lone surrogate; else raise.

    Tab, line feed and carriage return pass; whether a field may span lines is the
    caller's rule.

    >>> check_clean("title", "Jalan rusak")
    'Jalan rusak'
    >>> check_clean("title", "Jalan\\x00rusak")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sp4n.errors.InvalidInputError: title = 'Jalan\\x00rusak': must not contain U+0000...
    """
    found = _UNSAFE.search(value)
    if found is not None:
        raise InvalidInputError(
            field,
            value if len(value) <= 60 else f"{value[:60]}... ({len(value)} chars)",
            f"must not contain U+{ord(found.group()):04X} (position {found.start()}); "
            "text may hold no NUL, control characters (U+0000-U+001F but tab and line "
            "breaks) or lone surrogates",
        )
    return value


def xml_safe(text: str) -> str:
    """Replace each character XML 1.0 cannot carry with U+FFFD, the replacement character."""
    return _UNSAFE.sub("\ufffd", text)


def fold(text: str) -> str:
    """The one case-insensitive form every store matches titles with: :meth:`str.casefold`."""
    return text.casefold()
