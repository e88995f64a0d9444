"""Auth functions of ckanext-pm25, gathered from the modules that own them."""
from __future__ import annotations

from typing import Any, Callable


def get_auth_functions() -> dict[str, Callable[..., Any]]:
    from ckanext.pm25.logic import dashboard_actions, province_actions

    return {**province_actions.AUTH, **dashboard_actions.AUTH}
