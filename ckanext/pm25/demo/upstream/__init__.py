"""Local imitations of upstream services, served over real HTTP on 127.0.0.1.

They live in the package (not only under tests/) so the demo (`ckan pm25 demo harvest`) can
harvest a believable Air4Thai without the internet; the test suite imports them from here
through ``tests.upstream``.

- :class:`Air4ThaiServer`: PCD Air4Thai latest snapshot and both hourly-history forms.
- :class:`GistdaServer`: GISTDA's model PM2.5 by province and district, with the forecast.
- :class:`ImitationServer`: the base, with the request log and switchable HTTP faults.
"""
from __future__ import annotations

from ckanext.pm25.demo.upstream.air4thai import (DEFAULT_STATIONS, PROVINCE_CENTRES,
                                                 Air4ThaiServer, StationSpec)
from ckanext.pm25.demo.upstream.gistda import GistdaServer, generated_districts
from ckanext.pm25.demo.upstream.server import Fault, ImitationServer, RecordedRequest, Reply

__all__ = ["DEFAULT_STATIONS", "PROVINCE_CENTRES", "Air4ThaiServer", "Fault", "GistdaServer",
           "ImitationServer", "RecordedRequest", "Reply", "StationSpec", "generated_districts"]
