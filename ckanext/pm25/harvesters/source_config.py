"""The JSON configuration of a harvest source, parsed and checked. Pure: no CKAN imports.

An administrator types this JSON into the harvest source form (or passes it to
``ckan harvester source create``). Every option is optional; unknown options are refused so a
typo does not silently fall back to a default. Problems are collected, each naming its option,
as English msgids with parameters so the CKAN side can translate them.

Options common to every pm25 harvester:

- ``interval_minutes``: how often ``ckan pm25 harvest run-due`` starts a job for the source;
- ``allow_http_fallback``: retry over plain http when the https certificate chain is broken
  (the job report says when it was used);
- ``connect_timeout``, ``read_timeout`` (seconds), ``retries``, ``backoff_factor``,
  ``max_bytes``: per-source tightening of the site's HTTP limits;
- ``maintainer``, ``maintainer_email``, ``license_id``: published on harvested station datasets.

``pm25_air4thai`` and ``pm25_dustboy`` add ``backfill_hours`` (first-run history, bounded), ``revisit_hours`` (hours
before the last stored reading fetched again, for late corrections), ``max_catchup_hours``
(cap on the history fetched after an outage), ``history_endpoint`` (``webV2`` or ``forweb``)
and ``data_source`` (``history_endpoint`` Air4Thai only). ``pm25_openaq`` adds the same
history options, ``page_size``, ``requests_per_minute`` and ``requests_per_hour`` (at most
OpenAQ's 60 and 2,000), ``values_endpoint`` (``hours`` or ``measurements``),
``match_distance_m`` and ``primary_providers`` (how a location is found to republish an Air4Thai
station). ``pm25_agency_ckan`` adds ``query`` (a term or a list of terms, each searched
separately and the results united), ``fq``, ``page_size`` and ``max_datasets``.
``pm25_gistda`` adds ``districts`` and ``forecast`` (false: the province values only, or no
3-day district forecast) and ``data_source``.
``pm25_firms`` adds ``sensors`` (FIRMS SOURCE names: ``VIIRS_SNPP_NRT``, ``VIIRS_NOAA20_NRT``,
``VIIRS_NOAA21_NRT``, ``MODIS_NRT``), ``day_range`` (1–10 days ending today, UTC, fetched each
run), ``area`` (``W,S,E,N``: the area form instead of the country form over Thailand) and
``data_source``. Its MAP_KEY is never an option here (``harvesters/api_keys.py``).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

from ckanext.pm25.common.messages import N_

# The PM2.5 words of reference/sources.md, Thai and English.
DEFAULT_AGENCY_QUERY: tuple[str, ...] = (
    "PM2.5", "PM 2.5", "ฝุ่น", "ฝุ่นละออง", "ฝุ่น PM2.5", "คุณภาพอากาศ", "มลพิษทางอากาศ",
)
HISTORY_ENDPOINTS = ("webV2", "forweb")
FIRMS_SENSORS = ("VIIRS_SNPP_NRT", "VIIRS_NOAA20_NRT", "VIIRS_NOAA21_NRT", "MODIS_NRT")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Problem = tuple[str, str, dict[str, Any]]  # (option, English msgid with %(name)s, params)


class ConfigError(ValueError):
    """The configuration is unusable. ``problems`` are (option, msgid, params) triples."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{option}: {message % params}"
                                   for option, message, params in problems))


@dataclass(frozen=True)
class HttpOverrides:
    """Per-source HTTP limits; None keeps the site's setting."""

    allow_http_fallback: bool = False
    connect_timeout: float | None = None
    read_timeout: float | None = None
    retries: int | None = None
    backoff_factor: float | None = None
    max_bytes: int | None = None


@dataclass(frozen=True)
class SourceConfig:
    interval_minutes: int
    http: HttpOverrides = field(default_factory=HttpOverrides)
    maintainer: str | None = None
    maintainer_email: str | None = None
    license_id: str | None = None


