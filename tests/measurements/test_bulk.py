"""The measurement store against the real DataStore: batches merged with COPY, read back through
CKAN's own DataStore actions as users read them. The plugins are loaded and the two networks
(one public, one private) made once per module; each test writes into a store table of its own."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import ckan.plugins
import psycopg2
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories, helpers

from ckanext.pm25.measurements.bulk import MergeCounts, merge
from ckanext.pm25.measurements.rows import InvalidMeasurement, Measurement
from ckanext.pm25.measurements.store import create_store
from tests.database import reset_stores
from tests.factories import create_pm25_dataset

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
SERIES = ("air4thai:L1", "air4thai:L2", "air4thai:S1")
PARAMETERS = ("pm25", "pm10")
HOURS = 24
ROWS = len(SERIES) * len(PARAMETERS) * HOURS
COLUMNS = "series_id, parameter, hour_utc, value, mean_24h, aqi_th, aqi_us, quality_flag, source, licence"


@dataclass
class Networks:
    sysadmin: dict[str, Any]
    public: dict[str, Any]
    private: dict[str, Any]


@pytest.fixture(scope="module")
def networks(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[Networks]:
    ckan.plugins.load_all()
    try:
        reset_stores(reset_db, reset_index, migrate_db_for, datastore=True)
        sysadmin = factories.Sysadmin()
        org = factories.Organization(user=sysadmin, name="pcd")
        public = create_pm25_dataset(sysadmin, name="air4thai-network", owner_org=org["id"])
        private = create_pm25_dataset(sysadmin, name="private-network", owner_org=org["id"], private=True)
        yield Networks(sysadmin, public, private)
    finally:
        ckan.plugins.unload_all()


def new_store(networks: Networks, dataset: dict[str, Any] | None = None) -> str:
    """A new resource on the network dataset (public unless told), made a store table."""
    context = {"user": networks.sysadmin["name"]}
    resource = helpers.call_action("resource_create", context=dict(context),
                                   package_id=(dataset or networks.public)["id"],
                                   name="Hourly measurements", url_type="datastore", url="_datastore_only_resource")
    create_store(dict(context), resource["id"])  # type: ignore[arg-type]
    return str(resource["id"])


@pytest.fixture
def store(networks: Networks) -> str:
    return new_store(networks)


def batch(value_of: Any = None) -> list[Measurement]:
    """Every series × parameter × hour of the test day; values a known function of the key."""
    rows = []
    for (i, series), (j, parameter), hour in itertools.product(
            enumerate(SERIES), enumerate(PARAMETERS), range(HOURS)):
        value = (value_of or (lambda i, j, h: 10 + i * 10 + j + h / 10))(i, j, hour)
        rows.append(Measurement(series, parameter, START + timedelta(hours=hour), value,
                                mean_24h=None if hour < 17 else 15.5, aqi_th=int(value), aqi_us=int(value) * 2,
                                quality_flag="ok", source="air4thai", licence="Open Government Licence – Thailand"))
    return rows


def search(resource_id: str, user: str = "", **data: Any) -> dict[str, Any]:
    """As ``user`` (anonymous by default), with CKAN's authorisation checked."""
    return helpers.call_action("datastore_search", context={"user": user, "ignore_auth": False},
                               resource_id=resource_id, **data)


def search_sql(sql: str, user: str = "") -> list[dict[str, Any]]:
    context = {"user": user, "ignore_auth": False}
    return list(helpers.call_action("datastore_search_sql", context=context, sql=sql)["records"])


def stored(resource_id: str) -> list[dict[str, Any]]:
    """Every row as datastore_search_sql reads it, _id included, in key order."""
    return search_sql(f'SELECT _id, {COLUMNS} FROM "{resource_id}" ORDER BY series_id, parameter, hour_utc')


def assert_totals_true(resource_id: str) -> None:
    """``total`` of datastore_search, unfiltered (CKAN's cached count) and by series, is the
    real row count."""
    (real,) = search_sql(f'SELECT count(*) AS n FROM "{resource_id}"')
    assert search(resource_id, limit=0)["total"] == int(real["n"])
    for series in SERIES:
        by_series = search(resource_id, filters={"series_id": series}, limit=1000)
        (count,) = search_sql(f"SELECT count(*) AS n FROM \"{resource_id}\" WHERE series_id = '{series}'")
        assert by_series["total"] == len(by_series["records"]) == int(count["n"])


def test_ten_runs_over_the_same_data_equal_one(store: str) -> None:
    first = merge(store, batch())
    assert first == MergeCounts(inserted=ROWS, updated=0, unchanged=0)
    assert_totals_true(store)
    after_one = stored(store)
    for _ in range(9):
        assert merge(store, batch()) == MergeCounts(inserted=0, updated=0, unchanged=ROWS)
        assert_totals_true(store)
    assert stored(store) == after_one
    assert len(after_one) == ROWS
    assert len({row["_id"] for row in after_one}) == ROWS


def test_a_series_reads_back_through_datastore_search_as_written(store: str) -> None:
    merge(store, batch())
    result = search(store, filters={"series_id": "air4thai:L2", "parameter": "pm10"}, sort="hour_utc", limit=100)
    assert result["total"] == HOURS
    first, last = result["records"][0], result["records"][-1]
    assert (first["series_id"], first["parameter"], float(first["value"]), first["mean_24h"]) == \
        ("air4thai:L2", "pm10", 21.0, None)
    assert last["hour_utc"].startswith("2024-01-01T23:00:00")
    assert float(last["value"]) == 23.3 and float(last["mean_24h"]) == 15.5
    assert (last["aqi_th"], last["aqi_us"], last["licence"]) == (23, 46, "Open Government Licence – Thailand")
    assert [f["id"] for f in result["fields"]][:4] == ["_id", "series_id", "parameter", "hour_utc"]


