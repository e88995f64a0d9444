"""Faults on the cluster of `make test-cluster` (dev/cluster.sh: SolrCloud on two nodes behind a
balancer, a PostgreSQL streaming replica): the portal keeps answering, and nothing is lost.
Skipped outside `make test-cluster` (PM25_CLUSTER unset)."""
from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
import requests
import sqlalchemy as sa
from ckan.tests import factories, helpers

from ckanext.pm25.common.times import THAI_TZ
from ckanext.pm25.harvesters import runner
from tests.cluster import topology
from tests.factories import create_pm25_dataset
from tests.upstream import Air4ThaiServer

pytestmark = [
    pytest.mark.skipif(not os.environ.get("PM25_CLUSTER"), reason="the cluster runs in make test-cluster only"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_datastore"),
]


def now_thai_hour() -> datetime:
    return datetime.now(THAI_TZ).replace(minute=0, second=0, microsecond=0, tzinfo=None)


def harvest_air4thai(allow_upstream: Any, name: str = "air4thai") -> dict[str, Any]:
    sysadmin = factories.Sysadmin()
    org = factories.Organization(user=sysadmin, name="pcd", title="กรมควบคุมมลพิษ")
    with Air4ThaiServer(now_local=now_thai_hour(), hours=30) as server:
        allow_upstream(server.url)
        source = helpers.call_action(
            "harvest_source_create", context={"user": sysadmin["name"]}, name=name, title="Air4Thai",
            url=server.url, source_type="pm25_air4thai", owner_org=org["id"],
            config=json.dumps({"maintainer_email": "air@example.go.th"}))
        job = runner.run_inline(source["id"])
        job["stations"] = sorted(server.hourly)
    return job


def station_names(**search: Any) -> set[str]:
    found = helpers.call_action("package_search", fq="+dataset_type:dataset", rows=1000, **search)
    return {dataset["name"] for dataset in found["results"]}


def measurement_store() -> str:
    """The id of a DataStore resource the harvest filled (the network's measurement store)."""
    found = helpers.call_action("package_search", include_private=True, rows=1000)["results"]
    return next(resource["id"] for dataset in found for resource in dataset["resources"]
                if resource.get("datastore_active")
                and helpers.call_action("datastore_search", resource_id=resource["id"], limit=0)["total"])


@pytest.fixture
def replica_restarted() -> Iterator[None]:
    """Whatever the test stops, the replica streams again afterwards."""
    yield
    topology.cluster("start-replica")


@pytest.fixture
def solr_nodes_restarted() -> Iterator[None]:
    yield
    topology.cluster("start-solr", "1")
    topology.cluster("start-solr", "2")
    topology.cluster("wait-recovered")


class SearchLoad:
    """Clients searching the catalogue the way CKAN does (its solr_url, the balancer) in threads,
    counting every answer that is not a 200 with the expected documents."""

    def __init__(self, site_id: str, expected_at_least: int, clients: int = 3) -> None:
        self.site_id = site_id
        self.expected_at_least = expected_at_least
        self.stop = threading.Event()
        self.answered = 0
        self.failures: list[str] = []
        self.threads = [threading.Thread(target=self.client, daemon=True) for _ in range(clients)]

    def client(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                answer = session.get(f"{topology.solr_url()}/select", timeout=30, params={
                    "q": "*:*", "fq": f"+site_id:{self.site_id}", "rows": 0, "wt": "json"})
                found = answer.json()["response"]["numFound"] if answer.status_code == 200 else -1
                if found < self.expected_at_least:
                    self.failures.append(f"HTTP {answer.status_code}, {found} found: {answer.text[:200]}")
                self.answered += 1
            except (requests.RequestException, ValueError, KeyError) as error:
                self.failures.append(repr(error))

    def __enter__(self) -> SearchLoad:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


# --- the PostgreSQL replica -----------------------------------------------------------------


def test_the_dashboard_reads_on_the_replica(allow_upstream: Any) -> None:
    job = harvest_air4thai(allow_upstream)
    assert job["status"] == "Finished"
    topology.wait_for_replay()
    database = sa.engine.make_url(tk.config["sqlalchemy.url"]).database
    before = topology.replica_transactions(database)
    provinces = helpers.call_action("pm25_province_list")
    for _ in range(9):
        assert helpers.call_action("pm25_province_list") == provinces
    deadline = time.monotonic() + 10
    while topology.replica_transactions(database) < before + 10 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert topology.replica_transactions(database) >= before + 10
    assert {record["code"] for record in provinces if record["latest"]} >= {"TH-52", "TH-50", "TH-10"}


def test_with_the_replica_stopped_reads_fall_back_to_the_primary(
        app: Any, allow_upstream: Any, replica_restarted: None) -> None:
    job = harvest_air4thai(allow_upstream)
    assert job["status"] == "Finished"
    topology.wait_for_replay()
    provinces = helpers.call_action("pm25_province_list")
    lampang = helpers.call_action("pm25_province_show", id="TH-52")
    resource_id = measurement_store()
    rows = helpers.call_action("datastore_search", resource_id=resource_id, limit=1000)["records"]
    page = app.get("/en/pm25").get_data(as_text=True)

    topology.cluster("stop-replica")

    assert helpers.call_action("pm25_province_list") == provinces
    assert helpers.call_action("pm25_province_show", id="TH-52") == lampang
    assert helpers.call_action("datastore_search", resource_id=resource_id, limit=1000)["records"] == rows
    assert app.get("/en/pm25").get_data(as_text=True).count('data-code="TH-') == page.count('data-code="TH-')

    topology.cluster("start-replica")
    topology.wait_for_replay()
    assert helpers.call_action("pm25_province_list") == provinces


# --- SolrCloud --------------------------------------------------------------------------------


def test_the_node_without_leaders_killed_during_a_harvest_and_a_search_load(
        allow_upstream: Any, solr_nodes_restarted: None) -> None:
    site_id = tk.config["ckan.site_id"]
    before = [create_pm25_dataset(name=f"before-the-fault-{n}")["name"] for n in range(5)]
    assert station_names() >= set(before)
    follower = ({1, 2} - topology.leader_nodes() or {2}).pop()

    with SearchLoad(site_id, expected_at_least=len(before)) as load:
        time.sleep(1)
        topology.cluster("kill-solr", str(follower))
        job = harvest_air4thai(allow_upstream)
        found_during = station_names()
        time.sleep(1)
    assert job["status"] == "Finished"
    assert not load.failures, load.failures[:5]
    assert load.answered > 0
    stations = {f"air4thai-{station.lower()}" for station in job["stations"]}
    assert found_during >= set(before) | stations
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{topology.node_urls()[follower - 1]}/admin/info/system", timeout=5)

    topology.cluster("start-solr", str(follower))
    topology.cluster("wait-recovered")
    assert set(topology.replica_states()) == {"active"}
    # the returned node caught up: each shard's two replicas hold the same documents
    counts = topology.counts_by_shard(site_id)
    assert all(len(set(replicas)) == 1 for replicas in counts.values()), counts
    assert sum(replicas[0] for replicas in counts.values()) == topology.count_through_balancer(site_id)
    assert station_names() == found_during


def test_the_leaders_node_killed_under_a_search_load(allow_upstream: Any, solr_nodes_restarted: None) -> None:
    """Searches never fail; writes wait for ZooKeeper to expire the lost node's session and the
    other replicas to be elected (zkClientTimeout), then a harvest indexes as before."""
    site_id = tk.config["ckan.site_id"]
    before = [create_pm25_dataset(name=f"before-the-fault-{n}")["name"] for n in range(5)]
    leaders = topology.leader_nodes()
    assert len(leaders) == 1, "make cluster puts both shards' leaders on one node"
    lost = leaders.pop()

    with SearchLoad(site_id, expected_at_least=len(before)) as load:
        time.sleep(1)
        topology.cluster("kill-solr", str(lost))
        deadline = time.monotonic() + 60
        while topology.leader_nodes() != {3 - lost} and time.monotonic() < deadline:
            time.sleep(0.5)
        assert topology.leader_nodes() == {3 - lost}
        job = harvest_air4thai(allow_upstream)
        found_during = station_names()
    assert job["status"] == "Finished"
    assert not load.failures, load.failures[:5]
    stations = {f"air4thai-{station.lower()}" for station in job["stations"]}
    assert found_during >= set(before) | stations

    topology.cluster("start-solr", str(lost))
    topology.cluster("wait-recovered")
    counts = topology.counts_by_shard(site_id)
    assert all(len(set(replicas)) == 1 for replicas in counts.values()), counts
    assert station_names() == found_during
