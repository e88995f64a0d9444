"""The Air4Thai imitation now lives in the package (ckanext.pm25.demo.upstream.air4thai) so the
demo can use it without the tests folder; this module keeps the tests' import path."""
from __future__ import annotations

from ckanext.pm25.demo.upstream.air4thai import (DEFAULT_NOW_LOCAL, DEFAULT_STATIONS, NORTHERN,
                                                 PROVINCE_CENTRES, Air4ThaiServer, StationSpec)

__all__ = ["DEFAULT_NOW_LOCAL", "DEFAULT_STATIONS", "NORTHERN", "PROVINCE_CENTRES",
           "Air4ThaiServer", "StationSpec"]
