"""Valid PM2.5 datasets for tests: every required GD-Catalog field filled, overridable."""
from __future__ import annotations

import itertools
import json
from typing import Any

from ckan.tests import factories, helpers

_serial = itertools.count(1)

REQUIRED_FIELDS: dict[str, Any] = {
    "data_type": "ข้อมูลระเบียน",
    "maintainer": "ศูนย์ข้อมูลคุณภาพอากาศ",
    "maintainer_email": "air@example.go.th",
    "tag_string": "PM2.5,ฝุ่นละออง",
    "notes": "ค่าฝุ่นละอองขนาดเล็ก PM2.5 รายชั่วโมง",
    "objective": ["เพื่อการให้บริการประชาชน"],
    "data_source": "กรมควบคุมมลพิษ",
    "data_format": ["CSV"],
}


def point(lon: float, lat: float) -> str:
    return json.dumps({"type": "Point", "coordinates": [lon, lat]})


def pm25_dataset_dict(**overrides: Any) -> dict[str, Any]:
    number = next(_serial)
    data = {"name": f"pm25-dataset-{number}", "title": f"PM2.5 dataset {number}", **REQUIRED_FIELDS}
    data.update(overrides)
    return data


def create_pm25_dataset(user: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """package_create through the action API as `user` (a new sysadmin by default)."""
    user = user or factories.Sysadmin()
    if "owner_org" not in overrides:
        overrides["owner_org"] = factories.Organization(user=user)["id"]
    return helpers.call_action("package_create", context={"user": user["name"], "ignore_auth": False},
                               **pm25_dataset_dict(**overrides))
