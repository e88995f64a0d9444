"""The maps' base layer from the site's tile server (issue 16), in headless Chromium: with
`ckanext.pm25.map.tile_url` set (a tile server on 127.0.0.1 here), the dashboard's, a province
page's and a station page's maps request their tiles from it and show its attribution; unset (the
test configuration), no tile is requested from anywhere and the maps draw as before."""
from __future__ import annotations

import os
import socket
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import ROOT, serving
from tests.harvesters.harvesting import logging_sections
from tests.readings.conftest import Known
from tests.readings.test_browser import wait_for_map

pytestmark = pytest.mark.usefixtures("with_plugins")

ATTRIBUTION = "Tiles © Test Tile Server <contributors>"


def png() -> bytes:
    """A 1×1 transparent PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00")) + chunk(b"IEND", b""))


class TileServer:
    """Tiles at /tiles/{z}/{x}/{y}.png on 127.0.0.1, each request's path recorded."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        image, paths = png(), self.paths

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(image)))
                self.end_headers()
                self.wfile.write(image)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tiles(self) -> list[str]:
        return [path for path in self.paths if path.startswith("/tiles/") and path.endswith(".png")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def tile_server() -> Iterator[TileServer]:
    server = TileServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def tiled_portal(tile_server: TileServer, tmp_path: Path) -> Iterator[str]:
    """`ckan run` on the test configuration plus the two map settings, on a port of its own."""
    ini = tmp_path / "tiles.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{ROOT / 'test.ini'}\n"
        f"ckanext.pm25.map.tile_url = {tile_server.url}/tiles/{{z}}/{{x}}/{{y}}.png\n"
        f"ckanext.pm25.map.tile_attribution = {ATTRIBUTION}\n\n"
        f"{logging_sections(str(ROOT / 'test.ini'))}", encoding="utf-8")
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    with serving(site, f"tiles-portal-{port}.log", {**os.environ, "CKAN_SITE_URL": site}, ini=ini) as url:
        yield url


def wait_for_tiles(browser: Any, holder: str) -> list[str]:
    """The addresses of the map's tiles once one has loaded, read in one go: Leaflet replaces its
    tiles when the map fits its data, which may land between two element reads."""
    WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(
        By.CSS_SELECTOR, f"{holder} img.leaflet-tile-loaded"))
    return list(browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(function (tile) { return tile.src; });",
        f"{holder} img.leaflet-tile"))


def attribution(browser: Any, holder: str) -> str:
    return str(browser.find_element(By.CSS_SELECTOR, f"{holder} .leaflet-control-attribution").text)


def test_every_map_draws_the_sites_tiles_with_their_attribution(
        tiled_portal: str, tile_server: TileServer, browser: Any, known: Known) -> None:
    station = known.stations["L1"]["name"]
    pages = {f"{tiled_portal}/pm25": "#pm25-aqi-map",
             f"{tiled_portal}/en/province/TH-52": "#pm25-station-map",
             f"{tiled_portal}/dataset/{station}": ".pm25-dataset-location-map"}
    for url, holder in pages.items():
        before = len(tile_server.tiles())
        browser.get(url)
        tiles = wait_for_tiles(browser, holder)
        assert tiles and all(tile.startswith(tile_server.url + "/tiles/") for tile in tiles)
        assert len(tile_server.tiles()) > before, url
        # the attribution as plain text, beside the boundaries' own
        shown = attribution(browser, holder)
        assert ATTRIBUTION in shown and "Natural Earth" in shown, url


def test_without_a_tile_url_no_tile_is_requested(portal: str, browser: Any, known: Known) -> None:
    browser.get(f"{portal}/pm25")
    wait_for_map(browser, "#pm25-aqi-map")
    assert browser.find_elements(By.CSS_SELECTOR, "#pm25-aqi-map path.pm25-province")
    assert browser.find_elements(By.CSS_SELECTOR, "#pm25-aqi-map .leaflet-tile") == []
    images = browser.execute_script(
        "return performance.getEntriesByType('resource')"
        "  .filter(function (e) { return e.initiatorType === 'img'; }).map(function (e) { return e.name; });")
    assert [image for image in images if "/tiles/" in image or not image.startswith(portal)] == []
    assert attribution(browser, "#pm25-aqi-map") == "Natural Earth"
