"""What the fuzz suites (issue 13, "Guarded for good") share: the careless values they send,
hypothesis's bounded and derandomized settings, and the reading of a refusal's messages.

Each fuzz module counts the requests it sends (:class:`Sent`) and checks, when the module ends
after all its tests ran, that it sent at least its share of the 2,000 requests a CI run makes.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# What the issue 13 probe sent, and its neighbours: edges of dates, integers and text.
NASTY = [
    "", " ", "\t", "\x00", "L1\x00", "\ud800", "\udfff", "a\ud83d", "\ufffd", "\u202e", "ลำปาง", "TH-52", "52",
    "L1", "air4thai-l1", "pcd", "hour", "day", "true", "maybe", "0001-01-01", "9999-12-31T23:00:00-10:00",
    "0001-01-01T00:00:00+14:00", "2567-01-01", "2567-05-07T13:00:00+07:00", "2024-02-30", "2024-05-07T25:00",
    "1899-12-31T23:00:00Z", "2200-12-31T23:59:59-12:00", "99999999999999999999", "-1", "0", "1e400", "nan",
    "inf", "-0", "1.5", "0x10", "[]", "{}", "null", "%s", "%(max)s", "{0}", "'; select 1; --", "*:*",
    "99,18", "100,18,99,19", "-180,-90,180,90", "98.5,17.5,100.5,19.5", "a" * 5000, "L1," * 60,
]
TEXT = st.one_of(st.sampled_from(NASTY), st.text(st.characters(exclude_categories=()), max_size=30))
SCALAR = st.one_of(TEXT, st.integers(min_value=-(2**80), max_value=2**80), st.floats(), st.booleans(), st.none())
JSON_VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=3),
                          max_leaves=8)

_THAI = re.compile("[\u0e00-\u0e7f]+")


@dataclass
class Sent:
    """Requests sent by one fuzz module, and how many of its tests have run."""

    requests: int = 0
    tests: int = 0


class _LeftOut:
    def __repr__(self) -> str:
        return "<left out>"


LEFT_OUT = _LeftOut()  # a generated change that leaves its key out of the request


def applied(body: dict[str, Any], changed: dict[str, Any]) -> dict[str, Any]:
    """``body`` with the generated changes: a key set to its new value, or removed (``LEFT_OUT``)."""
    body = dict(body)
    for key, value in changed.items():
        if value is LEFT_OUT:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def quoted(text: str) -> str:
    """``text`` percent-encoded as UTF-8, unpaired surrogates included (as a careless client would)."""
    return urllib.parse.quote(text.encode("utf-8", "surrogatepass"), safe="")


def query(params: dict[str, str]) -> str:
    return "&".join(f"{quoted(key)}={quoted(value)}" for key, value in params.items())


def form_body(fields: list[tuple[str, str]]) -> str:
    """An ``application/x-www-form-urlencoded`` body of ``fields`` (a name may repeat)."""
    return "&".join(f"{quoted(name)}={quoted(value)}" for name, value in fields)


def messages(error: Any) -> list[str]:
    """Every message text in an action API error (a text, a list, a dict of them, nested)."""
    if isinstance(error, str):
        return [error]
    if isinstance(error, list):
        return [text for item in error for text in messages(item)]
    if isinstance(error, dict):
        return [text for key, item in error.items() if key != "__type" for text in messages(item)]
    return []


def thai_words(text: str) -> list[str]:
    """The runs of Thai letters in ``text``."""
    return _THAI.findall(text)


def is_thai(message: str, quoted_from: str) -> bool:
    """A Thai message: it has Thai words of its own (not only words it quotes from ``quoted_from``,
    the request and the values it could be offered)."""
    return any(word not in quoted_from for word in thai_words(message))


def is_english(message: str, quoted_from: str) -> bool:
    """An English message: every Thai word in it is quoted from ``quoted_from``."""
    return all(word in quoted_from for word in thai_words(message)) and re.search("[A-Za-z]{2}", message) is not None