def test_a_changed_upstream_value_is_updated_in_place_and_only_it(store: str) -> None:
    merge(store, batch())
    before = stored(store)

    def corrected(i: int, j: int, hour: int) -> float:
        return 99.9 if (i, j, hour) == (1, 0, 5) else 10 + i * 10 + j + hour / 10
    changed = [replace(m, quality_flag="calibrating") if m.value == 99.9 else m for m in batch(corrected)]

    assert merge(store, changed) == MergeCounts(inserted=0, updated=1, unchanged=ROWS - 1)
    after = stored(store)
    differing = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(differing) == 1
    old, new = differing[0]
    assert new["_id"] == old["_id"]  # the same row, not a new one
    assert (new["series_id"], new["parameter"], float(new["value"]), new["quality_flag"]) == \
        ("air4thai:L2", "pm25", 99.9, "calibrating")
    assert_totals_true(store)
    # the DataStore's full text follows the update (its trigger recomputed _full_text)
    found = search(store, q="calibrating")
    assert [(r["_id"], r["quality_flag"]) for r in found["records"]] == [(new["_id"], "calibrating")]


def test_full_text_search_finds_new_rows(store: str) -> None:
    merge(store, batch())
    assert search(store, q="air4thai", limit=0)["total"] == ROWS


@pytest.mark.parametrize("failure", [
    pytest.param(float("nan"), id="refused-by-the-store"),
    pytest.param(Decimal("1e200000"), id="refused-by-postgresql"),
])
def test_a_batch_failing_half_way_leaves_the_store_as_it_was(store: str, failure: Any) -> None:
    merge(store, batch())
    before = stored(store)
    total = search(store, limit=0)["total"]
    bigger = [replace(m, value=m.value + 1) for m in batch()]  # type: ignore[operator]
    new_day = [replace(m, hour_utc=m.hour_utc + timedelta(days=1)) for m in batch()]
    half = len(bigger) // 2
    broken = [*bigger[:half], replace(bigger[half], value=failure), *bigger[half + 1:], *new_day]

    with pytest.raises(InvalidMeasurement if isinstance(failure, float) else psycopg2.DataError):
        merge(store, broken)
    assert stored(store) == before
    assert search(store, limit=0)["total"] == total == ROWS
    # and the store takes the corrected batch afterwards
    assert merge(store, bigger + new_day) == MergeCounts(inserted=ROWS, updated=ROWS, unchanged=0)
    assert_totals_true(store)


def test_within_a_batch_the_last_measurement_of_an_hour_wins(store: str) -> None:
    assert merge(store, []) == MergeCounts(inserted=0, updated=0, unchanged=0)
    first, again = batch()[0], replace(batch()[0], value=55.5)
    assert merge(store, [first, again]) == MergeCounts(inserted=1, updated=0, unchanged=0)
    assert [float(r["value"]) for r in stored(store)] == [55.5]


def test_a_missing_store_table_is_not_found_and_nothing_is_written(networks: Networks) -> None:
    with pytest.raises(tk.ObjectNotFound):
        merge("00000000-0000-0000-0000-000000000000", batch())


def test_a_private_networks_measurements_are_not_readable_anonymously(networks: Networks, store: str) -> None:
    private = new_store(networks, networks.private)
    merge(private, batch())
    merge(store, batch())
    sysadmin = networks.sysadmin["name"]
    assert search(private, user=sysadmin, limit=0)["total"] == ROWS
    assert search(store, limit=0)["total"] == ROWS  # the public network: anyone
    assert len(search_sql(f'SELECT series_id FROM "{store}" LIMIT 3')) == 3
    with pytest.raises(tk.NotAuthorized):
        search(private, filters={"series_id": "air4thai:L1"})
    with pytest.raises(tk.NotAuthorized):
        search_sql(f'SELECT * FROM "{private}"')
    with pytest.raises(tk.NotAuthorized):  # not even beside a public table
        search_sql(f'SELECT series_id FROM "{store}" UNION ALL SELECT series_id FROM "{private}"')
    assert len(search_sql(f'SELECT series_id FROM "{private}" LIMIT 3', user=sysadmin)) == 3


def test_rows_written_by_datastore_upsert_get_their_full_text_and_merges_replace_it(
        networks: Networks, store: str) -> None:
    record = {"series_id": "air4thai:L1", "parameter": "pm25", "hour_utc": "2024-01-01T00:00:00Z",
              "value": 10, "quality_flag": "maintenance", "source": "air4thai"}
    helpers.call_action("datastore_upsert", context={"user": networks.sysadmin["name"]}, resource_id=store,
                        records=[record], method="upsert", force=True)
    assert [r["quality_flag"] for r in search(store, q="maintenance")["records"]] == ["maintenance"]
    counts = merge(store, batch())
    assert (counts.inserted, counts.updated) == (ROWS - 1, 1)
    assert search(store, q="maintenance")["total"] == 0
    assert search(store, q="air4thai L1 pm25", limit=0)["total"] == HOURS


def test_making_the_store_again_keeps_its_rows_and_its_writes_working(networks: Networks, store: str) -> None:
    merge(store, batch())
    before = stored(store)
    create_store({"user": networks.sysadmin["name"]}, store)  # type: ignore[arg-type]
    assert stored(store) == before
    assert merge(store, batch(lambda i, j, h: 50.0)).updated == ROWS
    assert search(store, q="50.0", limit=0)["total"] == ROWS
    assert_totals_true(store)
