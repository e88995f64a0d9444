"""Fixtures for the gazetteer tests: pure Python, no CKAN."""
from __future__ import annotations

import csv
from importlib import resources

import pytest

from ckanext.pm25.geo.lookup import Gazetteer, default_gazetteer


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture(scope="session")
def seats() -> list[dict[str, str]]:
    text = resources.files("ckanext.pm25.geo").joinpath("data").joinpath("seats.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))
