"""Checks for real that the services CKAN needs answer, and says what to do when one does not.

PostgreSQL: a connection. Redis: PING. Solr: a query on the core answers and its schema name
matches the installed CKAN. Exits non-zero with the service, its log file and the fix.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psycopg2
import redis


class NotReady(Exception):
    """A service is not usable yet, or will not become usable: `fix` says what to do."""

    def __init__(self, message: str, fix: str = "", final: bool = False) -> None:
        super().__init__(message)
        self.fix = fix
        self.final = final


def check_postgres(url: str) -> str:
    try:
        with psycopg2.connect(url, connect_timeout=3) as conn, conn.cursor() as cur:
            cur.execute("SHOW server_version")
            return f"PostgreSQL {cur.fetchone()[0]}"
    except psycopg2.OperationalError as error:
        raise NotReady(str(error).strip(),
                       "check that the server runs and the URL's user and password are right") from error


def check_redis(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        client.ping()
        return f"Redis {client.info('server')['redis_version']}"
    except redis.RedisError as error:
        raise NotReady(str(error), "check that redis-server runs on that host and port") from error


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def _process_gone(pid_file: Path | None) -> bool:
    if pid_file is None or not pid_file.exists():
        return False
    return not Path("/proc", pid_file.read_text().strip()).exists()


def _is_cloud_collection(base: str, name: str) -> bool:
    """SolrCloud: CKAN's URL names a collection, whose cores are named after its shards."""
    try:
        return name in _get_json(f"{base}/admin/collections?action=LIST&wt=json").get("collections", [])
    except (urllib.error.URLError, OSError):
        return False


def check_solr(core_url: str, ckan_version: str, pid_file: Path | None) -> str:
    base, core = core_url.rstrip("/").rsplit("/", 1)
    try:
        status = _get_json(f"{base}/admin/cores?action=STATUS&core={core}&wt=json")
    except (urllib.error.URLError, OSError) as error:
        if _process_gone(pid_file):
            raise NotReady(f"the Solr process exited ({error})",
                           "read the end of the log: a Java error, a port taken, or missing jars (make install)",
                           final=True) from error
        raise NotReady(f"no answer from {base} ({error})", "Solr is starting, or did not start") from error
    failure = status.get("initFailures", {}).get(core)
    if failure:
        raise NotReady(f"core '{core}' failed to load: {failure}",
                       "fix the core's configuration (schema.xml, solrconfig.xml) and restart Solr", final=True)
    if not status.get("status", {}).get(core) and not _is_cloud_collection(base, core):
        raise NotReady(f"core '{core}' is not loaded yet", "wait, or check that the core exists")
    try:
        _get_json(f"{core_url}/select?q=*:*&rows=0&wt=json")
        name = _get_json(f"{core_url}/schema/name?wt=json")["name"]
    except (urllib.error.URLError, OSError, KeyError) as error:
        raise NotReady(f"core '{core}' does not answer queries ({error})", "check the Solr log") from error
    expected = "ckan-" + ".".join(ckan_version.split(".")[:2])
    if name != expected:
        raise NotReady(f"core '{core}' has schema '{name}', the installed CKAN needs '{expected}'",
                       "restart the stack (make stop; make run) so the schema is rewritten", final=True)
    return f"Solr core '{core}' (schema {name})"


def wait_for(name: str, check: Callable[[], str], log: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            print(f"[pm25] ready: {check()}")
            return True
        except NotReady as problem:
            if problem.final or time.monotonic() > deadline:
                print(f"[pm25] {name} is not ready: {problem}\n"
                      f"       log: {log}\n       fix: {problem.fix}", file=sys.stderr)
                return False
        time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--solr", required=True)
    parser.add_argument("--ckan-version", required=True)
    parser.add_argument("--logs", type=Path, required=True)
    parser.add_argument("--solr-pid-file", type=Path)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    results = [
        wait_for("PostgreSQL", lambda: check_postgres(args.pg), args.logs / "postgres.log", args.timeout),
        wait_for("Redis", lambda: check_redis(args.redis), args.logs / "redis.log", args.timeout),
        wait_for("Solr", lambda: check_solr(args.solr, args.ckan_version, args.solr_pid_file),
                 args.logs / "solr.log", args.timeout),
    ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
