"""A data request as the public sees it (the action API, the pages, the CSV): what was asked,
where and for when, its agency, status, supporters and every step with its date. Never who asked
or supports it, nor any address: steps are told by who took them in public terms (the agency,
the requester, the catalogue's administrators)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ckan import model

from ckanext.pm25.participation.letters import page_url
from ckanext.pm25.provinces.labels import province_label


def agency(agency_id: str | None) -> dict[str, str] | None:
    group = model.Group.get(agency_id) if agency_id else None
    if group is None:
        return None
    return {"id": str(group.id), "name": str(group.name), "title": str(group.title or group.name)}


def datasets(dataset_ids: Iterable[str]) -> list[dict[str, str]]:
    """The linked datasets still public (one made private or deleted since is left out)."""
    found = []
    for dataset_id in dataset_ids:
        dataset = model.Package.get(dataset_id)
        if dataset is not None and dataset.state == "active" and not dataset.private:
            found.append({"id": str(dataset.id), "name": str(dataset.name),
                          "title": str(dataset.title or dataset.name)})
    return found


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def summary(row: Any) -> dict[str, Any]:
    return {
        "id": row.id, "title": row.title, "description": row.description,
        "provinces": [{"code": code, "name": province_label(code)} for code in row.province_codes],
        "districts": row.districts, "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(), "agency": agency(row.agency_id), "status": row.status,
        "created": _when(row.created), "closed": _when(row.closed), "supporters": int(row.supporters),
        "url": page_url("th", f"/pm25/requests/{row.id}"),
    }


def step(row: Any) -> dict[str, Any]:
    return {"kind": row.kind, "created": _when(row.created), "agency": agency(row.agency_id),
            "message": row.message, "datasets": datasets(row.dataset_ids), "reason": row.reason,
            "oia_section": row.oia_section}
