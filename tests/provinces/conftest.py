"""A catalogue for the province-filter tests: a dataset at the seat of every province, a polygon
that crosses from Chiang Mai into Lampang, and a dataset tagged Lampang without a location.

Built once per module (creating 80 datasets per test would dominate the run); the tests that use
it only read."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import ckan.plugins
import pytest
from ckan.tests import factories
from shapely.geometry import box, mapping

from tests.database import reset_stores
from tests.factories import create_pm25_dataset, point

# A 0.2° square in Chiang Mai whose north-east corner reaches 0.45 % of its area into Lampang:
# too little to be tagged Lampang, but it does intersect Lampang.
CROSS_BORDER_SQUARE = box(99.135, 18.763, 99.335, 18.963)


def read_seats() -> list[dict[str, str]]:
    text = resources.files("ckanext.pm25.geo").joinpath("data").joinpath("seats.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass
class Catalogue:
    user: dict[str, Any]
    organization: dict[str, Any]
    seat_datasets: dict[str, dict[str, Any]] = field(default_factory=dict)  # by province code
    cross_border: dict[str, Any] | None = None
    tagged_only: dict[str, Any] | None = None


@pytest.fixture(scope="module")
def catalogue(reset_db: Any, reset_index: Any, migrate_db_for: Any) -> Iterator[Catalogue]:
    ckan.plugins.load_all()
    try:
        reset_stores(reset_db, reset_index, migrate_db_for)
        user = factories.Sysadmin()
        organization = factories.Organization(user=user)
        built = Catalogue(user=user, organization=organization)
        for seat in read_seats():
            built.seat_datasets[seat["code"]] = create_pm25_dataset(
                user=user, owner_org=organization["id"], name=f"seat-{seat['code'].lower()}",
                title=f"PM2.5 at {seat['seat_en']}", spatial=point(float(seat["lon"]), float(seat["lat"])))
        built.cross_border = create_pm25_dataset(
            user=user, owner_org=organization["id"], name="cross-border-chiang-mai-lampang",
            title="Model grid cell across the Chiang Mai–Lampang border",
            spatial=json.dumps(mapping(CROSS_BORDER_SQUARE)))
        built.tagged_only = create_pm25_dataset(
            user=user, owner_org=organization["id"], name="tagged-lampang-no-location",
            title="Lampang provincial report", provinces=["TH-52"])
    finally:
        ckan.plugins.unload_all()
    yield built
