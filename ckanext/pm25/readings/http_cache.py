"""HTTP caching of what shows readings: ``/pm25``, province pages, station dataset pages, the
``pm25_*`` GET actions and the CSV/GeoJSON downloads.

Before the view runs (a ``before_app_request`` hook of the dashboard's blueprint), one cheap
query (``stamps.data_stamp``) gives the request's validator: the newest hour of the data shown,
when readings and datasets last changed, the page's language and URL, the current hour (a value
turns stale with the clock) and the code's version. A conditional request that names it is
answered ``304 Not Modified`` there, without rendering or reading anything else. The policy
rides in the WSGI environ to ``cache_headers.CacheHeaders``, which settles the final headers
after CKAN's own. A logged-in user (a session, an API token) gets private pages and no
validator: what they see depends on who they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import ckan
import ckan.plugins.toolkit as tk
from flask import Response, request, session
from flask_login import current_user
from sqlalchemy.exc import ProgrammingError

from ckanext.pm25 import __version__
from ckanext.pm25.geo.provinces import find_province
from ckanext.pm25.readings import hooks, read_engine
from ckanext.pm25.readings.actions import ACTIONS
from ckanext.pm25.readings.cache_headers import MARK, PRIVATE, CachePolicy, Validator, make_validator
from ckanext.pm25.readings.stamps import data_stamp

PAGE_MAX_AGE = "ckanext.pm25.cache.max_age"
DOWNLOAD_MAX_AGE = "ckanext.pm25.cache.download_max_age"

_GLOBAL_VIEWS = {"pm25_dashboard.index": PAGE_MAX_AGE, "pm25_dashboard.measurements_csv": DOWNLOAD_MAX_AGE,
                 "pm25_dashboard.my_area": PAGE_MAX_AGE, "pm25_dashboard.trends_csv": DOWNLOAD_MAX_AGE,
                 # the agency scorecard (participation/): made of the same readings and datasets
                 "pm25_agencies.index": PAGE_MAX_AGE, "pm25_agencies.csv": DOWNLOAD_MAX_AGE}
_CACHED_ACTIONS = {*ACTIONS, "pm25_agency_scorecard"}
# Where a person is stays between them and the portal: never kept by a shared cache.
_LOCATION_VIEWS = {"pm25_dashboard.my_area"}
_LOCATION_ACTIONS = {"pm25_my_area"}
_LOCATION_PARAMETERS = ("lat", "lon")
_PROVINCE_VIEWS = {"pm25_province.read": PAGE_MAX_AGE, "pm25_dashboard.province_csv": DOWNLOAD_MAX_AGE,
                   "pm25_dashboard.province_stations": DOWNLOAD_MAX_AGE}
_STATION_VIEW = "dataset.read"
_ACTION_VIEW = "api.action"


@dataclass(frozen=True)
class _Target:
    """A cacheable request: the config key of its max-age and its scope (a province code, a
    station dataset's id or name, or everything)."""

    max_age_key: str
    province: str | None = None
    station: str | None = None


def _target() -> _Target | None:
    endpoint = request.endpoint or ""
    args = request.view_args or {}
    if endpoint in _GLOBAL_VIEWS:
        return _Target(_GLOBAL_VIEWS[endpoint])
    if endpoint in _PROVINCE_VIEWS:
        province = find_province(str(args.get("code", "")))
        return _Target(_PROVINCE_VIEWS[endpoint], province=province.code) if province else None
    if endpoint == _ACTION_VIEW and args.get("logic_function") in _CACHED_ACTIONS:
        return _Target(PAGE_MAX_AGE)
    if endpoint == _STATION_VIEW and args.get("id"):
        return _Target(PAGE_MAX_AGE, station=str(args["id"]))
    return None


def _names_a_location() -> bool:
    located = request.endpoint in _LOCATION_VIEWS or (
        request.endpoint == _ACTION_VIEW and (request.view_args or {}).get("logic_function") in _LOCATION_ACTIONS)
    return located and any(name in request.args for name in _LOCATION_PARAMETERS)


def _anonymous() -> bool:
    """Nobody signed in, no API token sent, no message waiting to be shown once."""
    token_headers = (tk.config.get("apitoken_header_name"), "Authorization", "X-CKAN-API-Key")
    if any(request.headers.get(name) for name in token_headers):
        return False
    return not current_user.is_authenticated and not session.get("_flashes")


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)  # CKAN's metadata_modified: naive UTC


def _validator(target: _Target) -> Validator | None:
    try:
        with read_engine.replica_reading() as conn:
            stamp = data_stamp(conn, province=target.province, station=target.station)
    except ProgrammingError as error:
        if hooks.is_unmigrated(error):
            return None
        raise
    if target.station is not None and not stamp.is_station:
        return None  # any other dataset's page stays as CKAN serves it
    hour = hooks.now().replace(minute=0, second=0, microsecond=0)
    changed = [moment for moment in (_utc(stamp.readings_changed), _utc(stamp.datasets_changed),
                                     _utc(stamp.requests_changed), hour) if moment]
    parts = (__version__, ckan.__version__, tk.h.lang(), request.full_path, hour.isoformat(), *stamp.parts())
    return make_validator(parts, max(changed))


def answer_unchanged() -> Response | None:
    """Set the request's cache policy; a conditional GET naming the current validator gets its
    304 here, before the view."""
    if request.method not in ("GET", "HEAD"):
        return None
    target = _target()
    if target is None:
        return None
    if not _anonymous() or _names_a_location():
        request.environ[MARK] = PRIVATE
        return None
    validator = _validator(target)
    if validator is None:
        return None
    request.environ[MARK] = CachePolicy(shared=True, max_age=tk.config.get(target.max_age_key), validator=validator)
    if validator.unchanged_for(request.environ):
        return Response(status=304)
    return None
