"""The DustBoy imitation lives in the package (ckanext.pm25.demo.upstream.dustboy) so the demo
can use it; this module gives the tests their usual import path."""
from __future__ import annotations

from ckanext.pm25.demo.upstream.dustboy import (DEFAULT_KEY, DEFAULT_PERSONAL, DEFAULT_SENSORS,
                                                DustBoyServer, Sensor)

__all__ = ["DEFAULT_KEY", "DEFAULT_PERSONAL", "DEFAULT_SENSORS", "DustBoyServer", "Sensor"]
