"""Loads the demo agencies and datasets shipped in demo.json, idempotently: a second load updates
what the first created instead of duplicating it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

DEMO_FILE = Path(__file__).with_name("demo.json")


def load_demo(site_user: str) -> dict[str, int]:
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    counts = {"organizations": 0, "datasets": 0}
    for org in demo["organizations"]:
        _upsert("organization", org, site_user)
        counts["organizations"] += 1
    for dataset in demo["datasets"]:
        _upsert("package", dataset, site_user)
        counts["datasets"] += 1
    return counts


def _upsert(kind: str, data: dict[str, Any], site_user: str) -> None:
    context: Context = {"user": site_user}
    try:
        existing = tk.get_action(f"{kind}_show")(context.copy(), {"id": data["name"]})
    except tk.ObjectNotFound:
        tk.get_action(f"{kind}_create")(context.copy(), dict(data))
        return
    tk.get_action(f"{kind}_patch")(context.copy(), dict(data, id=existing["id"]))
