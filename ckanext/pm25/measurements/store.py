"""A measurement store table: a DataStore resource (one per source network) made with the
store's fields, key and indexes through ``datastore_create``, so that ``datastore_search``,
``datastore_search_sql``, previews and downloads read the store itself, under CKAN's own
authorisation (a private network's resource is private).

Two changes to what ``datastore_create`` makes, both keeping the DataStore's behaviour: its
full-text index on ``_full_text`` becomes GIN (same name, so a later ``datastore_create`` keeps
it; the DataStore's default GiST costs most of a bulk write), and its ``zfulltext`` trigger
gets the condition its function starts with (``_full_text IS NULL``) as a trigger ``WHEN``, so
rows the bulk merge writes with their ``_full_text`` do not call the function at all."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.types import Context
from ckanext.datastore.backend.postgres import get_write_engine, identifier

from ckanext.pm25.measurements.fields import MEASUREMENTS
from ckanext.pm25.measurements.shapes import TableShape

_GIST_FULL_TEXT = sa.text("""
    SELECT index.relname
    FROM pg_index JOIN pg_class AS index ON index.oid = pg_index.indexrelid
    JOIN pg_am ON pg_am.oid = index.relam
    WHERE pg_index.indrelid = CAST(:table AS regclass) AND pg_am.amname = 'gist'
      AND pg_get_indexdef(pg_index.indexrelid) LIKE '%(_full_text)'""")


def create_store(context: Context, resource_id: str, shape: TableShape = MEASUREMENTS) -> None:
    """Make (or bring up to date) the store table of the resource ``resource_id`` (a
    measurement store unless another ``shape`` is given); the caller's context decides who may
    (``datastore_create``'s own auth: editing the resource)."""
    tk.get_action("datastore_create")(context, {
        "resource_id": resource_id, "fields": [dict(field) for field in shape.fields],
        "primary_key": list(shape.key), "indexes": list(shape.indexes), "force": True,
        "calculate_record_count": False})
    table = identifier(resource_id)
    with get_write_engine().begin() as connection:
        for name in connection.execute(_GIST_FULL_TEXT, {"table": table}).scalars().all():
            connection.execute(sa.text(f"DROP INDEX {identifier(name)}"))
            connection.execute(sa.text(f"CREATE INDEX {identifier(name)} ON {table} USING gin (_full_text)"))
        connection.execute(sa.text(f"DROP TRIGGER IF EXISTS zfulltext ON {table}"))
        connection.execute(sa.text(
            f"CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
            f"WHEN (NEW._full_text IS NULL) EXECUTE PROCEDURE populate_full_text_trigger()"))


def store_exists(resource_id: str) -> bool:
    """Whether the DataStore holds a table for ``resource_id``."""
    with get_write_engine().connect() as connection:
        found = connection.execute(
            sa.text("SELECT to_regclass(:table) IS NOT NULL"),
            {"table": identifier(resource_id)}).scalar()
    return bool(found)


def drop_store(resource_id: str) -> None:
    """Drop the store table of a resource that no longer exists in CKAN (``datastore_delete``
    needs the resource), so no table outlives its resource."""
    with get_write_engine().begin() as connection:
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {identifier(resource_id)}"))
