"""The gazetteer as CKAN uses it: the boundaries an administrator loaded, else the shipped ones."""
from __future__ import annotations

import os

import ckan.plugins.toolkit as tk

from ckanext.pm25.geo.lookup import Gazetteer, current_gazetteer


def boundaries_path() -> str:
    configured = tk.config.get("ckanext.pm25.boundaries_path")
    if configured:
        return configured
    return os.path.join(tk.config.get("ckan.storage_path") or ".", "pm25", "provinces.geojson")


def gazetteer() -> Gazetteer:
    return current_gazetteer(boundaries_path())


def min_share() -> float:
    return float(tk.config.get("ckanext.pm25.province.min_share"))


def geometry_limits() -> dict[str, int]:
    """The size caps every geometry read by the catalogue goes through (``parse_geometry``'s keywords)."""
    return {"max_bytes": int(tk.config.get("ckanext.pm25.geometry.max_bytes")),
            "max_vertices": int(tk.config.get("ckanext.pm25.geometry.max_vertices"))}


def lookup_limits() -> dict[str, int]:
    """The caps of ``pm25_province_lookup``'s geometry: the catalogue's, its vertices capped
    further so that any accepted lookup is cheap (an anonymous request)."""
    limits = geometry_limits()
    cap = int(tk.config.get("ckanext.pm25.province.lookup_max_vertices"))
    limits["max_vertices"] = min(limits["max_vertices"], cap)
    return limits
