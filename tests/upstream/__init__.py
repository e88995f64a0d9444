"""Local imitations of the upstream services, served over real HTTP on 127.0.0.1.

- :class:`Air4ThaiServer`: PCD Air4Thai latest snapshot and both hourly-history forms.
- :class:`AgencyCkanServer`: an agency CKAN catalogue with GD-Catalog-shaped datasets.
- :class:`ImitationServer`: the base, with the request log and switchable HTTP faults; any of
  them takes ``tls=True`` to serve TLS (self-signed) and plain HTTP on the same port.
"""
from __future__ import annotations

from tests.upstream.agency_ckan import AgencyCkanServer, default_datasets, gd_dataset
from tests.upstream.air4thai import DEFAULT_STATIONS, PROVINCE_CENTRES, Air4ThaiServer, StationSpec
from tests.upstream.server import Fault, ImitationServer, RecordedRequest, Reply

__all__ = [
    "DEFAULT_STATIONS", "PROVINCE_CENTRES", "AgencyCkanServer", "Air4ThaiServer", "Fault", "ImitationServer",
    "RecordedRequest", "Reply", "StationSpec", "default_datasets", "gd_dataset",
]
