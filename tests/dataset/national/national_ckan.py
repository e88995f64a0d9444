"""A second CKAN for the harvest tests: the national catalogue, harvesting the test portal.

It is the same CKAN (the suite's virtualenv and version) with a configuration of its own written
here: its own database on the suite's PostgreSQL (``ckan_<slot>_national``, made by
dev/services.sh beside the slot's databases, or ``PM25_NATIONAL_SQLALCHEMY_URL``), the suite's
Solr core under a site id of its own (CKAN filters every search by site id), and the plugins the
test names: never ckanext-pm25. Everything it does runs in processes of its own (``ckan``
commands, ``ckan run``), started and stopped inside the test; at the end its database is
cleaned and its documents leave the index."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk

from tests.conftest import serving

HERE = Path(__file__).resolve().parent
GD_CATALOG_SCHEMA = HERE / "gd_catalog_schema.yaml"
# GD-Catalog's licences (ids and titles as the reference gives them, no URLs), the register of a
# national catalogue (``licenses_group_url``).
GD_CATALOG_LICENSES = HERE / "gd_catalog_licenses.json"

# The test plugin of this folder, made loadable by name through an entry point of its own. It is
# copied out as a top-level module: CKAN puts its own folder first on sys.path, where ``tests``
# is ckan.tests.
_PLUGIN_MODULE = "pm25_national_thai_tags"
_ENTRY_POINTS = f"[ckan.plugins]\nthai_tags = {_PLUGIN_MODULE}:ThaiTagsPlugin\n"
_METADATA = "Metadata-Version: 2.1\nName: pm25-national-test-plugins\nVersion: 0\n"

_INI = """[app:main]
use = egg:ckan
ckan.site_url = {site_url}
ckan.site_id = {site_id}
ckan.site_title = National catalogue (test)
SECRET_KEY = pm25-national-test-secret
WTF_CSRF_SECRET_KEY = pm25-national-test-csrf
api_token.jwt.encode.secret = string:pm25-national-test-jwt
api_token.jwt.decode.secret = string:pm25-national-test-jwt
sqlalchemy.url = {database}
solr_url = {solr}
ckan.redis.url = {redis}
ckan.storage_path = {storage}
ckan.locale_default = th
ckan.locales_offered = th en
ckan.plugins = {plugins}
{settings}

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


def national_database_url() -> str:
    """The second CKAN's database: the slot's own, with ``_national`` after its name."""
    given = os.environ.get("PM25_NATIONAL_SQLALCHEMY_URL")
    if given:
        return given
    parts = urllib.parse.urlsplit(tk.config["sqlalchemy.url"])
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_national"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class NationalCkan:
    ini: Path
    env: dict[str, str]
    site_url: str

    def ckan(self, *args: str) -> str:
        """A ``ckan`` command on this CKAN's configuration; its output (a failure shows it)."""
        ckan = str(Path(sys.executable).with_name("ckan"))
        done = subprocess.run([ckan, "-c", str(self.ini), *args], env=self.env, cwd=self.ini.parent,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"ckan {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    def harvest(self, name: str, url: str, source_type: str, config: dict[str, Any]) -> None:
        """A harvest source of a new organisation made and run once, every stage in one process
        (``run-test``)."""
        organization = f"{name}-harvesting"
        self.ckan("api", "action", "organization_create", f"name={organization}")  # ckanapi's command
        # ckanext-harvest's `harvester source create` fails printing what it made (CKAN 2.10 on).
        self.ckan("api", "action", "harvest_source_create", f"name={name}", f"title={name}", f"url={url}",
                  f"source_type={source_type}", f"owner_org={organization}", f"config={json.dumps(config)}")
        self.ckan("harvester", "run-test", name)

    def job_report(self, source: str) -> Any:
        """The last harvest job's report of ``source`` (what failed, with the errors recorded)."""
        (job, *_) = json.loads(self.ckan("api", "action", "harvest_job_list", f"source_id={source}"))
        return json.loads(self.ckan("api", "action", "harvest_job_report", f"id={job['id']}"))

    @contextmanager
    def served(self) -> Iterator[str]:
        """This CKAN answering HTTP (``ckan run``) while the block runs."""
        with serving(self.site_url, f"national-{self.ini.parent.name}.log", env=self.env, ini=self.ini) as url:
            yield url


def action(site_url: str, name: str, **params: Any) -> Any:
    """An action of a served CKAN's API, anonymously, as a national catalogue's user calls it."""
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{site_url}/api/3/action/{name}?{query}", timeout=60) as response:
        return json.loads(response.read())["result"]


@contextmanager
def national_ckan(folder: Path, plugins: str, settings: dict[str, str]) -> Iterator[NationalCkan]:
    """A second CKAN with ``plugins`` and ``settings`` (its configuration written in ``folder``),
    on an empty database; cleaned, database and index, when the block ends."""
    site = folder / "site"
    entry_points = site / "pm25_national_test_plugins-0.dist-info"
    entry_points.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "thai_tags.py", site / f"{_PLUGIN_MODULE}.py")
    (entry_points / "entry_points.txt").write_text(_ENTRY_POINTS)
    (entry_points / "METADATA").write_text(_METADATA)

    site_url = f"http://127.0.0.1:{_free_port()}"
    ini = folder / "national.ini"
    ini.write_text(_INI.format(
        site_url=site_url, site_id=f"{tk.config['ckan.site_id']}_national",
        database=national_database_url(), solr=tk.config["solr_url"], redis=tk.config["ckan.redis.url"],
        storage=folder / "storage", plugins=plugins,
        settings="\n".join(f"{key} = {value}" for key, value in settings.items())))
    # The suite's CKAN_* variables point at the portal's database and site id: not inherited.
    env = {key: value for key, value in os.environ.items() if not key.startswith("CKAN_")}
    env["PYTHONPATH"] = str(site)
    national = NationalCkan(ini=ini, env=env, site_url=site_url)

    national.ckan("db", "clean", "--yes")  # whatever an interrupted run left
    national.ckan("search-index", "clear")
    national.ckan("db", "init")
    national.ckan("db", "pending-migrations", "--apply")
    try:
        yield national
    finally:
        national.ckan("search-index", "clear")
        national.ckan("db", "clean", "--yes")
