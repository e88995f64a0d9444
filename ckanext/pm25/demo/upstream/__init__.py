"""Local imitations of upstream services, served over real HTTP on 127.0.0.1.

They live in the package (not only under tests/) so the demo (`ckan pm25 demo harvest`) can
harvest a believable Air4Thai without the internet; the test suite imports them from here
through ``tests.upstream``.

- :class:`Air4ThaiServer`: PCD Air4Thai latest snapshot and both hourly-history forms.
- :class:`OpenAQServer`: OpenAQ v3 locations, sensors' hourly values, licences, key and rate
  limits.
- :class:`DustBoyServer`: CCDC CMU's DustBoy sensors (bearer key, both field shapes, caretakers'
  personal data in its records).
- :class:`GistdaServer`: GISTDA's model PM2.5 by province and district, with the forecast.
- :class:`FirmsServer`: NASA FIRMS' VIIRS and MODIS CSV API (the MAP_KEY in the path).
- :class:`ImitationServer`: the base, with the request log and switchable HTTP faults.
"""
from __future__ import annotations

from ckanext.pm25.demo.upstream.air4thai import (DEFAULT_STATIONS, PROVINCE_CENTRES,
                                                 Air4ThaiServer, StationSpec)
from ckanext.pm25.demo.upstream.dustboy import DEFAULT_SENSORS, DustBoyServer, Sensor
from ckanext.pm25.demo.upstream.firms import DEMO_MAP_KEY, Detection, FirmsServer, demo_detections
from ckanext.pm25.demo.upstream.gistda import GistdaServer, model_districts
from ckanext.pm25.demo.upstream.openaq import LocationSpec, OpenAQServer
from ckanext.pm25.demo.upstream.server import Fault, ImitationServer, RecordedRequest, Reply

__all__ = ["DEFAULT_SENSORS", "DEFAULT_STATIONS", "DEMO_MAP_KEY", "PROVINCE_CENTRES", "Air4ThaiServer",
           "Detection", "DustBoyServer", "Fault", "FirmsServer", "GistdaServer", "ImitationServer",
           "LocationSpec", "OpenAQServer", "RecordedRequest", "Reply", "Sensor", "StationSpec",
           "demo_detections", "model_districts"]
