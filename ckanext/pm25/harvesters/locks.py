"""One writer per harvested item at a time, across processes: two fetch consumers handed the
same object cannot both create its dataset."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from ckan import model


@contextmanager
def item_lock(key: str) -> Iterator[None]:
    """Hold a PostgreSQL advisory lock named ``key`` (session level, on its own connection so
    CKAN's commits inside the block do not release it)."""
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)
    # autocommit: the lock needs no transaction, and SQLAlchemy 1.4 (CKAN 2.11) connections
    # have no commit()
    engine = model.meta.engine
    assert engine is not None, "CKAN's database engine is set up before any harvest runs"
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        connection.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": number})
        try:
            yield
        finally:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": number})
    finally:
        connection.close()
