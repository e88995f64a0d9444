"""The stores of a source, each a network dataset with one DataStore resource (made on first use
and again if deleted, under a lock, so concurrent imports of one source make them once):

- a station source's measurement stores (``measurements/``): its public stations' hourly
  readings, and a private twin for the stations its organisation made private;
- a model source's measurement store (GISTDA's areas: public only, its own network dataset);
- a hotspot source's store (``measurements/hotspots.py``): every detection, one row each.

One code path for both: a :class:`StoreKind` says which dataset, resource and table shape."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.pm25.harvesters import locks, site_user
from ckanext.pm25.harvesters.datasets import (AIR4THAI, Publisher, StationNetwork, hotspot_network_dataset,
                                              hotspot_network_name, hotspot_package_id,
                                              hotspot_store_resource,
                                              network_dataset, network_name, network_package_id,
                                              store_resource, store_resource_id)
from ckanext.pm25.measurements.fields import MEASUREMENTS
from ckanext.pm25.measurements.hotspots import HOTSPOTS, hotspot_store_id
from ckanext.pm25.measurements.shapes import TableShape
from ckanext.pm25.measurements.store import create_store, drop_store, store_exists


@dataclass(frozen=True)
class StoreKind:
    """One store of a source: its dataset's id, name and metadata, its resource and its table."""

    package_id: Callable[[str], str]
    resource_id: Callable[[str], str]
    name: Callable[[str], str]
    dataset: Callable[[Publisher, str], dict[str, Any]]
    resource: Callable[[str], dict[str, Any]]
    shape: TableShape
    private: bool = False


NetworkDescription = Callable[..., dict[str, Any]]  # network_dataset's signature


def _measurement_kind(private: bool, describe: NetworkDescription = network_dataset) -> StoreKind:
    """A measurement store; ``describe`` makes its network dataset (a station network's, or a
    model source's own)."""
    return StoreKind(
        package_id=lambda source_id: network_package_id(source_id, private),
        resource_id=lambda source_id: store_resource_id(source_id, private),
        name=lambda source_name: network_name(source_name, private),
        dataset=lambda publisher, data_source: describe(
            publisher, data_source=data_source, private=private),
        resource=lambda source_id: store_resource(source_id, private),
        shape=MEASUREMENTS, private=private)


PUBLIC_MEASUREMENTS = _measurement_kind(False)
PRIVATE_MEASUREMENTS = _measurement_kind(True)
HOTSPOT_STORE = StoreKind(
    package_id=hotspot_package_id, resource_id=hotspot_store_id, name=hotspot_network_name,
    dataset=lambda publisher, data_source: hotspot_network_dataset(publisher,
                                                                   data_source=data_source),
    resource=hotspot_store_resource, shape=HOTSPOTS)
KINDS: tuple[StoreKind, ...] = (PUBLIC_MEASUREMENTS, PRIVATE_MEASUREMENTS, HOTSPOT_STORE)


def _network_is_current(publisher: Publisher, data_source: str, kind: StoreKind) -> bool:
    """The network dataset and its store resource are there, active, as private as the kind,
    and the notes say what the source's store now holds (a dataset described otherwise by an
    earlier version, or edited by hand, is described again)."""
    package = model.Package.get(kind.package_id(publisher.source_id))
    resource = model.Resource.get(kind.resource_id(publisher.source_id))
    return (package is not None and package.state == "active"
            and package.private == kind.private
            and package.notes == kind.dataset(publisher, data_source)["notes"]
            and resource is not None and resource.state == "active")


def _save_network(publisher: Publisher, data_source: str, kind: StoreKind) -> None:
    desired = kind.dataset(publisher, data_source)
    resource = kind.resource(publisher.source_id)
    package = model.Package.get(desired["id"])
    if package is None:
        name = kind.name(publisher.source_name)
        holder = model.Package.get(name)
        if holder is not None:
            name = kind.name(f"{publisher.source_name}-{publisher.source_id[:8]}")
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


def ensure_store(publisher: Publisher, data_source: str, kind: StoreKind) -> str:
    """The resource id of the source's store of ``kind``, its dataset and table made if missing."""
    resource_id = kind.resource_id(publisher.source_id)
    if _network_is_current(publisher, data_source, kind) and store_exists(resource_id):
        return resource_id  # three look-ups by key: checked on every import, never cached
    with locks.item_lock(f"pm25-store:{publisher.source_id}"):
        if not _network_is_current(publisher, data_source, kind):
            _save_network(publisher, data_source, kind)
        if not store_exists(resource_id):
            create_store(site_user.action_context(), resource_id, kind.shape)
    return resource_id


def ensure_stores(publisher: Publisher, data_source: str,
                  station_network: StationNetwork = AIR4THAI) -> Stores:
    """The source's two measurement stores, with their datasets and tables made if missing
    (both at once, so that a station made private later moves without making a dataset
    mid-update), their network datasets those of ``station_network``."""
    if station_network == AIR4THAI:
        public, private = PUBLIC_MEASUREMENTS, PRIVATE_MEASUREMENTS
    else:
        describe = partial(network_dataset, network=station_network)
        public, private = _measurement_kind(False, describe), _measurement_kind(True, describe)
    return Stores(public=ensure_store(publisher, data_source, public),
                  private=ensure_store(publisher, data_source, private))


def ensure_public_store(publisher: Publisher, data_source: str,
                        describe: NetworkDescription = network_dataset) -> str:
    """The public measurement store alone, for a source whose series are never private (a
    model's areas: nothing to move, so no private twin to keep); ``describe`` makes the network
    dataset (a model source describes its own)."""
    return ensure_store(publisher, data_source, _measurement_kind(False, describe))


@tk.chained_action
def harvest_source_clear(up: Callable[[Context, dict[str, Any]], Any], context: Context,
                         data_dict: dict[str, Any]) -> Any:
    """Clearing a source (ckanext-harvest deletes the datasets its objects made) takes its
    stores too: their tables and their network datasets. They go first, once the caller is
    known to be allowed: a hotspot source's objects name its network dataset, which
    ckanext-harvest's clear deletes with SQL, leaving no resource to delete a table by."""
    tk.check_access("harvest_source_clear", context, data_dict)
    source = model.Package.get(str(data_dict.get("id") or ""))
    if source is not None:
        for kind in KINDS:
            store_id = kind.resource_id(source.id)
            if store_exists(store_id):
                if model.Resource.get(store_id) is not None:
                    site_user.call("datastore_delete", {"resource_id": store_id, "force": True})
                else:  # a table left by a network dataset deleted some other way
                    drop_store(store_id)
            if model.Package.get(kind.package_id(source.id)) is not None:
                site_user.call("dataset_purge", {"id": kind.package_id(source.id)})
    result = up(context, data_dict)
    # its SQL commits inside the session's transaction (BEGIN ... COMMIT): start afresh
    model.Session.remove()
    return result


ACTIONS: dict[str, Callable[..., Any]] = {"harvest_source_clear": harvest_source_clear}
