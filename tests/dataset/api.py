"""Calling the action API as a given user, the way the schema tests need it."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import helpers

from tests.factories import pm25_dataset_dict


def act(action: str, user: dict[str, Any], **data: Any) -> dict[str, Any]:
    """`action` through the action API as `user`, authorisation checked. The session is renewed
    first: the portal (another process) may have changed what this one has loaded."""
    model.Session.remove()
    return helpers.call_action(action, context={"user": user["name"], "ignore_auth": False}, **data)


def create(user: dict[str, Any], owner_org: str, **overrides: Any) -> dict[str, Any]:
    return act("package_create", user, **pm25_dataset_dict(owner_org=owner_org, **overrides))


def refused(action: str, user: dict[str, Any], **data: Any) -> dict[str, list[str]]:
    """The validation errors of a call that must be refused."""
    with pytest.raises(tk.ValidationError) as refusal:
        act(action, user, **data)
    return refusal.value.error_dict


def refused_create(user: dict[str, Any], owner_org: str, **overrides: Any) -> dict[str, list[str]]:
    return refused("package_create", user, **pm25_dataset_dict(owner_org=owner_org, **overrides))
