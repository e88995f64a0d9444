"""Province and region names as the request's language shows them, and the facet names they
label (``provinces``, ``region``): one home for both, used by the search facets, the search
form's pills and the templates."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.pm25.geo import provinces

PROVINCE_FACET = "provinces"
REGION_FACET = "region"


def current_language() -> str:
    """The language of the current request; the site default outside one (jobs, CLI, tests)."""
    try:
        language = tk.h.lang()
    except RuntimeError:
        language = None
    return language or tk.config.get("ckan.locale_default") or "en"


def localised(label: Any, language: str) -> str:
    """One text of a ``{en: …, th: …}`` label (English, then any, as fallbacks); a plain label as it is."""
    if isinstance(label, dict):
        return str(label.get(language) or label.get("en") or next(iter(label.values()), ""))
    return str(label)


def province_label(code: str, language: str | None = None) -> str:
    """The province's name in `language` (the request's by default); the code when unknown."""
    province = provinces.by_code(code)
    if province is None:
        return code
    return province.name_en if (language or current_language()) == "en" else province.name_th


def region_label(region: str, language: str | None = None) -> str:
    names = provinces.REGIONS.get(region)
    return localised(names, language or current_language()) if names else region
