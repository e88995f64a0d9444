"""The measurement stores of a source: a network dataset per harvest source whose one DataStore
resource holds every public station's hourly readings (``measurements/``), and a private twin
for the stations its organisation made private. Made on first use (and again if deleted),
under a lock, so concurrent imports of one source make them once."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.pm25.harvesters import locks, site_user
from ckanext.pm25.harvesters.datasets import (AIR4THAI, Publisher, StationNetwork, network_dataset, network_name,
                                              network_package_id, store_resource,
                                              store_resource_id)
from ckanext.pm25.measurements.store import create_store, drop_store, store_exists

def _network_is_current(publisher: Publisher, private: bool) -> bool:
    package = model.Package.get(network_package_id(publisher.source_id, private))
    resource = model.Resource.get(store_resource_id(publisher.source_id, private))
    return (package is not None and package.state == "active" and package.private == private
            and resource is not None and resource.state == "active")


NetworkDescription = Callable[..., dict[str, Any]]  # network_dataset's signature


def _save_network(publisher: Publisher, data_source: str, private: bool,
                  describe: NetworkDescription) -> None:
    desired = describe(publisher, data_source=data_source, private=private)
    resource = store_resource(publisher.source_id, private)
    package = model.Package.get(desired["id"])
    if package is None:
        name = network_name(publisher.source_name, private)
        holder = model.Package.get(name)
        if holder is not None:
            name = network_name(f"{publisher.source_name}-{publisher.source_id[:8]}", private)
        site_user.call("package_create", {**desired, "name": name, "resources": [resource]})
        return
    existing = site_user.call("package_show", {"id": desired["id"]})
    others = [r for r in existing["resources"] if r["id"] != resource["id"]]
    site_user.call("package_update", {**existing, **desired, "name": existing["name"],
                                      "state": "active", "resources": [resource, *others]})


@dataclass(frozen=True)
class Stores:
    """A source's two store resources: its public stations' and its private stations'."""

    public: str
    private: str

    def of(self, private: bool) -> str:
        return self.private if private else self.public


def _ensure_store(publisher: Publisher, data_source: str, private: bool,
                  describe: NetworkDescription) -> str:
    resource_id = store_resource_id(publisher.source_id, private)
    if _network_is_current(publisher, private) and store_exists(resource_id):
        return resource_id  # three look-ups by key: checked on every import, never cached
    with locks.item_lock(f"pm25-store:{publisher.source_id}"):
        if not _network_is_current(publisher, private):
            _save_network(publisher, data_source, private, describe)
        if not store_exists(resource_id):
            create_store(site_user.action_context(), resource_id)
    return resource_id


def ensure_stores(publisher: Publisher, data_source: str,
                  station_network: StationNetwork = AIR4THAI) -> Stores:
    """The source's two stores, with their datasets and tables made if missing (both at once,
    so that a station made private later moves without making a dataset mid-update), their
    network dataset that of ``station_network``."""
    describe = partial(network_dataset, network=station_network)
    return Stores(public=_ensure_store(publisher, data_source, False, describe),
                  private=_ensure_store(publisher, data_source, True, describe))


def ensure_public_store(publisher: Publisher, data_source: str,
                        describe: NetworkDescription = network_dataset) -> str:
    """The public store alone, for a source whose series are never private (a model's areas:
    nothing to move, so no private twin to keep); ``describe`` makes the network dataset (a
    model source describes its own)."""
    return _ensure_store(publisher, data_source, False, describe)


@tk.chained_action
def harvest_source_clear(up: Callable[[Context, dict[str, Any]], Any], context: Context,
                         data_dict: dict[str, Any]) -> Any:
    """Clearing a source (ckanext-harvest deletes the datasets its objects made) takes its
    measurement stores too: their tables and their network datasets, which no harvest object
    names. ckanext-harvest has checked that the caller may clear the source."""
    result = up(context, data_dict)
    # its SQL commits inside the session's transaction (BEGIN ... COMMIT): start afresh
    model.Session.remove()
    source = model.Package.get(str(data_dict.get("id") or ""))
    if source is not None:
        for private in (False, True):
            store_id = store_resource_id(source.id, private)
            if store_exists(store_id):
                if model.Resource.get(store_id) is not None:
                    site_user.call("datastore_delete", {"resource_id": store_id, "force": True})
                else:  # its objects named the network dataset (pm25_gistda): cleared with them
                    drop_store(store_id)
            if model.Package.get(network_package_id(source.id, private)) is not None:
                site_user.call("dataset_purge", {"id": network_package_id(source.id, private)})
    return result


ACTIONS: dict[str, Callable[..., Any]] = {"harvest_source_clear": harvest_source_clear}
