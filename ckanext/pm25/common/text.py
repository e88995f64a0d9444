"""Text a request carries that no part of the portal can store, query or write back: NUL
characters (PostgreSQL text cannot hold them) and unpaired UTF-16 surrogates (they have no UTF-8
form). Pure: no CKAN."""
from __future__ import annotations

import re

_UNWRITABLE = re.compile("[\\x00\\ud800-\\udfff]")


def has_unwritable(text: str) -> bool:
    return _UNWRITABLE.search(text) is not None


def shown(value: object, length: int = 40) -> str:
    """A value as a message may quote it: at most ``length`` characters, each unwritable one
    replaced by U+FFFD."""
    return _UNWRITABLE.sub("\ufffd", str(value)[:length])