@dataclass(frozen=True)
class StationSourceConfig(SourceConfig):
    """What every station source (one dataset per station, hourly readings) is configured by."""

    interval_minutes: int = 60
    backfill_hours: int = 48
    revisit_hours: int = 3
    max_catchup_hours: int = 168
    data_source: str = ""


@dataclass(frozen=True)
class Air4ThaiConfig(StationSourceConfig):
    history_endpoint: Literal["webV2", "forweb"] = "webV2"
    data_source: str = "กรมควบคุมมลพิษ (Pollution Control Department), Air4Thai"


DEFAULT_PRIMARY_PROVIDERS: tuple[str, ...] = (
    "Thailand", "Air4Thai", "Pollution Control Department", "PCD", "กรมควบคุมมลพิษ",
)
VALUES_ENDPOINTS = ("hours", "measurements")


@dataclass(frozen=True)
class OpenAQConfig(StationSourceConfig):
    page_size: int = 100
    requests_per_minute: int = 60
    requests_per_hour: int = 2000
    values_endpoint: Literal["hours", "measurements"] = "hours"
    match_distance_m: float = 50.0
    primary_providers: tuple[str, ...] = DEFAULT_PRIMARY_PROVIDERS
    data_source: str = "OpenAQ"


DUSTBOY_ATTRIBUTION = "CCDC, Chiang Mai University (DustBoy)"


@dataclass(frozen=True)
class DustBoyConfig(StationSourceConfig):
    backfill_hours: int = 24 * 30
    revisit_hours: int = 6
    max_catchup_hours: int = 24 * 30
    data_source: str = DUSTBOY_ATTRIBUTION


@dataclass(frozen=True)
class GistdaConfig(SourceConfig):
    interval_minutes: int = 60
    districts: bool = True
    forecast: bool = True
    data_source: str = "สำนักงานพัฒนาเทคโนโลยีอวกาศและภูมิสารสนเทศ (GISTDA), PM2.5 model"


@dataclass(frozen=True)
class AgencyConfig(SourceConfig):
    interval_minutes: int = 1440
    query: tuple[str, ...] = DEFAULT_AGENCY_QUERY
    fq: str = ""
    page_size: int = 100
    max_datasets: int = 5000


@dataclass(frozen=True)
class FirmsConfig(SourceConfig):
    interval_minutes: int = 180
    sensors: tuple[str, ...] = FIRMS_SENSORS
    day_range: int = 2
    area: tuple[float, float, float, float] | None = None
    data_source: str = "NASA FIRMS (Fire Information for Resource Management System)"


# --- option readers --------------------------------------------------------------------------

T = TypeVar("T", bound=SourceConfig)
S = TypeVar("S", bound=StationSourceConfig)
Reader = Callable[[Any, list[Problem], str], Any]


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)) \
            or not str(value).strip().lstrip("-").isdigit():
        return None
    return int(str(value).strip())


def _any_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _bounded(parse: Callable[[Any], Any], not_a_number: str, low: float, high: float) -> Reader:
    """A reader of a number between ``low`` and ``high``; ``not_a_number`` says what else it must be."""
    def read(value: Any, problems: list[Problem], option: str) -> Any:
        number = parse(value)
        if number is None:
            problems.append((option, not_a_number, {"low": low, "high": high, "value": json.dumps(value)}))
            return None
        if not low <= number <= high:
            problems.append((option, N_("must be between %(low)s and %(high)s, not %(value)s"),
                             {"low": low, "high": high, "value": number}))
            return None
        return number
    return read


def _integer(low: int, high: int) -> Reader:
    return _bounded(_whole_number, N_("must be a whole number between %(low)s and %(high)s, not %(value)s"),
                    low, high)


def _number(low: float, high: float) -> Reader:
    return _bounded(_any_number, N_("must be a number between %(low)s and %(high)s, not %(value)s"),
                    low, high)


