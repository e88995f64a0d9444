"""The GISTDA imitation lives in the package (ckanext.pm25.demo.upstream.gistda) so the demo can
use it; this module is the tests' import path."""
from __future__ import annotations

from ckanext.pm25.demo.upstream.gistda import (DISTRICT, FORECAST, PROVINCES, GistdaServer,
                                               model_districts)

__all__ = ["DISTRICT", "FORECAST", "PROVINCES", "GistdaServer", "model_districts"]
