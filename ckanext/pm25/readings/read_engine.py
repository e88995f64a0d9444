"""Where the dashboard's read queries run: on a replica of CKAN's database when
``ckanext.pm25.readings.read_url`` names one, else (and whenever the replica refuses a connection)
on CKAN's own engine. Writes never come here (``hooks.writing``)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

# a pooled connection to a replica that went away is noticed on checkout, not in a page's query;
# after a fallback the pool reconnects to the replica within this many seconds of its return
_RECYCLE_SECONDS = 60

_replicas: dict[str, Engine] = {}


def primary_engine() -> Engine:
    assert model.meta.engine is not None, "CKAN's database engine is not configured"
    return model.meta.engine


def replica_engine() -> Engine | None:
    url = tk.config.get("ckanext.pm25.readings.read_url")
    if not url:
        return None
    engine = _replicas.get(url)
    if engine is None:
        engine = _replicas[url] = sa.create_engine(url, pool_pre_ping=True, pool_recycle=_RECYCLE_SECONDS)
    return engine


@contextmanager
def replica_reading() -> Iterator[Connection]:
    """A connection for read queries: the replica's, or the primary's when there is no replica or
    it does not answer (the page is served from the primary rather than failing)."""
    replica = replica_engine()
    conn: Connection | None = None
    if replica is not None:
        try:
            conn = replica.connect()
        except OperationalError as error:
            log.warning("The readings replica refused a connection, reading from the primary: %s",
                        str(error.orig).strip() if error.orig else error)
    if conn is None:
        conn = primary_engine().connect()
    with conn:
        yield conn
