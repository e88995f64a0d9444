"""The scorecard's figures from plain values (no CKAN, no database)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from ckanext.pm25.participation.request_rules import Timing, agency_figures
from ckanext.pm25.participation.scorecard_figures import (INCOMPLETE, OVERDUE, STALE, WINDOW_HOURS, Agency,
                                                          CatalogueFacts, StationFacts, Thresholds, catalogue_facts,
                                                          hours_between, is_open_resource, missing_required,
                                                          normal_format, percent, ranked, score)

NOW = datetime(2026, 12, 7, 13, 40, tzinfo=timezone.utc)
THIS_HOUR = datetime(2026, 12, 7, 13, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
LIMITS = Thresholds(stale_after_hours=3, min_completeness_percent=75)
PCD = Agency("id-pcd", "pcd", "กรมควบคุมมลพิษ")


def complete_dataset(**changes: Any) -> dict[str, Any]:
    dataset = {"name": "d", "title": "D", "owner_org": "id-pcd", "data_type": "ข้อมูลระเบียน", "maintainer": "m",
               "maintainer_email": "m@example.go.th", "tags": [{"name": "PM2.5"}], "notes": "n",
               "objective": ["เพื่อการให้บริการประชาชน"], "update_frequency_unit": "ชั่วโมง",
               "geo_coverage": "ประเทศ", "data_source": "กรมควบคุมมลพิษ", "data_format": ["CSV"],
               "data_category": "ข้อมูลสาธารณะ", "license_id": "Creative Commons Attributions", "resources": []}
    dataset.update(changes)
    return dataset


class TestRequiredMetadata:
    def test_a_dataset_with_every_required_field_misses_none(self) -> None:
        assert missing_required(complete_dataset()) == []

    def test_empty_blank_and_absent_fields_are_missing(self) -> None:
        dataset = complete_dataset(maintainer="  ", objective=[], tags=[])
        del dataset["geo_coverage"]
        assert missing_required(dataset) == ["maintainer", "tags", "objective", "geo_coverage"]

    def test_other_needs_its_text(self) -> None:
        assert missing_required(complete_dataset(data_type="ข้อมูลประเภทอื่นๆ")) == ["data_type_other"]
        assert missing_required(complete_dataset(objective=["อื่นๆ"], objective_other="วิจัย")) == []
        assert missing_required(complete_dataset(data_format=["CSV", "อื่นๆ"], data_format_other="")) == [
            "data_format_other"]


class TestOpenFormats:
    def test_formats_are_read_as_people_write_them(self) -> None:
        assert [normal_format(value) for value in (".csv", " csv ", "text/csv", "application/geo+json", None, 5)] \
            == ["CSV", "CSV", "CSV", "GEOJSON", "", ""]

    def test_open_closed_and_datastore_resources(self) -> None:
        assert is_open_resource({"format": "GeoJSON"})
        assert is_open_resource({"format": "xml"})
        assert not is_open_resource({"format": "PDF"})
        assert not is_open_resource({"format": "XLSX"})
        assert not is_open_resource({"format": ""})
        assert is_open_resource({"format": "", "datastore_active": True})  # served as CSV/JSON/XML

    def test_catalogue_facts_per_owner(self) -> None:
        facts = catalogue_facts([
            complete_dataset(resources=[{"format": "CSV"}, {"format": "PDF"}]),
            complete_dataset(notes="", resources=[{"format": "JSON"}]),
            complete_dataset(owner_org="id-cmu", resources=[]),
            complete_dataset(owner_org=None, resources=[{"format": "CSV"}]),
        ])
        assert facts == {"id-pcd": CatalogueFacts(datasets=2, complete_datasets=1, resources=3, open_resources=2),
                         "id-cmu": CatalogueFacts(datasets=1, complete_datasets=1, resources=0, open_resources=0)}


class TestFigures:
    def test_percent_rounds_half_up_and_has_none_of_nothing(self) -> None:
        assert percent(1, 3) == 33.3
        assert percent(2, 3) == 66.7
        assert percent(1, 8) == 12.5  # exactly 12.5, not banker's 12.4
        assert percent(1, 16) == 6.3  # 6.25 half-up
        assert percent(0, 0) is None

    def test_hours_since_count_whole_hours_to_the_current_one(self) -> None:
        assert hours_between(THIS_HOUR, NOW) == 0
        assert hours_between(THIS_HOUR - 3 * HOUR, NOW) == 3
        assert hours_between(None, NOW) is None
        assert hours_between(THIS_HOUR + HOUR, NOW) == 0  # a reading stamped ahead is not negative

    def test_no_stations_no_station_figures_no_flags(self) -> None:
        result = score(PCD, CatalogueFacts(2, 2, 4, 4), StationFacts(), NOW, LIMITS)
        assert (result.hours_since_latest, result.expected_hours, result.completeness) == (None, 0, None)
        assert (result.metadata_completeness, result.open_formats, result.flags) == (100.0, 100.0, ())

    def test_active_stations_that_never_reported_are_stale_and_incomplete(self) -> None:
        result = score(PCD, CatalogueFacts(1, 1, 1, 1), StationFacts(2, 2, None, 0), NOW, LIMITS)
        assert (result.hours_since_latest, result.expected_hours, result.completeness) == (None, 2 * WINDOW_HOURS,
                                                                                           0.0)
        assert result.flags == (STALE, INCOMPLETE) and result.never_reported

    def test_only_inactive_stations_expect_nothing(self) -> None:
        result = score(PCD, CatalogueFacts(1, 1, 1, 1), StationFacts(1, 0, THIS_HOUR - 800 * HOUR, 0), NOW, LIMITS)
        assert (result.expected_hours, result.completeness, result.hours_since_latest) == (0, None, 800)
        assert result.flags == (STALE,)

    def test_no_datasets_or_resources_give_no_shares(self) -> None:
        result = score(PCD, CatalogueFacts(), StationFacts(), NOW, LIMITS)
        assert (result.metadata_completeness, result.open_formats, result.flags) == (None, None, ())

    def test_thresholds_are_exclusive(self) -> None:
        at_limits = score(PCD, CatalogueFacts(), StationFacts(1, 1, THIS_HOUR - 3 * HOUR, 540), NOW, LIMITS)
        assert (at_limits.hours_since_latest, at_limits.completeness, at_limits.flags) == (3, 75.0, ())
        past = score(PCD, CatalogueFacts(), StationFacts(1, 1, THIS_HOUR - 4 * HOUR, 539), NOW, LIMITS)
        assert (past.completeness, past.flags) == (74.9, (STALE, INCOMPLETE))

    def test_more_hours_than_expected_never_pass_100(self) -> None:
        assert score(PCD, CatalogueFacts(), StationFacts(1, 1, THIS_HOUR, 900), NOW, LIMITS).completeness == 100.0

    def test_ranked_fewest_flags_then_shares_then_freshness_then_title(self) -> None:
        agencies = [Agency(key, key, title) for key, title in
                    (("a", "Alpha"), ("b", "Beta"), ("c", "Gamma"), ("d", "Delta"), ("e", "Epsilon"))]
        catalogue = {"a": CatalogueFacts(1, 1, 1, 1), "b": CatalogueFacts(1, 1, 1, 1), "c": CatalogueFacts(1, 0, 1, 1),
                     "d": CatalogueFacts(1, 1, 1, 1), "e": CatalogueFacts(1, 1, 1, 1)}
        stations = {"a": StationFacts(1, 1, THIS_HOUR - 10 * HOUR, 700),  # stale
                    "b": StationFacts(1, 1, THIS_HOUR, 600),
                    "c": StationFacts(1, 1, THIS_HOUR, 700),
                    "d": StationFacts(1, 1, THIS_HOUR - HOUR, 700)}  # "e": no stations
        result = ranked(agencies, catalogue, stations, NOW, LIMITS)
        assert [(item.rank, item.agency.name) for item in result] == [(1, "d"), (2, "c"), (3, "b"), (4, "e"),
                                                                        (5, "a")]

    def test_a_request_open_past_the_target_is_a_flag_counted_in_the_rank(self) -> None:
        day = timedelta(days=1)
        overdue = agency_figures([Timing(NOW - 16 * day, None), Timing(NOW - 30 * day, NOW - 27 * day)], NOW, 15)
        waiting = agency_figures([Timing(NOW - 14 * day, None), Timing(NOW - 30 * day, NOW - 10 * day)], NOW, 15)
        agencies = [Agency("a", "a", "Alpha"), Agency("b", "b", "Beta"), Agency("c", "c", "Gamma")]
        catalogue = {"a": CatalogueFacts(1, 1, 1, 1), "b": CatalogueFacts(1, 0, 1, 0), "c": CatalogueFacts(1, 0, 1, 0)}
        result = ranked(agencies, catalogue, {}, NOW, LIMITS, {"a": overdue, "b": waiting})
        assert [(item.agency.name, item.flags) for item in result] == [("b", ()), ("c", ()), ("a", (OVERDUE,))]
        alpha, beta, gamma = result[2], result[0], result[1]
        assert (alpha.requests.due, alpha.requests.within_target_count, alpha.requests_within_target) == (2, 1, 50.0)
        assert (beta.requests.due, beta.requests.within_target_count, beta.requests_within_target) == (1, 0, 0.0)
        assert (gamma.had_requests, gamma.requests_within_target) == (False, None)
