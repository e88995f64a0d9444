"""Search parameters ckanext-pm25 adds to package_search (filled by the province-filter work)."""
from __future__ import annotations

from typing import Any


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    return search_params
