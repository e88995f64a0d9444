""""Data up to …" of the dashboard's low-cost sensor (DustBoy) and hotspot (NASA FIRMS) layers,
after real harvests of their imitations: the newest time each brought, in Thai time, in Thai and
English; a harvested source that brought nothing says so, and a source the site does not harvest
is not mentioned."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
import ckan.plugins.toolkit as tk

from ckanext.pm25.common.times import THAI_TZ
from ckanext.pm25.demo.upstream import Detection, FirmsServer
from ckanext.pm25.harvesters import runner
from tests.harvesters.harvesting import CONTACT, make_source, now_thai_hour
from tests.upstream import Air4ThaiServer
from tests.upstream.dustboy import DEFAULT_KEY, DustBoyServer

pytestmark = [pytest.mark.usefixtures("with_plugins", "clean_datastore"),
              pytest.mark.ckan_config("ckanext.pm25.dustboy.api_key", DEFAULT_KEY)]

MAP_KEY = "readings-test-map-key-0000000002"
NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)
NEWEST_FIRE = NOW - timedelta(hours=3, minutes=17)
FIRES = [Detection("VIIRS_SNPP_NRT", 18.79, 98.98, NEWEST_FIRE, "h", 12.5),  # Chiang Mai
         Detection("VIIRS_SNPP_NRT", 19.30, 97.97, NEWEST_FIRE - timedelta(hours=9), "n", 3.0)]


def harvest(url: str, source_type: str, name: str, config: dict[str, object] | None = None) -> None:
    source = make_source(url, source_type, {"maintainer_email": CONTACT, **(config or {})}, name=name)
    assert runner.run_inline(source["id"])["status"] == "Finished"


@pytest.fixture
def harvested(allow_upstream, monkeypatch) -> Iterator[datetime]:
    """Air4Thai's stations, DustBoy's sensors and FIRMS's hotspots, each with data. DustBoy's
    newest hour is two hours before Air4Thai's, so a wrong source's date would show."""
    monkeypatch.setitem(tk.config, "ckanext.pm25.firms.api_key", MAP_KEY)
    hour = now_thai_hour()
    sensors_hour = hour - timedelta(hours=2)
    with Air4ThaiServer(now_local=hour, hours=30) as air4thai, \
            DustBoyServer(now_local=sensors_hour, hours=30) as dustboy, \
            FirmsServer(map_key=MAP_KEY, today=NOW.date(), detections=FIRES) as firms:
        allow_upstream(air4thai.url, dustboy.url, firms.url)
        harvest(air4thai.url, "pm25_air4thai", "air4thai")
        harvest(dustboy.url, "pm25_dustboy", "dustboy")
        harvest(firms.url, "pm25_firms", "firms", {"day_range": 2, "sensors": ["VIIRS_SNPP_NRT"]})
    yield sensors_hour


@pytest.fixture
def harvested_nothing(allow_upstream, monkeypatch) -> None:
    """Air4Thai's stations with data; a DustBoy source without sensors and a FIRMS source
    without detections."""
    monkeypatch.setitem(tk.config, "ckanext.pm25.firms.api_key", MAP_KEY)
    hour = now_thai_hour()
    with Air4ThaiServer(now_local=hour, hours=30) as air4thai, \
            DustBoyServer(now_local=hour, sensors=()) as dustboy, \
            FirmsServer(map_key=MAP_KEY, today=NOW.date(), detections=[]) as firms:
        allow_upstream(air4thai.url, dustboy.url, firms.url)
        harvest(air4thai.url, "pm25_air4thai", "air4thai")
        harvest(dustboy.url, "pm25_dustboy", "dustboy")
        harvest(firms.url, "pm25_firms", "firms", {"day_range": 2, "sensors": ["VIIRS_SNPP_NRT"]})


def line(page: str, kind: str) -> str:
    """The text of a layer's "data up to" line, tags and spacing removed."""
    part = page.split(f'data-kind="{kind}">')[1].split("</p>")[0]
    return " ".join(part.replace("<strong>", "").replace("</strong>", "").split())


def thai_time(instant: datetime) -> str:
    return instant.astimezone(THAI_TZ).strftime("%d/%m/%Y %H:%M")


def test_each_layer_says_how_far_its_data_reaches(harvested, app) -> None:
    english = app.get("/en/pm25").get_data(as_text=True)
    thai = app.get("/pm25").get_data(as_text=True)
    sensors_until = thai_time(harvested.replace(tzinfo=THAI_TZ))

    sensors = line(english, "low_cost_sensor")
    assert sensors.startswith("Low-cost sensors (DustBoy): data up to")
    assert f">{sensors_until}</time> (Thai time)." in sensors
    fires = line(english, "hotspot_detection")
    assert fires.startswith("Fire hotspots (NASA FIRMS): data up to")
    assert f">{thai_time(NEWEST_FIRE)}</time> (Thai time)." in fires

    assert line(thai, "low_cost_sensor").startswith("เซนเซอร์ราคาประหยัด (DustBoy): ข้อมูลถึง")
    assert f">{sensors_until}</time> (เวลาประเทศไทย)." in line(thai, "low_cost_sensor")
    assert line(thai, "hotspot_detection").startswith("จุดความร้อน (NASA FIRMS): ข้อมูลถึง")
    assert f">{thai_time(NEWEST_FIRE)}</time>" in line(thai, "hotspot_detection")


def test_a_harvested_layer_without_data_says_so(harvested_nothing, app) -> None:
    english = app.get("/en/pm25").get_data(as_text=True)
    thai = app.get("/pm25").get_data(as_text=True)

    assert "Data up to" in english  # Air4Thai's stations have data: no other date is borrowed
    assert line(english, "low_cost_sensor") == "Low-cost sensors (DustBoy): no data received yet."
    assert line(english, "hotspot_detection") == "Fire hotspots (NASA FIRMS): no data received yet."
    assert line(thai, "low_cost_sensor") == "เซนเซอร์ราคาประหยัด (DustBoy): ยังไม่ได้รับข้อมูล"
    assert line(thai, "hotspot_detection") == "จุดความร้อน (NASA FIRMS): ยังไม่ได้รับข้อมูล"


def test_a_layer_the_site_does_not_harvest_is_not_mentioned(app) -> None:
    english = app.get("/en/pm25").get_data(as_text=True)
    assert 'data-kind="low_cost_sensor"' not in english and 'data-kind="hotspot_detection"' not in english
    assert "DustBoy" not in english and "NASA FIRMS" not in english
