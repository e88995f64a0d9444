"""The agency scorecard as CKAN gives it: the thresholds from configuration, the facts read
(stations from the dashboard's summary, datasets and resources from the search index, the data
requests' and the reports on values' figures from their stores), the figures worked out by
``scorecard_figures`` and made into records with texts in the request's language (one shape for
the API, the page and the CSV)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.pm25.common.times import iso_utc
from ckanext.pm25.participation import report_store, request_rules, request_store, scorecard_catalogue
from ckanext.pm25.participation import scorecard_queries
from ckanext.pm25.participation.request_actions import target_days
from ckanext.pm25.participation.scorecard_figures import (FLAG_TEXTS, NEVER_REPORTED, OPEN_FORMATS, OVERDUE,
                                                          REQUIRED_FIELDS, STALE, UNRESOLVED, WINDOW_DAYS, Agency,
                                                          Score, Thresholds, ranked, window)
from ckanext.pm25.readings import hooks

CSV_COLUMNS = ("rank", "name", "title", "datasets", "stations", "active_stations", "latest_hour_utc",
               "hours_since_latest", "expected_hours", "hours_present", "completeness_percent",
               "datasets_with_required_metadata", "metadata_complete_percent", "resources",
               "open_format_resources", "open_formats_percent", "requests", "requests_due",
               "requests_within_target", "requests_within_target_percent", "requests_median_days",
               "requests_open", "requests_overdue", "reports", "reports_received", "reports_resolved",
               "reports_resolved_percent", "reports_median_days", "reports_open", "reports_overdue", "red_flags")


def thresholds() -> Thresholds:
    return Thresholds(int(tk.config.get("ckanext.pm25.scorecard.stale_after_hours")),
                      float(tk.config.get("ckanext.pm25.scorecard.min_completeness_percent")), target_days())


def scores(now: datetime, limits: Thresholds) -> list[Score]:
    """Every agency that owns public PM2.5 datasets or stations, ranked."""
    start, end = window(now)
    with hooks.reading() as conn:
        stations = scorecard_queries.station_facts(conn, start, end)
        requests = request_store.agency_figures(conn, now, limits.request_target_days)
        reports = {agency_id: request_rules.agency_figures(timings, now, limits.request_target_days)
                   for agency_id, timings in report_store.agency_timings(conn).items()}
    agencies: dict[str, Agency] = {agency.id: agency for agency in stations}
    catalogue = scorecard_catalogue.catalogue(agencies)
    return ranked(list(agencies.values()), catalogue, {agency.id: facts for agency, facts in stations.items()},
                  now, limits, requests, reports)


def flag_text(flag: str, item: Score, limits: Thresholds) -> str:
    if flag == STALE and item.never_reported:
        return tk._(NEVER_REPORTED)
    if flag == OVERDUE:
        days = limits.request_target_days
        return tk.ungettext("Overdue request: unanswered past the target of {days} day",
                            "Overdue request: unanswered past the target of {days} days", days).format(days=days)
    if flag == UNRESOLVED:
        days = limits.request_target_days
        return tk.ungettext("Unresolved report: a report on a value left unresolved past {days} day",
                            "Unresolved report: a report on a value left unresolved past {days} days",
                            days).format(days=days)
    return tk._(FLAG_TEXTS[flag]).format(hours=limits.stale_after_hours,
                                         percent=f"{limits.min_completeness_percent:g} %")


def requests_text(item: Score) -> str:
    """The requests answered within target in words: "2 of 3 requests answered within the target;
    median days to answer: 11.5"."""
    if not item.had_requests:
        return tk._("No requests")
    if not item.requests.due:
        return tk._("No request due yet")
    text = tk.ungettext("{within} of {due} request answered within the target",
                        "{within} of {due} requests answered within the target", item.requests.due).format(
        within=item.requests.within_target_count, due=item.requests.due)
    if item.requests.median_days is not None:
        text += tk._("; median days to answer: {days:g}").format(days=item.requests.median_days)
    return text


def reports_text(item: Score) -> str:
    """The reports on values resolved in words: "2 of 3 reports resolved; median days to
    resolve: 1.5"."""
    if not item.reports_received:
        return tk._("No reports on values")
    text = tk.ungettext("{resolved} of {received} report resolved", "{resolved} of {received} reports resolved",
                        item.reports_received).format(resolved=item.reports.closed, received=item.reports_received)
    if item.reports.median_days is not None:
        text += tk._("; median days to resolve: {days:g}").format(days=item.reports.median_days)
    return text


def record(item: Score, limits: Thresholds) -> dict[str, Any]:
    stations = item.stations
    return {
        "rank": item.rank,
        "id": item.agency.id,
        "name": item.agency.name,
        "title": item.agency.title,
        "datasets": item.catalogue.datasets,
        "stations": stations.stations,
        "active_stations": stations.active_stations,
        "latest_hour_utc": iso_utc(stations.latest_hour) if stations.latest_hour else None,
        "hours_since_latest": item.hours_since_latest,
        "expected_hours": item.expected_hours,
        "hours_present": min(stations.hours_present, item.expected_hours),
        "completeness_percent": item.completeness,
        "datasets_with_required_metadata": item.catalogue.complete_datasets,
        "metadata_complete_percent": item.metadata_completeness,
        "resources": item.catalogue.resources,
        "open_format_resources": item.catalogue.open_resources,
        "open_formats_percent": item.open_formats,
        "requests": requests_text(item),
        "requests_due": item.requests.due,
        "requests_within_target": item.requests.within_target_count,
        "requests_within_target_percent": item.requests_within_target,
        "requests_median_days": item.requests.median_days,
        "requests_open": item.requests.open,
        "requests_overdue": item.requests.overdue,
        "reports": reports_text(item),
        "reports_received": item.reports_received,
        "reports_resolved": item.reports.closed,
        "reports_resolved_percent": item.reports_resolved,
        "reports_median_days": item.reports.median_days,
        "reports_open": item.reports.open,
        "reports_overdue": item.reports.overdue,
        "red_flags": [{"key": flag, "text": flag_text(flag, item, limits)} for flag in item.flags],
    }


def scorecard(now: datetime, organization: str | None = None) -> dict[str, Any]:
    """The scorecard answer: its rules and the ranked agencies (only ``organization``'s row, by
    name or id, when given; LookupError when no agency is so named)."""
    limits = thresholds()
    start, end = window(now)
    rows = [record(item, limits) for item in scores(now, limits)]
    if organization is not None:
        rows = [row for row in rows if organization in (row["name"], row["id"])]
        if not rows:
            raise LookupError(organization)
    return {
        "window_days": WINDOW_DAYS,
        "window_start_utc": iso_utc(start),
        "window_end_utc": iso_utc(end),
        "stale_after_hours": limits.stale_after_hours,
        "min_completeness_percent": limits.min_completeness_percent,
        "request_target_days": limits.request_target_days,
        "required_fields": list(REQUIRED_FIELDS),
        "open_formats": sorted(OPEN_FORMATS),
        "count": len(rows),
        "agencies": rows,
    }


def csv_rows(agencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answer's agencies as CSV rows: the red flags' texts joined."""
    return [{**row, "red_flags": "; ".join(flag["text"] for flag in row["red_flags"])} for row in agencies]
