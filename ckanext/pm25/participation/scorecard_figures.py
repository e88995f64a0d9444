"""The agency scorecard's figures (issue 17), from plain facts: which of a dataset's GD-Catalog
required fields are filled, which resources are in an open format, and each agency's freshness,
completeness, shares, red flags and rank. Pure: no CKAN, no clock (``now`` comes in).

An agency is a CKAN organisation that owns public PM2.5 datasets. Its figures:

- freshness: whole hours from the hour of its newest reading (any of its public stations) to
  the current hour;
- completeness: hours with a value over the hours expected, ``WINDOW_HOURS`` (the 30 days
  ending with the current hour) for each of its active stations;
- metadata completeness: the share of its datasets with every GD-Catalog required field filled
  (a choice of "other" needing its ``<field>_other`` text too);
- open formats: the share of its resources in an open, machine-readable format;
- requests answered within target: the data requests' own figures of the agency
  (``request_rules.agency_figures``, read by ``request_store.agency_figures``), not worked out
  again here;
- reports resolved: the reports on its stations' values received, resolved (flagged or
  answered; a flag withdrawn later stays resolved), their share and the median days to
  resolve, by the same rule as the requests' (``request_rules.agency_figures`` over the
  reports' timings, ``report_store.agency_timings``).

Red flags: stale (newest reading more than ``stale_after_hours`` before the current hour, or
active stations that never reported), incomplete (completeness under the minimum) and overdue
(a data request unanswered past the requests' target days) and unresolved reports (a report
on a value left unresolved past the same target).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ckanext.pm25.common.messages import N_
from ckanext.pm25.participation.request_rules import AgencyFigures

WINDOW_DAYS = 30
WINDOW_HOURS = WINDOW_DAYS * 24
HOUR = timedelta(hours=1)

# GD-Catalog's required dataset fields (../shared/reference/gd-catalog.md), as a shown dataset
# holds them: `tag_string` is shown as `tags`. title, name and owner_org cannot be empty in CKAN.
REQUIRED_FIELDS = ("data_type", "title", "name", "owner_org", "maintainer", "maintainer_email", "tags", "notes",
                   "objective", "update_frequency_unit", "geo_coverage", "data_source", "data_format",
                   "data_category", "license_id")
# A required field whose choice "other" (อื่นๆ, data_type's ข้อมูลประเภทอื่นๆ) needs `<field>_other`.
WITH_OTHER = ("data_type", "objective", "update_frequency_unit", "geo_coverage", "data_format", "license_id")
OTHER_CHOICE = "อื่นๆ"

# Open, machine-readable formats (non-proprietary and structured: three stars and up on the
# five-star scheme). Not open here: PDF, HTML, images, office formats (XLS, XLSX, DOC),
# Shapefile and GeoTIFF (vendor specifications), archives, and a resource with no format.
OPEN_FORMATS = frozenset({
    "CSV", "TSV", "JSON", "JSON-LD", "GEOJSON", "XML", "RDF", "TTL", "N3", "NT", "KML", "GML", "GPX", "ODS",
    "GPKG", "NETCDF", "PARQUET",
})
_FORMAT_ALIASES = {"TEXT/CSV": "CSV", "APPLICATION/JSON": "JSON", "APPLICATION/GEO+JSON": "GEOJSON",
                   "APPLICATION/LD+JSON": "JSON-LD", "JSONLD": "JSON-LD", "APPLICATION/XML": "XML",
                   "TEXT/XML": "XML", "RDF/XML": "RDF", "TURTLE": "TTL", "GEOPACKAGE": "GPKG", "NC": "NETCDF",
                   "TEXT/TAB-SEPARATED-VALUES": "TSV", "N-TRIPLES": "NT"}

STALE = "stale"
INCOMPLETE = "incomplete"
OVERDUE = "overdue"  # its text has a plural form: scorecard.flag_text
UNRESOLVED = "unresolved_reports"  # as OVERDUE
FLAG_TEXTS = {
    STALE: N_("Stale: no reading for more than {hours} hours"),
    INCOMPLETE: N_("Incomplete: fewer than {percent} of the expected hours in the last 30 days"),
}
NEVER_REPORTED = N_("Stale: its active stations have sent no reading")


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return any(_filled(item) for item in (value.values() if isinstance(value, dict) else value))
    return True


def _chose_other(value: Any) -> bool:
    values = value if isinstance(value, (list, tuple)) else [value]
    return any(isinstance(item, str) and item.strip().endswith(OTHER_CHOICE) for item in values)


def missing_required(dataset: Mapping[str, Any]) -> list[str]:
    """The GD-Catalog required fields the dataset leaves empty (``<field>_other`` when it chose
    "other" without saying what)."""
    missing = [name for name in REQUIRED_FIELDS if not _filled(dataset.get(name))]
    missing += [f"{name}_other" for name in WITH_OTHER
                if name not in missing and _chose_other(dataset.get(name))
                and not _filled(dataset.get(f"{name}_other"))]
    return missing


def normal_format(value: Any) -> str:
    """A resource's format as a key of OPEN_FORMATS: upper case, no leading dot, media types
    and common aliases mapped (``.csv``, ``text/csv`` → ``CSV``)."""
    text = value.strip().upper().lstrip(".") if isinstance(value, str) else ""
    return _FORMAT_ALIASES.get(text, text)


def is_open_resource(resource: Mapping[str, Any]) -> bool:
    """In an open format; a DataStore table counts as open whatever its format field says, since
    CKAN serves it as CSV, TSV, JSON and XML (``/datastore/dump``) and through the API."""
    return bool(resource.get("datastore_active")) or normal_format(resource.get("format")) in OPEN_FORMATS


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    title: str


@dataclass
class CatalogueFacts:
    """An agency's public datasets: how many, how many with every required field, and their
    resources, how many in an open format."""

    datasets: int = 0
    complete_datasets: int = 0
    resources: int = 0
    open_resources: int = 0

    def add(self, dataset: Mapping[str, Any]) -> None:
        self.datasets += 1
        self.complete_datasets += not missing_required(dataset)
        resources = [resource for resource in dataset.get("resources") or [] if isinstance(resource, Mapping)]
        self.resources += len(resources)
        self.open_resources += sum(is_open_resource(resource) for resource in resources)


def catalogue_facts(datasets: Iterable[Mapping[str, Any]]) -> dict[str, CatalogueFacts]:
    """The facts of each owning organisation (by id) of these shown datasets."""
    facts: dict[str, CatalogueFacts] = {}
    for dataset in datasets:
        owner = dataset.get("owner_org")
        if isinstance(owner, str) and owner:
            facts.setdefault(owner, CatalogueFacts()).add(dataset)
    return facts


@dataclass(frozen=True)
class StationFacts:
    """An agency's public stations: how many, how many active, the hour of its newest reading,
    and the hours with a value its active stations have in the window."""

    stations: int = 0
    active_stations: int = 0
    latest_hour: datetime | None = None
    hours_present: int = 0


@dataclass(frozen=True)
class Thresholds:
    stale_after_hours: int = 3
    min_completeness_percent: float = 75.0
    request_target_days: int = 15


NO_REQUESTS = AgencyFigures(closed=0, open=0, overdue=0, median_days=None, within_target=None)


@dataclass(frozen=True)
class Score:
    agency: Agency
    catalogue: CatalogueFacts
    stations: StationFacts
    hours_since_latest: int | None
    expected_hours: int
    completeness: float | None  # percent, one decimal; None: no active station
    metadata_completeness: float | None  # percent; None: no dataset
    open_formats: float | None  # percent; None: no resource
    flags: tuple[str, ...]
    requests: AgencyFigures = NO_REQUESTS
    reports: AgencyFigures = NO_REQUESTS
    rank: int = 0
    never_reported: bool = field(default=False)

    @property
    def had_requests(self) -> bool:
        return bool(self.requests.closed or self.requests.open)

    @property
    def requests_within_target(self) -> float | None:
        """Percent of the due requests answered within the target; None while none is due."""
        return percent(self.requests.within_target_count, self.requests.due)

    @property
    def reports_received(self) -> int:
        return self.reports.closed + self.reports.open

    @property
    def reports_resolved(self) -> float | None:
        """Percent of the reports received that are resolved; None without any."""
        return percent(self.reports.closed, self.reports_received)


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, half-up to one decimal; None when there is no whole."""
    if whole <= 0:
        return None
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def hours_between(latest_hour: datetime | None, now: datetime) -> int | None:
    """Whole hours from the hour of the newest reading to the current hour (0: this hour)."""
    if latest_hour is None:
        return None
    current = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return max(0, math.floor((current - latest_hour) / HOUR))


