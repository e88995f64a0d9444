"""The people around data requests, as CKAN users and organizations: a requester, another user,
the agency (PCD) with a member, an editor and an admin, another agency (GISTDA) with its editor,
a sysadmin; a public dataset of PCD, and how each of them calls the action API."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from ckan.tests import factories

from tests.factories import create_pm25_dataset

PASSWORD = "pm25-Requests-Password-1"  # every user's, for signing in with a browser
ROLES = ("anonymous", "requester", "other_user", "agency_member", "agency_editor", "agency_admin",
         "other_agency_editor", "sysadmin")


@dataclass
class World:
    users: dict[str, dict[str, Any]]
    tokens: dict[str, str]
    agency: dict[str, Any]
    other_agency: dict[str, Any]
    dataset: dict[str, Any]

    def name(self, role: str) -> str:
        return "" if role == "anonymous" else str(self.users[role]["name"])


def call(app: Any, world: World, role: str, action: str, data: dict[str, Any], status: int = 200,
         prefix: str = "/en") -> Any:
    """The action API over HTTP as ``role`` (its API token), answering ``status``; in English at
    /en/ by default, in Thai (the site's default) with ``prefix=""``."""
    headers = {"Authorization": world.tokens[role]} if role in world.tokens else {}
    answer = app.post(f"{prefix}/api/3/action/{action}", json=data, headers=headers, status=status)
    return answer.json


def cast(roles: tuple[str, ...]) -> tuple[dict[str, dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """A user for each of ``roles`` (but anonymous; the sysadmin a sysadmin), the agency (PCD)
    with its member, editor and admin, and another agency (GISTDA) with its editor."""
    users = {role: factories.User(name=role.replace("_", "-"), email=f"{role}@example.org", password=PASSWORD)
             for role in roles if role not in ("anonymous", "sysadmin")}
    users["sysadmin"] = factories.Sysadmin(name="site-admin", email="sysadmin@example.org", password=PASSWORD)
    agency = factories.Organization(name="pcd", title="กรมควบคุมมลพิษ", users=[
        {"name": users["agency_member"]["name"], "capacity": "member"},
        {"name": users["agency_editor"]["name"], "capacity": "editor"},
        {"name": users["agency_admin"]["name"], "capacity": "admin"}])
    other_agency = factories.Organization(name="gistda", title="GISTDA", users=[
        {"name": users["other_agency_editor"]["name"], "capacity": "editor"}])
    return users, agency, other_agency


def tokens_of(users: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {role: factories.APIToken(user=user["id"])["token"] for role, user in users.items()}


@pytest.fixture
def world(clean_db: None, clean_index: None, with_plugins: None) -> World:
    users, agency, other_agency = cast(ROLES)
    dataset = create_pm25_dataset(users["sysadmin"], owner_org=agency["id"], name="lampang-hourly-2024",
                                  title="Lampang hourly PM2.5 2024")
    return World(users, tokens_of(users), agency, other_agency, dataset)


def new_request(**overrides: Any) -> dict[str, Any]:
    return {"title": "Hourly PM2.5 of Mae Moh 2023", "description": "The hourly readings of the Mae Moh stations.",
            "provinces": ["TH-52"], "districts": "Mae Moh", "period_start": "2023-01-01",
            "period_end": "2023-12-31", "agency": "pcd", "language": "en", **overrides}
