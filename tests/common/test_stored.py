"""Multi-valued fields read back in every form they are stored in."""
from __future__ import annotations

from typing import Any

import pytest

from ckanext.pm25.common.stored import stored_list


@pytest.mark.parametrize(("value", "items"), [
    ('["TH-52", "TH-50"]', ["TH-52", "TH-50"]),    # scheming's JSON text
    (["TH-52", "TH-50"], ["TH-52", "TH-50"]),      # a validated dataset
    ("{TH-52,TH-50}", ["TH-52", "TH-50"]),         # a PostgreSQL array literal
    ("TH-52, TH-50", ["TH-52", "TH-50"]),
    ("TH-52 TH-50", ["TH-52", "TH-50"]),
    ("TH-52", ["TH-52"]),
    (" [ ] ", []),
    ("", []),
    (None, []),
    ("[not json", []),
    ([" TH-52 ", "", None], ["TH-52"]),
    (52, ["52"]),
])
def test_stored_values_read_back_as_lists(value: Any, items: list[str]) -> None:
    assert stored_list(value) == items
