"""CKAN action calls made as the site user: the harvester acts on the site's behalf, with
authorisation checks skipped, whatever process (queue consumer, CLI, test) runs it. What a
harvester writes comes from upstream: the schema's defaults of the PM2.5 description are not
filled in for it (unknown stays empty, see ``dataset.validators.VALUES_FROM_UPSTREAM``)."""
from __future__ import annotations

import functools
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.pm25.dataset.validators import VALUES_FROM_UPSTREAM


@functools.lru_cache(maxsize=4)
def _site_user_name(site_id: str) -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def action_context() -> Context:
    """A fresh context for one action call, as the site user (CKAN mutates contexts)."""
    context: dict[str, Any] = {"user": _site_user_name(tk.config.get("ckan.site_id") or ""),
                               "ignore_auth": True, VALUES_FROM_UPSTREAM: True}
    return cast(Context, context)


def call(action: str, data: dict[str, Any]) -> Any:
    return tk.get_action(action)(action_context(), data)
