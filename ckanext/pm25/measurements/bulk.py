"""Bulk writes into a measurement store table: one batch is one transaction on the DataStore's
write engine. The batch is streamed with COPY into a temporary staging table, then ONE
``INSERT ... SELECT ... ON CONFLICT (series_id, parameter, hour_utc) DO UPDATE`` inserts the new
hours and updates only the rows whose values differ; unchanged rows are not touched (no new row
version). A failure anywhere (a refused measurement half-way through the stream, a
database error) rolls the whole batch back: the store is as it was.

What the DataStore keeps about the table stays right: ``_id`` comes from its default,
``_full_text`` is written by the merge (the DataStore's trigger, which
:func:`~ckanext.pm25.measurements.store.create_store` makes skip rows that come with one, still
fills it for ``datastore_upsert`` writes), and the cached row count that ``datastore_search``
reports as ``total`` (``_table_stats``, CKAN 2.12; 2.11 counts with ``count(*)``) is raised by
the rows inserted in the same transaction, holding its row lock from the start, so concurrent
batches add up (batches into one network's table are written one after another).

Callers are trusted code (harvesters, CLI, migrations), as with ``force`` on DataStore actions:
no CKAN authorisation is checked here.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
import psycopg2.errors
from ckanext.datastore.backend.postgres import get_write_engine, identifier

from ckanext.pm25.measurements.rows import COLUMNS, KEY, VALUES, LinesFile, Measurement
from ckanext.pm25.measurements.shapes import TableShape
from ckanext.pm25.measurements.fields import MEASUREMENTS
from ckanext.pm25.measurements.flags import kept_flag_sql

_WORK_MEM = "64MB"


def _staging(shape: TableShape) -> str:
    return f"pm25_{shape.name}_staging"


def _staging_sql(shape: TableShape) -> str:
    columns = ", ".join(f"{name} {sql_type}{' NOT NULL' if name in shape.not_null else ''}"
                        for name, sql_type in shape.column_types)
    return f"""
    CREATE TEMPORARY TABLE {_staging(shape)} (
        {columns},
        position bigint GENERATED ALWAYS AS IDENTITY
    ) ON COMMIT DROP"""


def _copy_sql(shape: TableShape) -> str:
    return f"COPY {_staging(shape)} ({', '.join(shape.columns)}) FROM STDIN WITH (FORMAT csv)"


def _merge_sql(table: str, shape: TableShape) -> str:
    """The one merge. Within the batch the last record of a key wins. ``_full_text`` is
    what the DataStore's trigger would index, made set-wise: the words of the text columns
    parsed once per distinct combination in the batch (a series has the same few), and the
    numbers as the lexemes ``to_tsvector`` makes of them; times are left out (filters and SQL
    select time). ``xmax = 0`` tells an inserted row from an updated one."""
    key = ", ".join(shape.key)
    column_list = ", ".join(shape.columns)
    words = ", ".join(shape.words)
    staged = ", ".join(f"s.{column}" for column in shape.columns)
    target = ", ".join(f"t.{column}" for column in shape.values)
    # an agency's flag on a reading stays (measurements/flags.py)
    incoming = {column: kept_flag_sql(f"t.{column}", f"EXCLUDED.{column}") if column == "quality_flag"
                else f"EXCLUDED.{column}" for column in shape.values}
    excluded = ", ".join(incoming.values())
    assignments = ", ".join(f"{column} = {value}" for column, value in incoming.items())
    numbers = ", ".join(f"s.{column}::text" for column in shape.numbers)
    joined = " AND ".join(f"w.{column} = s.{column}" if column in shape.not_null
                          else f"w.{column} IS NOT DISTINCT FROM s.{column}"
                          for column in shape.words)
    return f"""
        WITH staged AS (
            SELECT DISTINCT ON ({key}) {column_list} FROM {_staging(shape)}
            ORDER BY {key}, position DESC
        ), worded AS MATERIALIZED (  -- parsed once per distinct combination, not per row
            SELECT {words}, to_tsvector(concat_ws(' ', {words})) AS words
            FROM (SELECT DISTINCT {words} FROM staged) AS distinct_words
        ), merged AS (
            INSERT INTO {table} AS t ({column_list}, _full_text)
            SELECT {staged}, w.words || array_to_tsvector(array_remove(
                ARRAY[{numbers}]::text[], NULL))
            FROM staged AS s JOIN worded AS w ON {joined}
            ON CONFLICT ({key}) DO UPDATE SET {assignments}, _full_text = EXCLUDED._full_text
            WHERE ({target}) IS DISTINCT FROM ({excluded})
            RETURNING (t.xmax = 0) AS inserted
        )
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted),
               (SELECT count(*) FROM staged)
        FROM merged"""


@dataclass(frozen=True)
class MergeCounts:
    inserted: int
    updated: int
    unchanged: int

    @property
    def written(self) -> int:
        return self.inserted + self.updated


@contextmanager
def _transaction() -> Iterator[Any]:
    """A cursor in one transaction on the DataStore's write engine: committed when the block
    ends, rolled back on any error (the store is then as it was)."""
    connection = get_write_engine().raw_connection()
    try:
        with connection.cursor() as cursor:
            yield cursor
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.close()


def _has_table_stats(cursor: Any) -> bool:
    cursor.execute("SELECT to_regclass('public._table_stats') IS NOT NULL")
    return bool(cursor.fetchone()[0])


def _hold_row_count(cursor: Any, resource_id: str) -> None:
    """Make sure the cached count exists (CKAN counts the table when it does not) and take its
    row lock until commit, so no other writer or reader caches a count between our insert and
    our commit."""
    cursor.execute("SELECT cached_table_row_count(%s)", (resource_id,))
    cursor.execute('SELECT 1 FROM "_table_stats" WHERE resource_id = %s FOR UPDATE', (resource_id,))


def _add_to_row_count(cursor: Any, resource_id: str, inserted: int) -> None:
    cursor.execute(
        """UPDATE "_table_stats"
           SET stats = jsonb_set(stats, '{rows}', to_jsonb((stats->>'rows')::bigint + %s))
           WHERE resource_id = %s""", (inserted, resource_id))


def merge(resource_id: str, measurements: Iterable[Measurement]) -> MergeCounts:
    """Write one batch into the measurement store table of ``resource_id`` (made by
    :func:`ckanext.pm25.measurements.store.create_store`) in one transaction. Raises
    :class:`~ckanext.pm25.measurements.rows.InvalidMeasurement` for a measurement the store
    refuses and ``toolkit.ObjectNotFound`` when there is no such table; either way nothing of
    the batch is stored."""
    return merge_records(resource_id, measurements, MEASUREMENTS)


def merge_records(resource_id: str, records: Iterable[Any], shape: TableShape) -> MergeCounts:
    """:func:`merge` for a store table of any ``shape`` (made with that shape): one COPY into
    a staging table, one merge on the shape's key, one transaction."""
    table = identifier(resource_id)
    with _transaction() as cursor:
        with_stats = _has_table_stats(cursor)
        try:
            if with_stats:
                _hold_row_count(cursor, resource_id)
            # the batch's sorts (one key, last wins; the words join) in memory, not on disk
            cursor.execute(f"SET LOCAL work_mem = '{_WORK_MEM}'")
            cursor.execute(_staging_sql(shape))
            source = LinesFile(shape.copy_lines(records))
            try:
                cursor.copy_expert(_copy_sql(shape), source)
            except psycopg2.Error:
                if source.error is not None:
                    raise source.error from None
                raise
            cursor.execute(_merge_sql(table, shape))
        except psycopg2.errors.UndefinedTable as error:
            raise tk.ObjectNotFound(f"No {shape.name} store table {resource_id}") from error
        inserted, updated, staged = cursor.fetchone()
        if with_stats and inserted:
            _add_to_row_count(cursor, resource_id, inserted)
    return MergeCounts(inserted=inserted, updated=updated, unchanged=staged - inserted - updated)


