"""What goes into Solr besides CKAN's own fields: the PM2.5 and GD-Catalog facets as plain
strings (multi-valued where the schema allows several), and the province fields.

Validation refuses values too long to be one Solr term (dataset/validators.py); a dataset stored
before that rule still indexes: such a value is left out of the exact-match field (its words stay
searchable through the text fields) instead of failing the whole document."""
from __future__ import annotations

import json
import logging
from typing import Any

from ckanext.scheming.helpers import scheming_get_dataset_schema

from ckanext.pm25.common.stored import stored_list
from ckanext.pm25.dataset.validators import too_long_for_one_term
from ckanext.pm25.provinces.indexing import add_text, province_fields

MULTI_VALUED = ("pollutants",)
SINGLE_VALUED = ("measurement_type", "data_type", "data_category")
# Tokenised or stored-only fields of CKAN's Solr schema: no single-term limit applies to them.
NOT_ONE_TERM = frozenset({
    "title", "notes", "author", "author_email", "maintainer", "maintainer_email", "res_name",
    "res_description", "text", "urls", "data_dict", "validated_data_dict",
})

# What people also call a choice's value, beside the value and its labels in the schema.
ALSO_CALLED: dict[str, tuple[str, ...]] = {
    "PM2.5": ("ฝุ่นละอองขนาดเล็ก", "fine particulate matter", "fine dust"),
    "PM10": ("ฝุ่นละออง", "particulate matter", "dust"),
}

log = logging.getLogger(__name__)


def _without_immense_terms(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    for key in [key for key, value in pkg_dict.items()
                if key not in NOT_ONE_TERM and not key.startswith(("extras_", "res_extras_"))
                and too_long_for_one_term(value)]:
        log.warning("dataset %s: %s is too long for the search index and is left out of it",
                    pkg_dict.get("name"), key)
        del pkg_dict[key]
    return pkg_dict


def _unknown_keys_as_extras_only(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """A key the schema does not know, kept as an extra, is indexed as ``extras_<key>`` only.
    CKAN also copies every extra to a field of its own name, and Solr types some names
    (``spatial_geom``, ``*_date``, …): a client's ``spatial_geom: false`` failed the whole
    document (a server error, nothing saved). A value that a plugin put there in place of the
    extra's copy (ckanext-spatial's geometry) is not the copy and stays."""
    schema = scheming_get_dataset_schema(str(pkg_dict.get("type") or "dataset"))
    if not schema:
        return pkg_dict
    known = {field["field_name"] for field in schema.get("dataset_fields", [])}
    for key in [name[len("extras_"):] for name in pkg_dict if name.startswith("extras_")]:
        if key not in known and key in pkg_dict and pkg_dict[key] == pkg_dict[f"extras_{key}"]:
            del pkg_dict[key]
    return pkg_dict


def choice_words(dataset_type: str, field_name: str, values: list[str]) -> list[str]:
    """The words a user types for the values of a choice field: each value, its Thai and English
    labels in the schema (``ฝุ่น PM2.5``, ``Low-cost sensor``) and what else people call it."""
    schema = scheming_get_dataset_schema(dataset_type) or {}
    field: dict[str, Any] = next(
        (f for f in schema.get("dataset_fields", []) if f["field_name"] == field_name), {})
    labels = {choice["value"]: choice.get("label") for choice in field.get("choices", [])}
    words: list[str] = []
    for value in values:
        label = labels.get(value)
        words += [value, *(label.values() if isinstance(label, dict) else [label] if label else [])]
        words += ALSO_CALLED.get(value, ())
    return words


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    pkg_dict = _unknown_keys_as_extras_only(pkg_dict)
    validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    for field in MULTI_VALUED:
        pkg_dict[field] = stored_list(validated.get(field))
    dataset_type = str(pkg_dict.get("type") or "dataset")
    add_text(pkg_dict, choice_words(dataset_type, "pollutants", pkg_dict["pollutants"]))
    for field in SINGLE_VALUED:
        value = validated.get(field)
        pkg_dict.pop(field, None)
        if value:
            pkg_dict[field] = value
    add_text(pkg_dict, choice_words(dataset_type, "measurement_type", stored_list(validated.get("measurement_type"))))
    return _without_immense_terms(province_fields(pkg_dict, validated))
