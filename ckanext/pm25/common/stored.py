"""Reading multi-valued fields back as stored (pure: no CKAN).

ckanext-scheming keeps a multiple-select value as a JSON list in a string; the same value comes
back as a list from a validated dataset, and older or hand-made records may hold a PostgreSQL
array literal (``{a,b}``) or a comma- or space-separated string. Every reader goes through here.
"""
from __future__ import annotations

import json
import re
from typing import Any

_SEPARATORS = re.compile(r"[,\s]+")


def stored_list(value: Any) -> list[str]:
    """The items of a stored multi-valued field, stripped, empty items dropped, order kept."""
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                return []
        else:
            value = _SEPARATORS.split(text.strip("{}"))
    if not isinstance(value, (list, tuple)):
        value = [value]
    return [item for item in (str(part).strip() for part in value if part is not None) if item]
