"""Fixtures shared by the whole suite: a clean database (with the plugins' migrations), index,
DataStore and queues against the real services, and a running portal for browser tests."""
from __future__ import annotations

from contextlib import contextmanager

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import ckan.plugins.toolkit as tk

from ckanext.datastore.tests.conftest import clean_datastore  # noqa: F401  (re-exported fixture)

from tests import portal_clock
from tests.database import reset_database
from tests.loaded_plugins import load_plugins, app_for_this_config
from tests.logs import logs_folder
from tests.upstream.allowing import ALLOWED_HOSTS, origin_of

if TYPE_CHECKING:
    from selenium import webdriver

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session", autouse=True)
def installed_package_under_test() -> None:
    """Under dev/test_installed.sh (PM25_TEST_INSTALLED=1) the code under test is the wheel
    installed in the virtualenv, never a source tree or an editable install."""
    if os.environ.get("PM25_TEST_INSTALLED") != "1":
        return
    import ckanext.pm25

    location = Path(ckanext.pm25.__file__).resolve()
    site_packages = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert location.is_relative_to(site_packages), f"ckanext.pm25 is imported from {location}, not {site_packages}"
    direct_url = json.loads(metadata.distribution("ckanext-pm25").read_text("direct_url.json") or "{}")
    assert direct_url.get("url", "").endswith(".whl"), f"ckanext-pm25 was not installed from a wheel: {direct_url}"


@pytest.fixture
def with_plugins(ckan_config: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    """CKAN's ``with_plugins`` (the plugins of ``ckan.plugins`` loaded for the test), without a
    reload when the test before left them loaded from the same configuration (tests/loaded_plugins.py).
    The plugins stay loaded after the test, for the next one."""
    assert not any(request.node.iter_markers("with_plugins")), "the with_plugins mark is not supported here"
    load_plugins()
    yield


@pytest.fixture
def make_app(ckan_config: Any) -> Callable[[], Any]:
    """CKAN's ``make_app``, reusing the Flask app built for the same configuration (each test gets
    its own client, so no cookie is shared)."""
    from ckan.lib.app_globals import _CONFIG_CACHE

    _CONFIG_CACHE.clear()
    return app_for_this_config


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):  # type: ignore[no-untyped-def]
    """CKAN's clean_db, plus the tables of the plugins that have migrations."""
    reset_database(reset_db, migrate_db_for)


@pytest.fixture
def allow_upstream(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``allow_upstream(url, …)``: the imitation servers at these URLs (loopback, ephemeral
    ports) become allowed harvest destinations for this test only, each by its exact
    ``scheme://host:port`` in ``ckanext.pm25.harvest.allowed_hosts`` (test.ini allows none)."""
    def allow(*urls: str) -> None:
        current = tk.aslist(tk.config.get(ALLOWED_HOSTS))
        monkeypatch.setitem(tk.config, ALLOWED_HOSTS, [*current, *map(origin_of, urls)])
    return allow


def _port_from_site_url(site_url: str) -> int:
    return int(site_url.rsplit(":", 1)[1].split("/")[0])


def _wait_for_http(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the portal exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the portal did not answer {url} within {timeout} s")


@contextmanager
def serving(site_url: str, log_name: str, env: dict[str, str] | None = None,
            ini: Path = ROOT / "test.ini") -> Iterator[str]:
    """`ckan run` on the test configuration (or ``ini``) at ``site_url`` (its port), in its own
    process with ``env``, logging to ``log_name`` in the suite's log folder; yields the URL once
    it answers."""
    port = _port_from_site_url(site_url)
    # `ckan` through tests/portal_clock.py, so that a test holding the site's clock holds the portal's
    command = [sys.executable, str(Path(portal_clock.__file__)), "-c", str(ini), "run", "-H", "127.0.0.1",
               "-p", str(port), "--disable-reloader", "--threaded"]
    env = {**(os.environ if env is None else env), portal_clock.CLOCK_FILE: str(portal_clock.clock_file())}
    with open(logs_folder() / log_name, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_for_http(f"{site_url}/api/3/action/status_show", process, timeout=90)
        yield site_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def portal() -> Iterator[str]:
    """The portal served by `ckan run` on the test configuration, in its own process, for
    browser and remote-client tests. Yields its base URL."""
    site_url = tk.config["ckan.site_url"].rstrip("/")
    port = _port_from_site_url(site_url)
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(f"port {port} is taken: the test portal cannot start")
    with serving(site_url, f"test-portal-{port}.log") as url:
        yield url


@pytest.fixture
def browser(chromium: webdriver.Chrome) -> webdriver.Chrome:
    """The session's Chromium with an empty HTTP cache: the portal's pages may be cached for a
    while (Cache-Control), and a page an earlier test saw must not stand in for this test's."""
    chromium.execute_cdp_cmd("Network.clearBrowserCache", {})
    return chromium


@pytest.fixture(scope="session")
def chromium() -> Iterator[webdriver.Chrome]:
    """Debian's headless Chromium, driven by Selenium through chromium-driver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                 "--lang=th"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and other files a person may want to look at after a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
