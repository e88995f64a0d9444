"""Template helpers of ckanext-harvest's pages: the harvester types in the request's language.

ckanext-harvest's source form prints each harvester's ``info()`` title and description as
given (its ``harvester_types`` helper translates the title, its form does not); ours are English
msgids marked with ``N_`` (air4thai.py, agency_ckan.py), so the Thai catalogue has them.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk


@tk.chained_helper
def harvesters_info(next_helper: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """ckanext-harvest's ``harvesters_info`` with titles and descriptions translated."""
    return [{**info, **{key: tk._(info[key]) for key in ("title", "description") if info.get(key)}}
            for info in next_helper()]


HELPERS: dict[str, Callable[..., Any]] = {"harvesters_info": harvesters_info}
