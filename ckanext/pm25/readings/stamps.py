"""What a readings page's HTTP validator is made of, read in one cheap query (no CKAN imports).

The summary's station rows (one per station, a few thousand) give the newest hour shown (of a
province or one station, or of all) and when any reading last changed; CKAN's ``package`` table
when any dataset last changed (an edit, a deletion, made private) and how many there are (a
purge); ``system_info`` the site's settings edited in the admin pages (title, logo, …); the
model estimates' summary when an area's value last changed; ``harvest_job`` when a harvest last
finished (the hotspots live in the DataStore's database, out of this query's reach, and are
written only by harvests); the data requests' newest step and how many requests there are (the
agency scorecard shows their figures: an answer, a transfer or a deletion changes them). Each is
an aggregate over a small table (or an index), a millisecond or two at the scale of a national
catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_STAMP = sa.text("""
    SELECT latest.changed, latest.stations, latest.newest, latest.station_rows,
           datasets.changed, datasets.total, settings.digest, areas.changed, harvests.finished,
           request_steps.changed, requests.total
      FROM (SELECT max(updated_at) AS changed, count(*) AS stations,
                   max(latest_hour) FILTER (WHERE (CAST(:province AS text) IS NULL OR province = :province)
                                              AND (CAST(:station AS text) IS NULL OR package_id IN (
                                                   SELECT id FROM package WHERE id = :station OR name = :station)))
                       AS newest,
                   count(*) FILTER (WHERE package_id IN (
                                    SELECT id FROM package WHERE id = :station OR name = :station)) AS station_rows
              FROM pm25_station_latest) AS latest,
           (SELECT max(metadata_modified) AS changed, count(*) AS total FROM package) AS datasets,
           (SELECT md5(coalesce(string_agg(key || '=' || coalesce(value, ''), ',' ORDER BY key), '')) AS digest
              FROM system_info) AS settings,
           (SELECT max(updated_at) AS changed FROM pm25_area_latest) AS areas,
           (SELECT max(finished) AS finished FROM harvest_job) AS harvests,
           (SELECT max(created) AS changed FROM pm25_data_request_step) AS request_steps,
           (SELECT count(*) AS total FROM pm25_data_request) AS requests
""")


@dataclass(frozen=True)
class DataStamp:
    """The state of what a page shows: ``newest_hour`` (of its scope), ``readings_changed``
    (any station's readings), ``datasets_changed`` (any dataset) and the counts and digest that
    catch what leaves no time behind (a purge, a setting)."""

    newest_hour: datetime | None
    readings_changed: datetime | None
    stations: int
    datasets_changed: datetime | None
    datasets: int
    settings: str
    is_station: bool
    areas_changed: datetime | None = None
    harvest_finished: datetime | None = None
    requests_changed: datetime | None = None
    requests: int = 0

    def parts(self) -> tuple[object, ...]:
        return (self.newest_hour, self.readings_changed, self.stations, self.datasets_changed, self.datasets,
                self.settings, self.areas_changed, self.harvest_finished, self.requests_changed, self.requests)


def data_stamp(conn: Connection, province: str | None = None, station: str | None = None) -> DataStamp:
    """The stamp of everything, of one province's readings (``province``: its code) or of one
    station dataset's (``station``: its id or name; ``is_station`` says whether it is one)."""
    row = conn.execute(_STAMP, {"province": province, "station": station}).one()
    (readings_changed, stations, newest, station_rows, datasets_changed, datasets, settings,
     areas_changed, harvest_finished, requests_changed, requests) = row
    return DataStamp(newest_hour=newest, readings_changed=readings_changed, stations=int(stations),
                     datasets_changed=datasets_changed, datasets=int(datasets), settings=str(settings),
                     is_station=bool(station_rows), areas_changed=areas_changed,
                     harvest_finished=harvest_finished, requests_changed=requests_changed,
                     requests=int(requests))
