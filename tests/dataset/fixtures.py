"""Fixtures of the schema and form tests (imported by their conftest.py). The database and index
are reset and the plugins loaded once per module: every test makes its own datasets under unique
names on the module's agency, so tests need no reset between them (a reset with migrations and a
plugin reload cost seconds each, and there are many small tests here)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import ckan.plugins
import pytest
from ckan.cli.db import _run_migrations
from ckan.tests import factories

from tests.database import reset_stores

PASSWORD = "pm25-Test-Password-1"  # every user of these fixtures, for logging in with a browser


@pytest.fixture(scope="module", autouse=True)
def ckan_per_module(reset_db: Callable[[], None], reset_index: Callable[[], None]) -> Iterator[None]:
    """A clean database and index, and the plugins of test.ini loaded, for the whole module."""
    ckan.plugins.load_all()
    try:
        reset_stores(reset_db, reset_index, _run_migrations)
        yield
    finally:
        ckan.plugins.unload_all()


@pytest.fixture(scope="module")
def sysadmin() -> dict[str, Any]:
    return factories.Sysadmin()


@pytest.fixture(scope="module")
def agency(sysadmin: dict[str, Any]) -> dict[str, Any]:
    """An agency (organisation) with an admin, an editor and a plain member."""
    admin, editor, member = (factories.User(password=PASSWORD) for _ in range(3))
    organization = factories.Organization(
        user=sysadmin, title="กรมควบคุมมลพิษ",
        users=[{"name": admin["name"], "capacity": "admin"},
               {"name": editor["name"], "capacity": "editor"},
               {"name": member["name"], "capacity": "member"}])
    return {"organization": organization, "admin": admin, "editor": editor, "member": member}


@pytest.fixture(scope="module")
def other_agency(sysadmin: dict[str, Any]) -> dict[str, Any]:
    """A second agency with its own editor."""
    editor = factories.User(password=PASSWORD)
    organization = factories.Organization(user=sysadmin, title="กรมอุตุนิยมวิทยา",
                                          users=[{"name": editor["name"], "capacity": "editor"}])
    return {"organization": organization, "editor": editor}
