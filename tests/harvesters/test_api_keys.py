"""Upstream API keys come from CKAN's config or the environment, a source's own before the site's."""
from __future__ import annotations

import pytest

from ckanext.pm25.harvesters.api_keys import REDACTED, api_key, missing_key_message, redact


@pytest.fixture
def no_key_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("CKANEXT_PM25_OPENAQ_API_KEY", "CKANEXT_PM25_OPENAQ_API_KEY_NORTH_AQ"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_key_anywhere_is_none(no_key_env: pytest.MonkeyPatch) -> None:
    assert api_key("openaq", "north-aq") is None


@pytest.mark.ckan_config("ckanext.pm25.openaq.api_key", "site-key")
def test_site_key_from_config(no_key_env: pytest.MonkeyPatch) -> None:
    assert api_key("openaq", "north-aq") == "site-key"


@pytest.mark.ckan_config("ckanext.pm25.openaq.api_key", "site-key")
@pytest.mark.ckan_config("ckanext.pm25.openaq.api_key.north-aq", "source-key")
def test_source_key_before_site_key(no_key_env: pytest.MonkeyPatch) -> None:
    assert api_key("openaq", "north-aq") == "source-key"
    assert api_key("openaq", "south-aq") == "site-key"


@pytest.mark.ckan_config("ckanext.pm25.openaq.api_key", "site-key")
def test_source_environment_before_site_config(no_key_env: pytest.MonkeyPatch) -> None:
    no_key_env.setenv("CKANEXT_PM25_OPENAQ_API_KEY_NORTH_AQ", " env-source-key ")
    assert api_key("openaq", "north-aq") == "env-source-key"


def test_site_environment(no_key_env: pytest.MonkeyPatch) -> None:
    no_key_env.setenv("CKANEXT_PM25_OPENAQ_API_KEY", "env-site-key")
    assert api_key("openaq") == "env-site-key"


def test_unknown_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        api_key("air4thai")


def test_missing_key_message_names_what_to_set() -> None:
    message, params = missing_key_message("firms")
    assert (message % params).endswith(
        "set ckanext.pm25.firms.api_key in the CKAN config (or the environment variable "
        "CKANEXT_PM25_FIRMS_API_KEY)")


def test_redact_removes_a_key_from_a_url() -> None:
    url = "https://firms.example/api/country/csv/abc123key/VIIRS_SNPP_NRT/THA/1"
    assert redact(url, ["abc123key", None]) == url.replace("abc123key", REDACTED)
