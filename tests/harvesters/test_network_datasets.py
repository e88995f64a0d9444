"""The network datasets (one per source store) describe their own series: each source's notes
give its own series prefix (Air4Thai ``air4thai:``, DustBoy ``dustboy:``, OpenAQ ``openaq:``,
GISTDA ``gistda:``), never another network's; a network dataset described otherwise (by an
earlier version, or edited by hand) is described again by the next run, and a re-run over the
same data leaves it untouched. Real harvests of each imitation over HTTP."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.pm25.demo.upstream import FirmsServer
from ckanext.pm25.harvesters import runner
from ckanext.pm25.harvesters.datasets import hotspot_package_id, network_package_id
from tests.harvesters.harvesting import CONTACT, make_source, now_thai_hour, sysadmin_context
from tests.upstream import Air4ThaiServer
from tests.upstream.dustboy import DEFAULT_KEY, DustBoyServer
from tests.upstream.gistda import GistdaServer
from tests.upstream.openaq import OpenAQServer

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_datastore", "clean_queues"),
              pytest.mark.ckan_config("ckanext.pm25.dustboy.api_key", DEFAULT_KEY)]

OPENAQ_KEY = "test-openaq-key"
FIRMS_KEY = "network-test-map-key-00000000003"
PREFIXES = ("air4thai:", "dustboy:", "openaq:", "gistda:")


def harvest(url: str, source_type: str, name: str, config: dict[str, Any] | None = None) -> dict[str, Any]:
    source = make_source(url, source_type, {"maintainer_email": CONTACT, **(config or {})}, name=name)
    assert runner.run_inline(source["id"])["status"] == "Finished"
    return source


def notes(package_id: str) -> str:
    return str(helpers.call_action("package_show", id=package_id)["notes"])


def others(own: str) -> list[str]:
    return [prefix for prefix in PREFIXES if prefix != own]


@pytest.fixture
def sources(allow_upstream, monkeypatch) -> Iterator[dict[str, dict[str, Any]]]:
    """A source of each kind, harvested once; their imitations keep serving during the test."""
    monkeypatch.setitem(tk.config, "ckanext.pm25.openaq.api_key", OPENAQ_KEY)
    monkeypatch.setitem(tk.config, "ckanext.pm25.firms.api_key", FIRMS_KEY)
    hour = now_thai_hour()
    with Air4ThaiServer(now_local=hour, hours=26) as air4thai, \
            DustBoyServer(now_local=hour, hours=26) as dustboy, \
            OpenAQServer(api_key=OPENAQ_KEY) as openaq, \
            GistdaServer(now_local=hour) as gistda, \
            FirmsServer(map_key=FIRMS_KEY) as firms:
        gistda.only_provinces = {"52"}
        allow_upstream(air4thai.url, dustboy.url, openaq.url, gistda.url, firms.url)
        yield {
            "air4thai": harvest(air4thai.url, "pm25_air4thai", "air4thai"),
            "dustboy": harvest(dustboy.url, "pm25_dustboy", "dustboy"),
            "openaq": harvest(openaq.url, "pm25_openaq", "openaq",
                              {"retries": 1, "backoff_factor": 0, "read_timeout": 2}),
            "gistda": harvest(gistda.url, "pm25_gistda", "gistda"),
            "firms": harvest(firms.url, "pm25_firms", "firms",
                             {"day_range": 1, "sensors": ["VIIRS_SNPP_NRT"]}),
        }


def test_each_network_dataset_gives_its_own_series_prefix(sources) -> None:
    for name, prefix, example_en, example_th in (
            ("air4thai", "air4thai:", "air4thai:<station id>", "air4thai:<รหัสสถานี>"),
            ("dustboy", "dustboy:", "dustboy:<station id>", "dustboy:<รหัสสถานี>"),
            ("openaq", "openaq:", "openaq:<OpenAQ location id>", "openaq:<รหัสตำแหน่งของ OpenAQ>")):
        for private in (False, True):
            text = notes(network_package_id(sources[name]["id"], private))
            assert example_en in text and example_th in text, (name, private, text)
            assert not any(other in text for other in others(prefix)), (name, private, text)

    gistda = notes(network_package_id(sources["gistda"]["id"]))
    assert "gistda:province:TH-52" in gistda and "gistda:district:5201" in gistda
    assert not any(other in gistda for other in others("gistda:"))
    firms = notes(hotspot_package_id(sources["firms"]["id"]))
    assert "NASA FIRMS" in firms and not any(prefix in firms for prefix in PREFIXES)
    assert "CCDC, Chiang Mai University (DustBoy)" in notes(network_package_id(sources["dustboy"]["id"]))


def test_a_network_dataset_described_otherwise_is_described_again_and_a_rerun_leaves_it(sources) -> None:
    network_id = network_package_id(sources["openaq"]["id"])
    helpers.call_action("package_patch", context=sysadmin_context(), id=network_id,
                        notes="Hourly measurements (series_id such as air4thai:<station id>).")

    assert runner.run_inline(sources["openaq"]["id"])["status"] == "Finished"
    described = helpers.call_action("package_show", id=network_id)
    assert "openaq:<OpenAQ location id>" in described["notes"] and "air4thai:" not in described["notes"]

    assert runner.run_inline(sources["openaq"]["id"])["status"] == "Finished"
    again = helpers.call_action("package_show", id=network_id)
    assert again["metadata_modified"] == described["metadata_modified"]
    assert again["notes"] == described["notes"]
