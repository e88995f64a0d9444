""""My area" never keeps a precise point (issue 16): the action answers for the point cut after
its second decimal (coarse_point.py), and the portal's request log holds only that point."""
from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest

from tests.conftest import _port_from_site_url
from tests.logs import logs_folder
from tests.readings.conftest import Known

pytestmark = pytest.mark.usefixtures("with_plugins")

PRECISE = {"lat": "18.308765", "lon": "99.506543"}  # a house near Lampang's station L1
COARSE = {"lat": "18.30", "lon": "99.50"}


def answer(portal: str, point: dict[str, str]) -> dict[str, Any]:
    query = "&".join(f"{key}={value}" for key, value in point.items())
    with urllib.request.urlopen(f"{portal}/api/3/action/pm25_my_area?{query}", timeout=30) as response:
        return json.load(response)["result"]


def test_a_precise_point_is_answered_and_logged_as_the_coarse_one(known: Known, portal: str) -> None:
    log = logs_folder() / f"test-portal-{_port_from_site_url(portal)}.log"

    precise, coarse = answer(portal, PRECISE), answer(portal, COARSE)
    with urllib.request.urlopen(f"{portal}/pm25/my-area?lat={PRECISE['lat']}&lon={PRECISE['lon']}", timeout=30):
        pass

    assert precise == coarse and precise["location"] == {"lat": 18.30, "lon": 99.50}
    assert precise["province"]["code"] == "TH-52" and precise["stations"]
    deadline = time.monotonic() + 10
    while "/pm25/my-area?lat=18.30&lon=99.50" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    text = log.read_text()
    assert "/api/3/action/pm25_my_area?lat=18.30&lon=99.50 " in text
    assert "/pm25/my-area?lat=18.30&lon=99.50 " in text
    assert "18.3087" not in text and "99.5065" not in text
