"""Template helpers."""
from __future__ import annotations

from typing import Any, Callable

import ckan.plugins.toolkit as tk

from ckanext.pm25.geo import provinces


def _english() -> bool:
    return tk.h.lang() == "en"


def pm25_province_name(code: str) -> str:
    province = provinces.by_code(code)
    if province is None:
        return code
    return province.name_en if _english() else province.name_th


def pm25_province_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Choices for the `provinces` select: every province, labelled in both languages."""
    return [
        {"value": p.code, "label": f"{p.name_th} ({p.name_en})" if not _english() else f"{p.name_en} ({p.name_th})"}
        for p in sorted(provinces.all_provinces(), key=lambda p: p.name_en if _english() else p.name_th)
    ]


def get_helpers() -> dict[str, Callable[..., Any]]:
    from ckanext.pm25 import dashboard_helpers, province_helpers

    return {
        "pm25_province_name": pm25_province_name,
        "pm25_province_choices": pm25_province_choices,
        **province_helpers.HELPERS,
        **dashboard_helpers.HELPERS,
    }
