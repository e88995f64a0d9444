"""`make run`'s demo harvest of the GISTDA imitation: a newcomer's /pm25 has a value for every
province."""
from __future__ import annotations

import pytest
from ckan.tests import helpers

from ckanext.pm25.demo.harvest import harvest_gistda_demo

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_datastore")


def test_the_demo_gives_every_province_a_value(app) -> None:
    job = harvest_gistda_demo(echo=lambda _text: None)

    assert job["status"] == "Finished" and job["stats"]["errored"] == 0
    provinces = helpers.call_action("pm25_province_list")
    assert len(provinces) == 77
    assert all(p["value_source"] == "model" and p["model"]["status"] == "current" for p in provinces)
    page = app.get("/en/pm25").body
    assert page.count("Model estimate (") >= 77
