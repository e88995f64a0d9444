"""The portal as `make run` serves it (dev/serve.sh: uWSGI's workers behind nginx) on spare
ports, over the test configuration and the known readings: a repeat anonymous request is
answered by nginx's cache, a signed-in or token-carrying one never is, and static files come
from disk without CKAN."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from ckan.tests import factories

from tests.readings.conftest import Known

pytestmark = pytest.mark.usefixtures("with_plugins")

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pm25-Serving-Password-1"


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(known: Known, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """dev/serve.sh started on the test configuration; yields the base URL, stops it after."""
    port = spare_port()
    folder = ROOT / ".stack" / f"serve-test-{port}"
    # CKAN_SITE_URL: the portal's own links and redirects (after signing in) lead to nginx
    env = {**os.environ, "PM25_WEB_PORT": str(port), "PM25_WEB_WORKERS": "2",
           "PM25_SERVE_DIR": str(folder),
           "CKAN_SITE_URL": f"http://127.0.0.1:{port}"}
    script = [str(ROOT / "dev" / "serve.sh")]
    started = subprocess.run(["bash", *script, "start", str(ROOT / "test.ini")], env=env, capture_output=True,
                             text=True, timeout=300)
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", *script, "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def signed_in_session(base: str) -> requests.Session:
    user = factories.User(password=PASSWORD)
    session = requests.Session()
    login = session.get(f"{base}/en/user/login", timeout=30).text
    token = re.search(r'name="_csrf_token"[^>]*value="([^"]+)"', login)
    assert token
    session.post(f"{base}/en/user/login", data={"login": user["name"], "password": PASSWORD,
                                                "_csrf_token": token.group(1)}, timeout=30)
    assert user["name"] in session.get(f"{base}/en/dashboard/datasets", timeout=30).text
    return session


def test_a_repeat_anonymous_request_is_served_by_the_cache(served: str) -> None:
    for path in ("/pm25", "/en/province/TH-52", "/api/3/action/pm25_province_list"):
        first = requests.get(served + path, timeout=60)
        assert first.status_code == 200
        assert first.headers["X-Cache-Status"] in ("MISS", "EXPIRED")
        assert "Set-Cookie" not in first.headers
        again = requests.get(served + path, timeout=60)
        assert again.headers["X-Cache-Status"] == "HIT"
        assert again.content == first.content
        assert again.headers["ETag"] == first.headers["ETag"]
        unchanged = requests.get(served + path, headers={"If-None-Match": first.headers["ETag"]}, timeout=60)
        assert unchanged.status_code == 304


def test_a_signed_in_request_is_never_served_from_or_stored_in_the_cache(served: str) -> None:
    requests.get(f"{served}/pm25", timeout=60)
    assert requests.get(f"{served}/pm25", timeout=60).headers["X-Cache-Status"] == "HIT"
    session = signed_in_session(served)
    for _ in range(2):
        page = session.get(f"{served}/pm25", timeout=60)
        assert page.status_code == 200
        assert page.headers["X-Cache-Status"] == "BYPASS"
        assert page.headers["Cache-Control"] == "private, no-cache"
        assert "Log out" in page.text or "ออกจากระบบ" in page.text
    # what the signed-in user was served did not go into the cache
    anonymous = requests.get(f"{served}/pm25", timeout=60)
    assert anonymous.headers["X-Cache-Status"] == "HIT"
    assert "ออกจากระบบ" not in anonymous.text


def test_an_api_token_bypasses_the_cache(served: str, known: Known) -> None:
    token = factories.APIToken(user=known.user["name"])["token"]
    url = f"{served}/api/3/action/pm25_province_list"
    requests.get(url, timeout=60)
    answer = requests.get(url, headers={"Authorization": token}, timeout=60)
    assert answer.headers["X-Cache-Status"] == "BYPASS"
    assert answer.headers["Cache-Control"] == "private, no-cache"


def test_static_files_come_from_disk(served: str) -> None:
    page = requests.get(f"{served}/en/pm25", timeout=60).text
    assets = re.findall(r'(?:href|src)="(/webassets/[^"]+)"', page)
    assert assets
    for path in (*assets[:3], "/base/images/ckan-logo.png"):
        response = requests.get(served + path, timeout=60)
        assert response.status_code == 200, path
        assert "X-Cache-Status" not in response.headers, path  # nginx's own file, not CKAN's answer
        if path.startswith("/webassets/"):
            # named by a hash of their content: kept a year, never asked again
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", path
        else:
            assert response.headers["Cache-Control"] == "max-age=86400", path
    # the page's scripts and styles travel compressed
    for path in [asset for asset in assets if asset.endswith((".js", ".css"))][:3]:
        response = requests.get(served + path, headers={"Accept-Encoding": "gzip"}, timeout=60, stream=True)
        assert response.headers.get("Content-Encoding") == "gzip", path
        response.close()
