"""A harvest source's URL is checked when the source is created or updated, not only when a
job fetches it: the harvest admin form and ``harvest_source_create``/``_update`` (both go
through ``package_create``/``package_update`` with ``type=harvest``) refuse a URL the
destination policy (:mod:`.destinations`) refuses, with a message in the request's language.

ckanext-harvest's own hooks do not see the URL (``IHarvester.validate_config`` gets the config
text only, and its schema imports ``harvest_source_url_validator`` directly), so each pm25
harvester chains ``package_create`` and ``package_update`` for sources of its own type:
check_access, then the URL, then the action itself.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.harvest.model import HarvestSource
from ckanext.pm25.harvesters import settings
from ckanext.pm25.harvesters.destinations import Refused
from ckanext.pm25.harvesters.http import check_source_url
from ckanext.pm25.harvesters.source_config import HttpOverrides

HARVEST_DATASET_TYPE = "harvest"
Action = Callable[[Context, dict[str, Any]], Any]


def refusal_message(refused: Refused) -> str:
    return tk._(refused.msgid) % refused.params


def _existing(data_dict: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(dataset type, source type, url) of the source being updated, as stored."""
    package = model.Package.get(str(data_dict.get("id") or data_dict.get("name") or ""))
    if package is None:
        return None, None, None
    source = HarvestSource.get(package.id)
    return package.type, source.type if source else None, package.url


def _checked(source_type: str, data_dict: dict[str, Any], updating: bool) -> None:
    dataset_type, stored_type, stored_url = _existing(data_dict) if updating else (None, None, None)
    if (data_dict.get("type") or dataset_type) != HARVEST_DATASET_TYPE:
        return
    if (data_dict.get("source_type") or stored_type) != source_type:
        return
    url = data_dict.get("url", stored_url)
    if not isinstance(url, str) or not url.strip():
        return  # the harvest schema says the URL is missing
    try:
        check_source_url(url, settings.http_policy(HttpOverrides()))
    except Refused as refused:
        raise tk.ValidationError({"url": [refusal_message(refused)]}) from refused


def actions_for(source_type: str) -> dict[str, Callable[..., Any]]:
    """``package_create``/``package_update`` chained to check the URL of ``source_type`` sources."""

    @tk.chained_action
    def package_create(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
        tk.check_access("package_create", context, data_dict)
        _checked(source_type, data_dict, updating=False)
        return up(context, data_dict)

    @tk.chained_action
    def package_update(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
        tk.check_access("package_update", context, data_dict)
        _checked(source_type, data_dict, updating=True)
        return up(context, data_dict)

    return {"package_create": package_create, "package_update": package_update}
