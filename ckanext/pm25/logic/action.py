"""Actions of ckanext-pm25, gathered from the modules that own them (CKAN convention:
check_access → validate → act in each)."""
from __future__ import annotations

from typing import Any, Callable


def get_actions() -> dict[str, Callable[..., Any]]:
    from ckanext.pm25.logic import dashboard_actions, province_actions, unknown_keys

    return {**province_actions.ACTIONS, **dashboard_actions.ACTIONS, **unknown_keys.ACTIONS}
