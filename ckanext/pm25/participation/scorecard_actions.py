"""pm25_agency_scorecard: the public agency scorecard as an action (check_access → validate →
act); anyone may read it."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict, Schema

from ckanext.pm25.common.text import has_unwritable
from ckanext.pm25.participation import scorecard
from ckanext.pm25.readings import hooks


def pm25_agency_name(value: Any, context: Context) -> Any:
    if not isinstance(value, str) or not value.strip() or has_unwritable(value):
        raise tk.Invalid(tk._("Must be the name or id of an organisation, as text"))
    return value.strip()


def scorecard_schema() -> Schema:
    return {"organization": [tk.get_validator("ignore_missing"), pm25_agency_name]}


def _validated(data_dict: DataDict, context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict), scorecard_schema(), context)
    for name in sorted(str(key) for key in (data.pop("__extras", None) or {})):
        errors[name] = [tk._("Unknown parameter (this action takes only: organization)")]
    if errors:
        raise tk.ValidationError(errors)
    return data


@tk.side_effect_free
def pm25_agency_scorecard(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The agency scorecard: each organisation that owns public PM2.5 datasets, ranked (fewest
    red flags first, then completeness, metadata completeness and open formats, highest first).

    :param organization: only this agency's row (its name or id); its rank stays its rank among all
    :returns: {``window_days`` (30), ``window_start_utc``, ``window_end_utc`` (the completeness
        window: exclusive start, inclusive end, the current hour), ``stale_after_hours``,
        ``min_completeness_percent``, ``request_target_days`` (the red flags' thresholds,
        the last from ``ckanext.pm25.requests.target_days``), ``required_fields``
        (GD-Catalog's), ``open_formats``, ``count``, ``agencies``}; each agency: ``rank``,
        ``id``, ``name``, ``title``, ``datasets``, ``stations``, ``active_stations``,
        ``latest_hour_utc``, ``hours_since_latest``, ``expected_hours``, ``hours_present``,
        ``completeness_percent`` (null without active stations),
        ``datasets_with_required_metadata``, ``metadata_complete_percent``, ``resources``,
        ``open_format_resources``, ``open_formats_percent`` (null without resources),
        ``requests`` (the requests answered within target in words, "No requests" when it had
        none), ``requests_due`` (closed, or open past the target), ``requests_within_target``
        (of those, closed within it), ``requests_within_target_percent`` (null while none is
        due), ``requests_median_days`` (to answer or decline; null while none is closed),
        ``requests_open``, ``requests_overdue`` (as ``pm25_data_request_agency_figures``),
        ``reports`` (the reports on its stations' values resolved, in words), ``reports_received``,
        ``reports_resolved`` (flagged or answered), ``reports_resolved_percent`` (null without
        reports), ``reports_median_days`` (to resolve; null while none is resolved),
        ``reports_open``, ``reports_overdue`` (open past the requests' target days) and
        ``red_flags`` ([{``key``: ``stale``, ``incomplete``, ``overdue`` or
        ``unresolved_reports``, ``text``: in the request's language}])
    """
    tk.check_access("pm25_agency_scorecard", context, data_dict)
    data = _validated(data_dict, context)
    try:
        return scorecard.scorecard(hooks.now(), data.get("organization"))
    except LookupError:
        raise tk.ValidationError({"organization": [
            tk._("No organisation with public PM2.5 datasets has this name or id: %(name)s")
            % {"name": data["organization"][:100]}]}) from None


@tk.auth_allow_anonymous_access
def _public(context: Context, data_dict: DataDict | None = None) -> AuthResult:
    """The scorecard is made of public figures: anyone may read it."""
    return {"success": True}


ACTIONS: dict[str, Callable[..., Any]] = {"pm25_agency_scorecard": pm25_agency_scorecard}
AUTH: dict[str, Callable[..., Any]] = {"pm25_agency_scorecard": _public}
