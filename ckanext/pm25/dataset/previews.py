"""A DataStore table previews as a table: the DataStore views (CKAN's ``datatables_view``) are
made when the table is (a chained ``datastore_create``).

CKAN makes a resource's default views when the dataset or resource is created or updated, but
only the views that do not need the DataStore (``package_create_default_resource_views``);
the DataStore ones are made by whoever fills the table, which CKAN leaves to the DataPusher or
XLoader. The portal's tables are made by ``datastore_create`` itself (a station's readings, a
network's measurement store, an API client), so its DataStore views are made here, after the
table: views already there are kept (CKAN's ``add_views_to_resource`` skips a type a resource
has), and which views are made is ``ckan.views.default_views``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context


@tk.chained_action
def datastore_create(up: Callable[[Context, dict[str, Any]], Any], context: Context,
                     data_dict: dict[str, Any]) -> Any:
    result = up(context, data_dict)
    resource_id = result.get("resource_id") if isinstance(result, dict) else None
    if resource_id:
        add_datastore_views(context, resource_id)
    return result


def add_datastore_views(context: Context, resource_id: str) -> list[dict[str, Any]]:
    """The DataStore views of ``ckan.views.default_views`` the resource lacks, made as the
    caller of ``datastore_create`` (who may edit the resource) without a second access check."""
    def views_context() -> Context:  # one per action: CKAN's actions write into their context
        return {"user": context.get("user", ""), "ignore_auth": True}

    resource = tk.get_action("resource_show")(views_context(), {"id": resource_id})
    # the table exists: datastore_create has just made it (the flag may be set after this read)
    return tk.get_action("resource_create_default_resource_views")(
        views_context(), {"resource": {**resource, "datastore_active": True},
                          "create_datastore_views": True})


ACTIONS: dict[str, Callable[..., Any]] = {"datastore_create": datastore_create}
