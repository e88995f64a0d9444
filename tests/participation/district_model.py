"""Phrae's districts as the GISTDA model gives them: the imitation harvested for real, harvested
again each time a test sets a district's 24-hour mean (the district alerts' fixture)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.harvesters.harvesting import make_source, now_thai_hour, run_job
from tests.upstream.gistda import GistdaServer

PHRAE = "54"
MUEANG_PHRAE, NO_MEAN = "5401", "5408"  # the model serves Nong Muang Khai without a 24-hour mean
CONTACT = {"maintainer_email": "pm25@example.go.th"}
GISTDA = "สำนักงานพัฒนาเทคโนโลยีอวกาศและภูมิสารสนเทศ (GISTDA), PM2.5 model"  # the source's default data_source


class Model:
    """The GISTDA imitation for Phrae, harvested again each time a district's mean is set."""

    def __init__(self, server: GistdaServer, source: dict[str, Any]) -> None:
        self.server, self.source = server, source

    def set_mean(self, code: str, value: float) -> None:
        self.server.district_overrides[code] = {"pm25Avg24hrs": value}
        run_job(self.source)


@pytest.fixture
def gistda_model(allow_upstream: Any, clean_db: None, clean_index: None) -> Iterator[Model]:
    with GistdaServer(now_local=now_thai_hour()) as gistda:
        gistda.only_provinces = {PHRAE}
        gistda.district_overrides[MUEANG_PHRAE] = {"pm25Avg24hrs": 20.0}
        gistda.district_overrides[NO_MEAN] = {"pm25Avg24hrs": None}
        allow_upstream(gistda.url)
        source = make_source(gistda.url, "pm25_gistda", CONTACT, name="gistda")
        run_job(source)
        yield Model(gistda, source)