def window(now: datetime) -> tuple[datetime, datetime]:
    """The completeness window: the ``WINDOW_HOURS`` hours ending with the current one, as
    (exclusive start, inclusive end)."""
    current = now.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return current - WINDOW_HOURS * HOUR, current


def score(agency: Agency, catalogue: CatalogueFacts, stations: StationFacts, now: datetime,
          thresholds: Thresholds, requests: AgencyFigures = NO_REQUESTS,
          reports: AgencyFigures = NO_REQUESTS) -> Score:
    hours_since = hours_between(stations.latest_hour, now)
    expected = stations.active_stations * WINDOW_HOURS
    completeness = percent(min(stations.hours_present, expected), expected)
    never_reported = stations.active_stations > 0 and stations.latest_hour is None
    flags: list[str] = []
    if never_reported or (hours_since is not None and hours_since > thresholds.stale_after_hours):
        flags.append(STALE)
    if completeness is not None and completeness < thresholds.min_completeness_percent:
        flags.append(INCOMPLETE)
    if requests.overdue:
        flags.append(OVERDUE)
    if reports.overdue:
        flags.append(UNRESOLVED)
    return Score(agency, catalogue, stations, hours_since, expected, completeness,
                 percent(catalogue.complete_datasets, catalogue.datasets),
                 percent(catalogue.open_resources, catalogue.resources), tuple(flags), requests, reports,
                 never_reported=never_reported)