def move_series(from_id: str, to_id: str, series_id: str) -> int:
    """Move every row of one series from one store table to another, in one transaction (a
    station made private moves to its source's private store, and back): the rows are in
    exactly one of the two whatever fails. Returns the rows moved."""
    source, target = identifier(from_id), identifier(to_id)
    columns = ", ".join((*COLUMNS, "_full_text"))
    assignments = ", ".join(f"{column} = EXCLUDED.{column}" for column in (*VALUES, "_full_text"))
    with _transaction() as cursor:
        with_stats = _has_table_stats(cursor)
        if with_stats:
            for resource_id in sorted((from_id, to_id)):  # one lock order for every mover
                _hold_row_count(cursor, resource_id)
        cursor.execute(f"""
            WITH moved AS (DELETE FROM {source} WHERE series_id = %s RETURNING {columns}),
                 written AS (
                    INSERT INTO {target} AS t ({columns}) SELECT {columns} FROM moved
                    ON CONFLICT ({", ".join(KEY)}) DO UPDATE SET {assignments}
                    RETURNING (t.xmax = 0) AS inserted)
            SELECT (SELECT count(*) FROM moved), count(*) FILTER (WHERE inserted) FROM written""",
            (series_id,))
        moved, inserted = cursor.fetchone()
        if with_stats:
            _add_to_row_count(cursor, from_id, -moved)
            _add_to_row_count(cursor, to_id, inserted)
    return int(moved)
