"""One catalogue of the texts a citizen or an officer reads, in Indonesian and English.

The texts live in ``texts.toml`` beside this module, keyed ``"<area>.<name>"``
(``status.completed``, ``notification.forwarded``, ``sweep.breach``, ``open311.receipt``);
every key has an ``id`` and an ``en`` text with the same ``{placeholders}``. A text that
states a rule's length takes it as a placeholder that the caller reads from the policy in
force (decision 0213).

>>> text("status.completed")
'Selesai'
>>> text("status.completed", "en")
'Completed'
>>> text("open311.receipt", days=3, unit=text("unit.working_days"))
'Laporan diterima; verifikasi paling lama 3 hari kerja.'
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib.resources import files
from types import MappingProxyType

from sp4n.errors import InvalidInputError

__all__ = ["LANGUAGES", "catalogue", "placeholders", "text"]

LANGUAGES = ("id", "en")
"""The languages of every text: Indonesian first, English available."""


@cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Every text by key: ``{"status.completed": {"id": "Selesai", "en": "Completed"}, ...}``."""
    data = tomllib.loads(files("sp4n.texts").joinpath("texts.toml").read_text("utf-8"))
    flat: dict[str, Mapping[str, str]] = {}

    def walk(prefix: str, table: Mapping[str, object]) -> None:
        if "id" in table or "en" in table:
            flat[prefix] = MappingProxyType({lang: str(table[lang]) for lang in LANGUAGES})
            return
        for name, value in table.items():
            if isinstance(value, Mapping):
                walk(f"{prefix}.{name}" if prefix else name, value)

    walk("", data)
    return MappingProxyType(flat)


@lru_cache(maxsize=1024)
def placeholders(template: str) -> frozenset[str]:
    """The ``{names}`` a template expects (remembered: the catalogue's texts are few)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def text(key: str, lang: str = "id", /, **values: object) -> str:
    """The text ``key`` in ``lang`` (``"en"`` for English, Indonesian otherwise), filled in.

    :raises InvalidInputError: ``key`` is not in the catalogue (field ``key``), or a
        placeholder of the text has no value (field ``values``).
    """
    try:
        texts = catalogue()[key]
    except KeyError:
        raise InvalidInputError(
            "key", key, "must be a key of the text catalogue (src/sp4n/texts/texts.toml)"
        ) from None
    template = texts["en" if lang == "en" else "id"]
    missing = placeholders(template) - set(values)
    if missing:
        raise InvalidInputError(
            "values", sorted(values), f"text {key!r} needs {', '.join(sorted(missing))}"
        )
    return template.format(**values) if values else template