def _descending(value: float | None) -> float:
    return -value if value is not None else math.inf


def rank_key(item: Score) -> tuple[Any, ...]:
    """Fewest red flags first; then completeness, metadata completeness and open formats, each
    highest first (no figure last); then the freshest; then by title."""
    return (len(item.flags), _descending(item.completeness), _descending(item.metadata_completeness),
            _descending(item.open_formats),
            item.hours_since_latest if item.hours_since_latest is not None else math.inf,
            item.agency.title.casefold(), item.agency.name)


def ranked(agencies: Sequence[Agency], catalogue: Mapping[str, CatalogueFacts],
           stations: Mapping[str, StationFacts], now: datetime, thresholds: Thresholds,
           requests: Mapping[str, AgencyFigures] | None = None,
           reports: Mapping[str, AgencyFigures] | None = None) -> list[Score]:
    """Every agency's score, ranked 1, 2, … (see ``rank_key``); ``requests`` and ``reports``:
    the data requests' and the reports on values' figures of each agency (by id) that had any."""
    requests = requests or {}
    reports = reports or {}
    scores = sorted((score(agency, catalogue.get(agency.id, CatalogueFacts()),
                           stations.get(agency.id, StationFacts()), now, thresholds,
                           requests.get(agency.id, NO_REQUESTS), reports.get(agency.id, NO_REQUESTS))
                     for agency in agencies),
                    key=rank_key)
    return [replace(item, rank=position) for position, item in enumerate(scores, start=1)]
