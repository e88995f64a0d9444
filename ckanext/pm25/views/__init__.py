"""Blueprints: each module owns its pages and exposes `blueprint`."""
from __future__ import annotations

from flask import Blueprint


def get_blueprints() -> list[Blueprint]:
    from ckanext.pm25.views import dashboard, province

    return [province.blueprint, dashboard.blueprint]
