"""Input hygiene in one place: every text a request brings (query string, form, JSON)
loses NUL and the other characters XML cannot hold (they broke Word documents and
PostgreSQL text columns); integers read with `type=int` and URL `<int:…>` parts
outside the database's INTEGER range count as absent (404 for a URL), never a 500.
"""

from __future__ import annotations

import re

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER; ids, page numbers, amounts in yuan
# C0 controls except tab, LF, CR; DEL; the non-characters U+FFFE/U+FFFF; lone surrogates.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str) -> str:
    return _INVALID.sub("", value) if _INVALID.search(value) else value


def clean(value):
    """Strings cleaned, lists and dicts (keys too) walked; anything else as it is."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    return value


def in_range(number: int, low: int = -MAX_INT, high: int = MAX_INT) -> bool:
    return low <= number <= high


class CleanMultiDict(ImmutableMultiDict):
    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        items = (
            mapping.items(multi=True)
            if hasattr(mapping, "items") and not isinstance(mapping, dict)
            else (mapping.items() if isinstance(mapping, dict) else mapping)
        )
        super().__init__([(clean(k), clean(v)) for k, v in items])

    def get(self, key, default=None, type=None):  # noqa: A002  (werkzeug's signature)
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and value is not default and not in_range(value):
            return default
        return value


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict

    def get_json(self, force=False, silent=False, cache=True):
        return clean(super().get_json(force=force, silent=silent, cache=cache))


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` matches 0 … 2**31-1 only: a 30-digit id is not found, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register(app: Flask) -> None:
    app.request_class = CleanRequest
    app.url_map.converters["int"] = BoundedIntegerConverter
