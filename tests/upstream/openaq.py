"""The OpenAQ v3 imitation lives in the package (ckanext.pm25.demo.upstream.openaq) so the demo
can use it; this module keeps the tests' import path."""
from __future__ import annotations

from ckanext.pm25.demo.upstream.openaq import DEFAULT_LOCATIONS, LocationSpec, OpenAQServer

__all__ = ["DEFAULT_LOCATIONS", "LocationSpec", "OpenAQServer"]
