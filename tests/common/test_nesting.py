"""Nesting counted without parsing: brackets in strings do not count, and a body of 100,000
nested lists is measured without recursion."""
from __future__ import annotations

import pytest

from ckanext.pm25.common.nesting import nested_deeper_than


@pytest.mark.parametrize("text, depth", [
    ('{"a": [1, [2]]}', 3),
    ('{"a": "[[[[[[[[["}', 1),
    ('{"a": "\\"[[[[[["}', 1),
    ("[" * 100_000 + "]" * 100_000, 100_000),
    (b"[[]][[]]", 2),
    ("]]]][[", 2),
])
def test_depth(text: str | bytes, depth: int) -> None:
    assert nested_deeper_than(text, depth - 1)
    assert not nested_deeper_than(text, depth)


def test_text_with_unpaired_surrogates() -> None:
    assert nested_deeper_than("[[\ud800]]", 1) and not nested_deeper_than("[[\ud800]]", 2)
