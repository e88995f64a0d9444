"""The measurement store of a source: one network dataset per harvest source whose one
DataStore resource holds every station's hourly readings (``measurements/``). Made on first
use (and again if deleted), under a lock, so concurrent imports of one source make it once."""
from __future__ import annotations

from ckan import model

from ckanext.pm25.harvesters import locks, site_user
from ckanext.pm25.harvesters.datasets import (Publisher, network_dataset, network_name,
                                              network_package_id, store_resource,
                                              store_resource_id)
from ckanext.pm25.measurements.store import create_store, store_exists

def _network_is_current(publisher: Publisher) -> bool:
    package = model.Package.get(network_package_id(publisher.source_id))
    resource = model.Resource.get(store_resource_id(publisher.source_id))
    return (package is not None and package.state == "active"
            and resource is not None and resource.state == "active")


def _save_network(publisher: Publisher, data_source: str) -> None:
    desired = network_dataset(publisher, data_source=data_source)
    resource = store_resource(publisher.source_id)
    package = model.Package.get(desired["id"])
    if package is None:
        name = network_name(publisher.source_name)
        holder = model.Package.get(name)
        if holder is not None:
            name = network_name(f"{publisher.source_name}-{publisher.source_id[:8]}")
        site_user.call("package_create", {**desired, "name": name, "resources": [resource]})
        return
    existing = site_user.call("package_show", {"id": desired["id"]})
    others = [r for r in existing["resources"] if r["id"] != resource["id"]]
    site_user.call("package_update", {**existing, **desired, "name": existing["name"],
                                      "state": "active", "resources": [resource, *others]})


def ensure_store(publisher: Publisher, data_source: str) -> str:
    """The id of the source's store resource, with its dataset and its table made if missing."""
    resource_id = store_resource_id(publisher.source_id)
    if _network_is_current(publisher) and store_exists(resource_id):
        return resource_id  # three look-ups by key: checked on every import, never cached
    with locks.item_lock(f"pm25-store:{publisher.source_id}"):
        if not _network_is_current(publisher):
            _save_network(publisher, data_source)
        if not store_exists(resource_id):
            create_store(site_user.action_context(), resource_id)
    return resource_id
