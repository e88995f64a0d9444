"""A harvest source's configuration is read only by those who may edit the source.

ckanext-harvest keeps a source as a CKAN dataset of type ``harvest`` whose ``config`` (JSON
text) is a package extra, and its show schema also spreads every option of the config into the
top level of the dataset dict (so ``maintainer_email`` of the config is the source's
``maintainer_email``). CKAN shows a public dataset to everyone: the config (and the contact
e-mail in it) reached anonymous users through package_show, the search index (``fl``, facets,
``q``, the stored ``data_dict``/``validated_data_dict``), ``harvest_source_list`` (which checks no
access at all), the activity stream and DCAT.

Here, in three places:

- the search index never holds a source's config (:func:`index_without_config`): not as
  ``config``/``extras_config`` fields, not in the stored dataset dicts, not in the catch-all text;
  so no search parameter can return it, facet on it or probe it;
- a shown source (:func:`after_dataset_show`, the hook behind package_show, harvest_source_show,
  the source pages and DCAT) carries the config and its spread options only for a user who may
  ``package_update`` the source (its organisation's editors and admins, sysadmins, or a caller
  that ignores auth); they get it back from ckanext-harvest's own table when package_show read
  the dataset from the search index;
- the actions that return a source otherwise (``harvest_source_list``, the activity stream's
  stored dataset dicts) drop it for everyone else (:data:`ACTIONS`), and ``package_list`` lists
  datasets only, as ckanext-harvest already makes ``package_search`` do.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.harvest.model import HarvestSource

SOURCE_TYPE = "harvest"
CONFIG = "config"
# Fields a source page needs; an option of the config with one of these names is left alone
# (no harvester has one: ckanext-harvest would show it in place of the source's own field).
KEPT = frozenset({"id", "name", "title", "type", "url", "source_type", "frequency", "owner_org",
                  "organization", "state", "private", "notes", "metadata_created",
                  "metadata_modified", "creator_user_id", "status", "active", "extras",
                  "resources", "tags", "groups", "num_resources", "num_tags"})
Action = Callable[[Context, dict[str, Any]], Any]


def _options(config: Any) -> list[str]:
    """The option names of a config text (none when it is not a JSON object)."""
    if not isinstance(config, str) or not config.strip():
        return []
    try:
        parsed = json.loads(config)
    except ValueError:
        return []
    return list(parsed) if isinstance(parsed, dict) else []


def _stored_config(source_id: str) -> str | None:
    source = HarvestSource.get(source_id) if source_id else None
    return source.config if source is not None else None


def _may(permission: str, context: Context, source_id: str) -> bool:
    if context.get("ignore_auth"):
        return True
    try:
        tk.check_access(permission, {"user": context.get("user") or ""}, {"id": source_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def may_edit(context: Context, source_id: str) -> bool:
    """Whether the user of ``context`` may update the source (and so read its config)."""
    return _may("package_update", context, source_id)


def without_config(source: dict[str, Any], config: Any = None) -> dict[str, Any]:
    """``source`` (a source's dataset dict) without its config and the options it spread."""
    for option in {*_options(source.get(CONFIG)), *_options(config)} - KEPT:
        source.pop(option, None)
    source.pop(CONFIG, None)
    if isinstance(source.get("extras"), list):
        source["extras"] = [extra for extra in source["extras"]
                            if not (isinstance(extra, dict) and extra.get("key") == CONFIG)]
    return source


def after_dataset_show(context: Context, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """IPackageController.after_dataset_show: the config for those who may edit the source."""
    if pkg_dict.get("type") != SOURCE_TYPE:
        return pkg_dict
    source_id = str(pkg_dict.get("id") or "")
    if not may_edit(context, source_id):
        return without_config(pkg_dict, _stored_config(source_id))
    if CONFIG not in pkg_dict:  # read from the search index, which does not hold it
        config = _stored_config(source_id)
        if config:
            pkg_dict[CONFIG] = config
            # as ckanext-harvest's harvest_source_convert_from_config does
            parsed = json.loads(config) if _options(config) else {}
            pkg_dict.update({k: v for k, v in parsed.items() if k not in KEPT})
    return pkg_dict


def _stored_without_config(text: str, config: Any) -> str:
    """A stored dataset dict (JSON text) without the config; CKAN 2.11's ``data_dict`` holds
    the ``validated_data_dict`` text inside it, which loses it too."""
    stored = without_config(json.loads(text), config)
    if isinstance(stored.get("validated_data_dict"), str):
        stored["validated_data_dict"] = _stored_without_config(stored["validated_data_dict"], config)
    return json.dumps(stored)


def index_without_config(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """IPackageController.before_dataset_index: a source's document without its config: not
    as fields (``config``, ``extras_config``, and the spread options CKAN 2.11 indexes), not in
    the stored dataset dicts."""
    if (pkg_dict.get("dataset_type") or pkg_dict.get("type")) != SOURCE_TYPE:
        return pkg_dict
    config = pkg_dict.pop("extras_config", None) or pkg_dict.get(CONFIG) \
        or _stored_config(str(pkg_dict.get("id") or ""))
    without_config(pkg_dict, config)
    for stored in ("data_dict", "validated_data_dict"):
        if isinstance(pkg_dict.get(stored), str):
            pkg_dict[stored] = _stored_without_config(pkg_dict[stored], config)
    return pkg_dict


# --- actions ---------------------------------------------------------------------------------

def _pagination(data_dict: dict[str, Any], context: Context) -> dict[str, Any]:
    """``limit`` and ``offset`` checked as CKAN's package_list checks them."""
    number = [tk.get_validator("ignore_missing"), tk.get_validator("natural_number_validator")]
    data, errors = tk.navl_validate({k: data_dict[k] for k in ("limit", "offset") if k in data_dict},
                                    {"limit": number, "offset": number}, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


@tk.chained_action
@tk.side_effect_free
def package_list(up: Action, context: Context, data_dict: dict[str, Any]) -> list[str]:
    """CKAN's package_list without harvest sources: names (ids for API version 2) of the active
    public datasets, in order, paged by ``limit`` and ``offset``."""
    tk.check_access("package_list", context, data_dict)
    paging = _pagination(data_dict, context)
    column = model.Package.id if context.get("api_version", 1) == 2 else model.Package.name
    query = model.Session.query(column).filter(
        model.Package.state == "active", model.Package.private.is_(False),
        model.Package.type != SOURCE_TYPE).order_by(column)
    if paging.get("limit"):
        query = query.limit(paging["limit"])
    if paging.get("offset"):
        query = query.offset(paging["offset"])
    return [row[0] for row in query.all()]


@tk.chained_action
@tk.side_effect_free
def harvest_source_list(up: Action, context: Context, data_dict: dict[str, Any]) -> list[dict[str, Any]]:
    """ckanext-harvest's list (which checks no access): the sources the user may see, each
    with its config only for those who may edit it."""
    tk.check_access("harvest_source_list", context, data_dict)
    listed = []
    for source in up(context, data_dict):
        if not _may("package_show", context, source["id"]):
            continue
        if not may_edit(context, source["id"]):
            source.pop(CONFIG, None)
        listed.append(source)
    return listed


def _hidden_in_activity(context: Context, activity: Any) -> Any:
    """An activity dict whose stored dataset is a source the user may not edit, without the
    source's config."""
    if not isinstance(activity, dict) or not isinstance(activity.get("data"), dict):
        return activity
    package = activity["data"].get("package")
    if isinstance(package, dict) and package.get("type") == SOURCE_TYPE \
            and not may_edit(context, str(package.get("id") or activity.get("object_id") or "")):
        without_config(package)
    return activity


def _activity_list(name: str) -> Callable[..., Any]:
    @tk.chained_action
    @tk.side_effect_free
    def activities(up: Action, context: Context, data_dict: dict[str, Any]) -> list[Any]:
        return [_hidden_in_activity(context, activity) for activity in up(context, data_dict)]
    activities.__name__ = name
    return activities


@tk.chained_action
@tk.side_effect_free
def activity_show(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
    return _hidden_in_activity(context, up(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def activity_data_show(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
    data = up(context, data_dict)
    if isinstance(data, dict) and data.get("type") == SOURCE_TYPE:  # object_type=package
        return data if may_edit(context, str(data.get("id") or "")) else without_config(data)
    return _hidden_in_activity(context, {"data": data})["data"]


@tk.chained_action
@tk.side_effect_free
def activity_diff(up: Action, context: Context, data_dict: dict[str, Any]) -> Any:
    """A diff of a source's versions compares its configs: only for those who may edit it."""
    diff = up(context, data_dict)
    for activity in diff.get("activities") or []:
        package = (activity.get("data") or {}).get("package") or {}
        if package.get("type") == SOURCE_TYPE and not may_edit(context, str(package.get("id") or "")):
            raise tk.NotAuthorized(tk._("Unauthorized to view activity data"))
    return diff


ACTIVITY_LISTS = ("package_activity_list", "group_activity_list", "organization_activity_list",
                  "user_activity_list", "dashboard_activity_list",
                  "recently_changed_packages_activity_list")


def actions() -> dict[str, Callable[..., Any]]:
    """The chained actions, for the plugins that are loaded (a chain needs its action)."""
    chained: dict[str, Callable[..., Any]] = {"package_list": package_list}
    if plugins.plugin_loaded("harvest"):
        chained["harvest_source_list"] = harvest_source_list
    if plugins.plugin_loaded("activity"):
        chained.update({name: _activity_list(name) for name in ACTIVITY_LISTS})
        chained.update(activity_show=activity_show, activity_data_show=activity_data_show,
                       activity_diff=activity_diff)
    return chained
