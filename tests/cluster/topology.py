"""The cluster `make test-cluster` starts (dev/cluster.sh), seen from a test: its nodes stopped
and started by the same script, the replica's replay awaited, SolrCloud's replicas inspected."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import requests
import sqlalchemy as sa

CLUSTER_SH = Path(__file__).resolve().parents[2] / "dev" / "cluster.sh"


def cluster(*command: str) -> None:
    """dev/cluster.sh COMMAND…, on the ports of this run (inherited from make's environment)."""
    subprocess.run(["bash", str(CLUSTER_SH), *command], check=True, env=os.environ.copy(),
                   stdout=subprocess.DEVNULL, timeout=300)


def solr_url() -> str:
    return str(tk.config.get("solr_url")).rstrip("/")


def node_urls() -> list[str]:
    ports = (os.environ.get("PM25_SOLR_NODE1_PORT", "28453"), os.environ.get("PM25_SOLR_NODE2_PORT", "28454"))
    return [f"http://127.0.0.1:{port}/solr" for port in ports]


def _cluster_status() -> dict[str, Any]:
    for base in node_urls():
        try:
            answer = requests.get(f"{base}/admin/collections", timeout=10,
                                  params={"action": "CLUSTERSTATUS", "collection": "ckan", "wt": "json"})
        except requests.ConnectionError:
            continue
        return dict(answer.json()["cluster"])
    raise AssertionError("no Solr node answers")


def replica_states() -> list[str]:
    """The state of each of the collection's replicas, as ZooKeeper has it (asked of any live node)."""
    status = _cluster_status()
    live = set(status["live_nodes"])
    return [replica["state"] if replica["node_name"] in live else "down"
            for shard in status["collections"]["ckan"]["shards"].values()
            for replica in shard["replicas"].values()]


def leader_nodes() -> set[int]:
    """The nodes (1, 2) that lead a shard of the collection."""
    shards = _cluster_status()["collections"]["ckan"]["shards"]
    ports = [url.split(":")[2].split("/")[0] for url in node_urls()]
    return {ports.index(replica["node_name"].split(":")[1].split("_")[0]) + 1
            for shard in shards.values() for replica in shard["replicas"].values() if replica.get("leader") == "true"}


def count_through_balancer(site_id: str) -> int:
    answer = requests.get(f"{solr_url()}/select", timeout=10, params={
        "q": "*:*", "fq": f"+site_id:{site_id}", "rows": 0, "wt": "json"})
    answer.raise_for_status()
    return int(answer.json()["response"]["numFound"])


def counts_by_shard(site_id: str) -> dict[str, list[int]]:
    """For each shard, the documents of this site each of its replicas holds by itself (the
    replica's own core, not distributed): replicas in step hold the same number."""
    status = requests.get(f"{node_urls()[0]}/admin/collections", timeout=10,
                          params={"action": "CLUSTERSTATUS", "collection": "ckan", "wt": "json"}).json()
    counts: dict[str, list[int]] = {}
    for shard_name, shard in status["cluster"]["collections"]["ckan"]["shards"].items():
        for replica in shard["replicas"].values():
            answer = requests.get(f"{replica['base_url']}/{replica['core']}/select", timeout=10, params={
                "q": "*:*", "fq": f"+site_id:{site_id}", "rows": 0, "wt": "json", "distrib": "false"})
            answer.raise_for_status()
            counts.setdefault(shard_name, []).append(int(answer.json()["response"]["numFound"]))
    return counts


def primary_engine() -> sa.engine.Engine:
    return sa.create_engine(tk.config["sqlalchemy.url"], poolclass=sa.pool.NullPool)


def replica_engine() -> sa.engine.Engine:
    return sa.create_engine(tk.config["ckanext.pm25.readings.read_url"], poolclass=sa.pool.NullPool)


def wait_for_replay(timeout: float = 30.0) -> None:
    """Until the replica has applied everything the primary wrote so far (a read after a write
    on a replica sees the write only then: asynchronous streaming)."""
    with primary_engine().connect() as primary:
        target = primary.scalar(sa.text("SELECT pg_current_wal_lsn()"))
    deadline = time.monotonic() + timeout
    with replica_engine().connect() as replica:
        while time.monotonic() < deadline:
            if replica.scalar(sa.text("SELECT pg_last_wal_replay_lsn() >= CAST(:target AS pg_lsn)"),
                              {"target": target}):
                return
            time.sleep(0.05)
    raise AssertionError(f"the replica did not replay up to {target} in {timeout}s")


def replica_transactions(database: str) -> int:
    """Transactions the replica has run on one database (the replica's own statistics)."""
    with replica_engine().connect() as replica:
        return int(replica.scalar(sa.text(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = :name"),
            {"name": database}))