def _boolean(value: Any, problems: list[Problem], option: str) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    problems.append((option, N_("must be true or false, not %(value)s"),
                     {"value": json.dumps(value)}))
    return None


def _text(value: Any, problems: list[Problem], option: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problems.append((option, N_("must be a non-empty text"), {}))
        return None
    return value.strip()


def _optional_text(value: Any, problems: list[Problem], option: str) -> str | None:
    if not isinstance(value, str):
        problems.append((option, N_("must be a text"), {}))
        return None
    return value.strip()


def _email(value: Any, problems: list[Problem], option: str) -> str | None:
    text = _text(value, problems, option)
    if text is not None and not _EMAIL.match(text):
        problems.append((option, N_("%(value)s is not an e-mail address"), {"value": text}))
        return None
    return text


def _choice(choices: tuple[str, ...]) -> Reader:
    def read(value: Any, problems: list[Problem], option: str) -> str | None:
        if value not in choices:
            problems.append((option, N_("must be one of %(choices)s, not %(value)s"),
                             {"choices": ", ".join(choices), "value": json.dumps(value)}))
            return None
        return str(value)
    return read


def _terms(value: Any, problems: list[Problem], option: str) -> tuple[str, ...] | None:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items \
            or not all(isinstance(item, str) and item.strip() for item in items):
        problems.append((option, N_("must be a search text or a list of search texts"), {}))
        return None
    return tuple(dict.fromkeys(item.strip() for item in items))


def _sensors(value: Any, problems: list[Problem], option: str) -> tuple[str, ...] | None:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(item in FIRMS_SENSORS for item in items):
        problems.append((option, N_("must be a list of FIRMS sources from %(choices)s, not %(value)s"),
                         {"choices": ", ".join(FIRMS_SENSORS), "value": json.dumps(value)}))
        return None
    return tuple(dict.fromkeys(items))


def _area(value: Any, problems: list[Problem], option: str) -> tuple[float, ...] | None:
    parts = value.split(",") if isinstance(value, str) else value
    numbers = [_any_number(part) for part in parts] if isinstance(parts, list) else []
    if len(numbers) != 4 or any(number is None for number in numbers):
        problems.append((option, N_("must be four numbers W,S,E,N (e.g. 97.3,5.6,105.7,20.5), "
                                    "not %(value)s"), {"value": json.dumps(value)}))
        return None
    west, south, east, north = (float(number) for number in numbers if number is not None)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        problems.append((option, N_("must be W,S,E,N with west < east and south < north, within "
                                    "-180..180 and -90..90"), {}))
        return None
    return (west, south, east, north)


_HTTP_READERS: dict[str, Reader] = {
    "allow_http_fallback": _boolean,
    "connect_timeout": _number(0.1, 300),
    "read_timeout": _number(0.1, 600),
    "retries": _integer(0, 10),
    "backoff_factor": _number(0, 60),
    "max_bytes": _integer(1024, 1024 ** 3),
}
_COMMON_READERS: dict[str, Reader] = {
    "interval_minutes": _integer(5, 60 * 24 * 31),
    "maintainer": _text,
    "maintainer_email": _email,
    "license_id": _text,
}
_STATION_READERS: dict[str, Reader] = {
    "backfill_hours": _integer(1, 24 * 31),
    "revisit_hours": _integer(0, 72),
    "max_catchup_hours": _integer(1, 24 * 93),
    "data_source": _text,
}
_OPENAQ_READERS: dict[str, Reader] = {
    **_STATION_READERS,
    "page_size": _integer(1, 1000),
    # OpenAQ's documented limits are the ceiling: a source may only ask for less
    "requests_per_minute": _integer(1, 60),
    "requests_per_hour": _integer(1, 2000),
    "values_endpoint": _choice(VALUES_ENDPOINTS),
    "match_distance_m": _number(0, 500),
    "primary_providers": _terms,
}
_AIR4THAI_READERS: dict[str, Reader] = {
    **_STATION_READERS,
    "history_endpoint": _choice(HISTORY_ENDPOINTS),
}
_GISTDA_READERS: dict[str, Reader] = {
    "districts": _boolean,
    "forecast": _boolean,
    "data_source": _text,
}
_AGENCY_READERS: dict[str, Reader] = {
    "query": _terms,
    "fq": _optional_text,
    "page_size": _integer(1, 1000),
    "max_datasets": _integer(1, 100_000),
}


_FIRMS_READERS: dict[str, Reader] = {
    "sensors": _sensors,
    "day_range": _integer(1, 10),
    "area": _area,
    "data_source": _text,
}


def _load(text: str | None) -> dict[str, Any]:
    if text is None or not str(text).strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ConfigError([("config", N_("is not valid JSON: %(error)s"), {"error": str(error)})]) from error
    if not isinstance(data, dict):
        raise ConfigError([("config",
                            N_("must be a JSON object such as {\"interval_minutes\": 60}"),
                            {})])
    return data


def _read(data: Mapping[str, Any], readers: Mapping[str, Reader]) -> dict[str, Any]:
    problems: list[Problem] = []
    unknown = sorted(set(data) - set(readers))
    for option in unknown:
        problems.append((option, N_("is not an option of this harvester (known: %(known)s)"),
                         {"known": ", ".join(sorted(readers))}))
    values = {}
    for option, reader in readers.items():
        if option in data:
            value = reader(data[option], problems, option)
            if value is not None:
                values[option] = value
    if problems:
        raise ConfigError(problems)
    return values


def _build(cls: type[T], values: dict[str, Any]) -> T:
    http = HttpOverrides(**{k: values.pop(k) for k in list(values) if k in _HTTP_READERS})
    names = {f.name for f in fields(cls)}
    return cls(http=http, **{k: v for k, v in values.items() if k in names})


def _station_config(cls: type[S], text: str | None, readers: Mapping[str, Reader]) -> S:
    values = _read(_load(text), {**_HTTP_READERS, **_COMMON_READERS, **readers})
    config = _build(cls, values)
    if config.max_catchup_hours < config.revisit_hours:
        raise ConfigError([("max_catchup_hours", N_("must not be smaller than revisit_hours "
                               "(%(revisit)s)"), {"revisit": config.revisit_hours})])
    return config


def parse_air4thai_config(text: str | None) -> Air4ThaiConfig:
    return _station_config(Air4ThaiConfig, text, _AIR4THAI_READERS)


def parse_dustboy_config(text: str | None) -> DustBoyConfig:
    """DustBoy's options are the station options; its API key is never one of them (see
    ``api_keys.py``): an ``api_key`` option is refused as unknown, so a key typed into the
    published config is never kept."""
    return _station_config(DustBoyConfig, text, _STATION_READERS)


def parse_agency_config(text: str | None) -> AgencyConfig:
    values = _read(_load(text), {**_HTTP_READERS, **_COMMON_READERS, **_AGENCY_READERS})
    return _build(AgencyConfig, values)


def parse_openaq_config(text: str | None) -> OpenAQConfig:
    values = _read(_load(text), {**_HTTP_READERS, **_COMMON_READERS, **_OPENAQ_READERS})
    config = _build(OpenAQConfig, values)
    if config.max_catchup_hours < config.revisit_hours:
        raise ConfigError([("max_catchup_hours", N_("must not be smaller than revisit_hours "
                               "(%(revisit)s)"), {"revisit": config.revisit_hours})])
    return config


def parse_gistda_config(text: str | None) -> GistdaConfig:
    values = _read(_load(text), {**_HTTP_READERS, **_COMMON_READERS, **_GISTDA_READERS})
    return _build(GistdaConfig, values)


def parse_firms_config(text: str | None) -> FirmsConfig:
    values = _read(_load(text), {**_HTTP_READERS, **_COMMON_READERS, **_FIRMS_READERS})
    return _build(FirmsConfig, values)
