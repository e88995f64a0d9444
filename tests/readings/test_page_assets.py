"""How the pages load their assets (issue 16, the dashboard's speed): every script deferred, so
the page is painted before any script runs; the dashboard's and a province page's styles in the
head, so the map's box has its size before the map is drawn; the map's scripts only on pages
with a map."""
from __future__ import annotations

import re
from typing import Any

import pytest

from tests.readings.conftest import Known

pytestmark = pytest.mark.usefixtures("with_plugins")

SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"[^>]*>")


def scripts(html: str) -> list[str]:
    return [match.group(0) for match in SCRIPT.finditer(html)]


@pytest.mark.parametrize("path", ["/pm25", "/en/province/TH-52", "/dataset/", "/pm25/my-area"])
def test_every_script_is_deferred(known: Known, app: Any, path: str) -> None:
    tags = scripts(app.get(path).get_data(as_text=True))
    assert tags and [tag for tag in tags if " defer " not in tag] == []


@pytest.mark.parametrize("path", ["/pm25", "/en/province/TH-52"])
def test_the_maps_styles_are_in_the_head(known: Known, app: Any, path: str) -> None:
    head = app.get(path).get_data(as_text=True).split("</head>", 1)[0]
    assert re.search(r'href="[^"]+-dashboard\.css"', head)
    assert re.search(r'href="[^"]+-maps\.css"', head)


def test_the_maps_scripts_only_where_there_is_a_map(known: Known, app: Any) -> None:
    with_map_page = app.get("/pm25").get_data(as_text=True)
    without_page = app.get("/pm25/my-area").get_data(as_text=True)
    with_map, without = " ".join(scripts(with_map_page)), " ".join(scripts(without_page))
    assert "-maps.js" in with_map and "-maps.js" not in without
    # Leaflet is no script of the page: the map fetches it, from the addresses it carries, when near
    assert "dataset_map.js" not in with_map and "dataset_map.js" not in without
    assert re.search(r'data-module-leaflet="[^"]*dataset_map\.js', with_map_page)
    assert "data-module-leaflet" not in without_page
