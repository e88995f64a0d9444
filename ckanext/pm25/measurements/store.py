"""A measurement store table: a DataStore resource (one per source network) made with the
store's fields, key and indexes through ``datastore_create``, so that ``datastore_search``,
``datastore_search_sql``, previews and downloads read the store itself, under CKAN's own
authorisation (a private network's resource is private)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.pm25.measurements.fields import FIELDS, INDEXES, PRIMARY_KEY


def create_store(context: Context, resource_id: str) -> None:
    """Make (or bring up to date) the store table of the resource ``resource_id``; the caller's
    context decides who may (``datastore_create``'s own auth: editing the resource)."""
    tk.get_action("datastore_create")(context, {
        "resource_id": resource_id, "fields": [dict(field) for field in FIELDS],
        "primary_key": list(PRIMARY_KEY), "indexes": list(INDEXES), "force": True,
        "calculate_record_count": False})
