"""Source configuration: defaults, bounds, and errors that name the option."""
from __future__ import annotations

import pytest

from ckanext.pm25.harvesters.source_config import (DEFAULT_AGENCY_QUERY, ConfigError,
                                                   parse_agency_config, parse_air4thai_config)


def test_an_empty_config_gives_the_defaults() -> None:
    air4thai, agency = parse_air4thai_config(""), parse_agency_config(None)

    assert (air4thai.interval_minutes, air4thai.backfill_hours, air4thai.revisit_hours,
            air4thai.history_endpoint, air4thai.http.allow_http_fallback) == (
        60, 48, 3, "webV2", False)
    assert (agency.interval_minutes, agency.page_size, agency.query) == (
        1440, 100, DEFAULT_AGENCY_QUERY)
    assert "ฝุ่นละออง" in agency.query and "PM2.5" in agency.query


def test_options_are_read_with_their_types() -> None:
    config = parse_air4thai_config('{"interval_minutes": "30", "allow_http_fallback": "true", '
                                   '"read_timeout": 2.5, "retries": 0, "max_bytes": 4096}')
    agency = parse_agency_config('{"query": "ฝุ่น PM2.5", "fq": "organization:pcd"}')

    assert config.interval_minutes == 30
    assert (config.http.allow_http_fallback, config.http.read_timeout, config.http.retries,
            config.http.max_bytes) == (True, 2.5, 0, 4096)
    assert (agency.query, agency.fq) == (("ฝุ่น PM2.5",), "organization:pcd")


def test_every_problem_is_reported_at_once_with_its_option() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_air4thai_config('{"interval_minutes": 0, "backfill_hours": true, "colour": "red"}')

    options = [option for option, _message, _params in raised.value.problems]
    assert options == ["colour", "interval_minutes", "backfill_hours"]
    assert "interval_minutes: must be between 5 and 44640, not 0" in str(raised.value)
    assert "colour: is not an option of this harvester" in str(raised.value)


@pytest.mark.parametrize("text, expected", [
    ("[1, 2]", "config: must be a JSON object"),
    ("{oops", "config: is not valid JSON"),
    ('{"revisit_hours": 10, "max_catchup_hours": 5}', "max_catchup_hours: must not be smaller"),
    ('{"connect_timeout": "fast"}', "connect_timeout: must be a number"),
    ('{"allow_http_fallback": "yes"}', "allow_http_fallback: must be true or false"),
])
def test_unusable_configs_are_refused(text, expected) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_air4thai_config(text)

    assert expected in str(raised.value)


def test_agency_only_options_are_not_air4thai_options() -> None:
    with pytest.raises(ConfigError, match="page_size: is not an option"):
        parse_air4thai_config('{"page_size": 10}')
    with pytest.raises(ConfigError, match="query: must be a search text"):
        parse_agency_config('{"query": ["PM2.5", ""]}')
