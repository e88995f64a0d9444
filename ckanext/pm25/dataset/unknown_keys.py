"""What a client sends to package_create/package_update reaches validation intact, or is refused
before anything reads it (chained actions, for every dataset type and every caller).

Lists of objects under keys the schema does not nest reach validation intact on every CKAN version.

CKAN 2.11 unpacks every list of objects into sub-keys before validating, even under a key whose
schema has no sub-fields: under a key the schema does not know, a list of empty objects vanishes
(``pm25_keep_unknown_keys`` never sees it), and a list mixing objects with other values is a bare
"Values in lists need to be dicts" error instead of a field error. CKAN 2.12 unpacks only the
keys its schema nests. Such values are turned into their JSON text first: an unknown key keeps
it as an extra (as ``pm25_keep_unknown_keys`` stores any non-text value), and a known field's
validator refuses it with its own message, as on CKAN 2.12.

Under a key CKAN (or the schema) nests, anything but a list of objects is refused naming the key:
CKAN's own answer is an "Integrity Error" (400) in English that repeats the whole request.

The names CKAN's validation gives its own entries (``__extras``, ``__junk``, ``__before``,
``__after``) are refused as keys: a value sent under ``__extras`` would be taken for the unknown
keys themselves (a server error, or silently replaced by them).

Text no store can hold (a NUL character, an unpaired surrogate: ``common/text.py``), in any key
or value, is refused first, without the access check: CKAN looks the dataset and organisation up
by such text before validating (PostgreSQL's error is a server error). So is an ``id`` or
``name`` of package_update that is not a text (CKAN compares it with a text column), and a
``type`` or ``owner_org`` that is not a text (CKAN looks the plugin and the organisation up by them).

A dataset ``type`` no plugin handles is refused: CKAN would validate it with its default schema,
not the PM2.5 one (one validation path for every dataset).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan.types import Context
from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.pm25.common.messages import N_
from ckanext.pm25.common.text import has_unwritable, shown

# Keys CKAN's own package schema nests (lists of objects it validates itself).
CKAN_NESTED_KEYS = frozenset({"resources", "tags", "extras", "groups", "relationships_as_object",
                              "relationships_as_subject"})
# Names of CKAN's validation (navl) for its own entries, never a client's key.
RESERVED_KEYS = ("__extras", "__junk", "__before", "__after")
RESERVED_MESSAGE = N_("%(name)s is a name CKAN reserves for itself; it cannot be a field.")
NOT_A_LIST_OF_OBJECTS = N_("Must be a list of JSON objects.")
UNWRITABLE_MESSAGE = N_("The text contains a NUL character or an unpaired surrogate (invalid Unicode), "
                        "which cannot be stored.")
NOT_A_TEXT = N_("Must be a text.")
UNKNOWN_TYPE = N_("Unknown dataset type %(type)s: the portal's types are %(types)s.")


def _dataset_types() -> list[str]:
    """The dataset types some plugin's form and schema handle (CKAN would take any other with its default schema)."""
    return sorted({"dataset", *(package_type for plugin in plugins.PluginImplementations(plugins.IDatasetForm)
                                for package_type in plugin.package_types())})


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


def _holds_unwritable(value: Any) -> bool:
    if isinstance(value, str):
        return has_unwritable(value)
    if isinstance(value, dict):
        return any(_holds_unwritable(key) or _holds_unwritable(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_unwritable(item) for item in value)
    return False


def _unreadable(action: str, data_dict: dict[str, Any]) -> dict[str, Any]:
    """Each key whose name or value holds unwritable text (named with U+FFFD in its place), and a
    ``type`` or ``owner_org`` (or an ``id`` or ``name`` of package_update) that is not a text."""
    errors: dict[str, Any] = {shown(key, len(key)): [tk._(UNWRITABLE_MESSAGE)]
                                    for key, value in data_dict.items()
                                    if _holds_unwritable(key) or _holds_unwritable(value)}
    looked_up = ("type", "owner_org", "id", "name") if action == "package_update" else ("type", "owner_org")
    errors.update({key: [tk._(NOT_A_TEXT)] for key in looked_up
                   if data_dict.get(key) is not None and not isinstance(data_dict[key], str)})
    return _tags_errors_as_ckan_reads_them(errors)


def _malformed(data_dict: dict[str, Any], nested: frozenset[str]) -> dict[str, Any]:
    """The reserved keys sent, and the nested keys whose value is not a list of objects, each with its message."""
    errors: dict[str, Any] = {key: [tk._(RESERVED_MESSAGE) % {"name": key}]
                                    for key in RESERVED_KEYS if key in data_dict}
    dataset_type = data_dict.get("type")
    if dataset_type and dataset_type not in (types := _dataset_types()):
        errors["type"] = [tk._(UNKNOWN_TYPE) % {"type": shown(dataset_type), "types": ", ".join(types)}]
    for key in sorted(nested | CKAN_NESTED_KEYS):
        value = data_dict.get(key, [])
        if not (isinstance(value, list) and all(isinstance(item, dict) for item in value)):
            errors[key] = [tk._(NOT_A_LIST_OF_OBJECTS)]
    return _tags_errors_as_ckan_reads_them(errors)


def _tags_errors_as_ckan_reads_them(errors: dict[str, Any]) -> dict[str, Any]:
    """CKAN's ValidationError reads the errors of ``tags`` as a list of ``{"name": [messages]}``."""
    if "tags" in errors:
        errors["tags"] = [{"name": errors["tags"]}]
    return errors


def _prepared(action: str, context: Context, data_dict: dict[str, Any]) -> dict[str, Any]:
    """``data_dict`` as validation can take it, or a validation error (after the action's own
    access check, so that a user without access is told so first, unless the request holds what
    the access check could not read)."""
    unreadable = _unreadable(action, data_dict)
    if unreadable:
        raise tk.ValidationError(unreadable)
    dataset_type = data_dict.get("type")
    nested = _nested_fields(dataset_type if isinstance(dataset_type, str) and dataset_type else "dataset")
    errors = _malformed(data_dict, nested)
    if errors:
        tk.check_access(action, context, data_dict)
        raise tk.ValidationError(errors)
    return lists_of_objects_as_json(data_dict, nested)


@tk.chained_action
def package_create(up: Callable[[Context, dict[str, Any]], Any], context: Context,
                   data_dict: dict[str, Any]) -> Any:
    return up(context, _prepared("package_create", context, data_dict))


@tk.chained_action
def package_update(up: Callable[[Context, dict[str, Any]], Any], context: Context,
                   data_dict: dict[str, Any]) -> Any:
    return up(context, _prepared("package_update", context, data_dict))


ACTIONS: dict[str, Callable[..., Any]] = {"package_create": package_create, "package_update": package_update}
