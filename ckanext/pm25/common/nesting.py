"""How deeply a JSON text nests its arrays and objects, counted without parsing it: Python's
parser and everything that walks a parsed value recurse once per level, so a body of 100,000
nested lists is a RecursionError, not a refusal. Pure: no CKAN."""
from __future__ import annotations

import re

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_OPENING = frozenset(b"[{")


def nested_deeper_than(text: str | bytes, limit: int) -> bool:
    """True when ``text`` opens more than ``limit`` arrays or objects inside one another
    (brackets inside JSON strings do not count)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for byte in _STRING.sub(b'""', data).translate(None, _NOT_BRACKETS):
        if byte in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth = max(depth - 1, 0)
    return False
