"""The dataset as stored before this write, for the validators whose values follow its location
(GD-Catalog's bounding fields, coverage level and province tags).

CKAN's package_update puts the stored dataset (its model object) in the context as "package"
before it validates; a create has none. A context reused from another call may hold another
dataset: only the one with the id being written counts.
"""
from __future__ import annotations

from typing import Any, cast

from ckan.types import Context, FlattenDataDict

from ckanext.pm25.geo.errors import GeoError
from ckanext.pm25.provinces import located


def stored_fields(data: FlattenDataDict, context: Context) -> dict[str, str] | None:
    """The stored dataset's schema fields kept as extras (`spatial`, `provinces`…); None for a new dataset."""
    package = cast(dict[str, Any], context).get("package")
    if package is None or getattr(package, "id", None) != data.get(("id",)):
        return None
    return {str(key): str(value) for key, value in dict(getattr(package, "extras", None) or {}).items()}


def stored_location(fields: dict[str, str] | None) -> located.LocatedGeometry | None:
    """The stored dataset's geometry, read again (remembered when this process read it before)."""
    text = (fields or {}).get("spatial")
    if not text:
        return None
    try:
        return located.locate(text)
    except GeoError:
        return None  # stored before a stricter rule: nothing follows from it
