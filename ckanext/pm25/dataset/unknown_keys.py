"""Lists of objects under keys the schema does not nest reach validation intact on every CKAN version.

CKAN 2.11 unpacks every list of objects into sub-keys before validating, even under a key whose
schema has no sub-fields: under a key the schema does not know, a list of empty objects vanishes
(``pm25_keep_unknown_keys`` never sees it), and a list mixing objects with other values is a bare
"Values in lists need to be dicts" error instead of a field error. CKAN 2.12 unpacks only the
keys its schema nests. Such values are turned into their JSON text first: an unknown key keeps
it as an extra (as ``pm25_keep_unknown_keys`` stores any non-text value), and a known field's
validator refuses it with its own message, as on CKAN 2.12.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context
from ckanext.scheming.helpers import scheming_get_dataset_schema

# Keys CKAN's own package schema nests (lists of objects it validates itself).
CKAN_NESTED_KEYS = frozenset({"resources", "tags", "extras", "groups", "relationships_as_object",
                              "relationships_as_subject"})


def _nested_fields(dataset_type: str) -> frozenset[str]:
    schema = scheming_get_dataset_schema(dataset_type) or {}
    return frozenset(field["field_name"] for field in schema.get("dataset_fields", [])
                     if field.get("repeating_subfields"))


def _is_list_of_objects(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


def lists_of_objects_as_json(data_dict: dict[str, Any], nested: frozenset[str]) -> dict[str, Any]:
    """``data_dict`` with the lists of objects under keys not in ``nested`` (nor CKAN's) as JSON text."""
    changed = {key: json.dumps(value, ensure_ascii=False, default=str)
               for key, value in data_dict.items()
               if key not in nested and key not in CKAN_NESTED_KEYS and _is_list_of_objects(value)}
    return {**data_dict, **changed} if changed else data_dict


def _prepared(data_dict: dict[str, Any]) -> dict[str, Any]:
    dataset_type = data_dict.get("type")
    return lists_of_objects_as_json(
        data_dict, _nested_fields(dataset_type if isinstance(dataset_type, str) and dataset_type else "dataset"))


@tk.chained_action
def package_create(up: Callable[[Context, dict[str, Any]], Any], context: Context,
                   data_dict: dict[str, Any]) -> Any:
    return up(context, _prepared(data_dict))


@tk.chained_action
def package_update(up: Callable[[Context, dict[str, Any]], Any], context: Context,
                   data_dict: dict[str, Any]) -> Any:
    return up(context, _prepared(data_dict))


ACTIONS: dict[str, Callable[..., Any]] = {"package_create": package_create, "package_update": package_update}
