"""The imitation server base now lives in the package (ckanext.pm25.demo.upstream.server) so the
demo can use it without the tests folder; this module keeps the tests' import path."""
from __future__ import annotations

from ckanext.pm25.demo.upstream.server import (HOST, HTML_ERROR_PAGE, Fault, ImitationServer,
                                               RecordedRequest, Reply, Route)

__all__ = ["HOST", "HTML_ERROR_PAGE", "Fault", "ImitationServer", "RecordedRequest", "Reply",
           "Route"]
