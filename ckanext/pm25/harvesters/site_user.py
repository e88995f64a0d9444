"""CKAN action calls made as the site user: the harvester acts on the site's behalf, with
authorisation checks skipped, whatever process (queue consumer, CLI, test) runs it."""
from __future__ import annotations

import functools
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context


@functools.lru_cache(maxsize=4)
def _site_user_name(site_id: str) -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def action_context() -> Context:
    """A fresh context for one action call, as the site user (CKAN mutates contexts)."""
    return {"user": _site_user_name(tk.config.get("ckan.site_id") or ""), "ignore_auth": True}


def call(action: str, data: dict[str, Any]) -> Any:
    return tk.get_action(action)(action_context(), data)
