"""The scorecard's station facts of every agency in one query over the dashboard's summary
(``readings/tables.py``): per organisation, its public stations, the active ones, the hour of
its newest reading (``pm25_station_latest.latest_hour``) and the hours with a value its active
stations have in the window (an index range scan of ``pm25_station_hourly`` per active station).

A station counts while its dataset is active and public in CKAN's ``package`` table, as every
public figure of the dashboard does (``readings/queries.py``)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ckanext.pm25.participation.scorecard_figures import Agency, StationFacts

_BY_AGENCY = sa.text("""
    SELECT g.id, g.name, g.title, count(*) AS stations, count(*) FILTER (WHERE s.active) AS active_stations,
           max(s.latest_hour) AS latest_hour, coalesce(sum(present.hours), 0) AS hours_present
      FROM pm25_station_latest AS s
      JOIN package AS p ON p.id = s.package_id AND p.state = 'active' AND NOT p.private
      JOIN "group" AS g ON g.id = p.owner_org AND g.state = 'active'
      LEFT JOIN LATERAL (
            SELECT count(*) AS hours FROM pm25_station_hourly AS h
             WHERE h.station_key = s.station_key AND h.hour_utc > :start AND h.hour_utc <= :end
               AND h.pm25 IS NOT NULL) AS present ON s.active
     GROUP BY g.id, g.name, g.title
""")


def station_facts(conn: Connection, start: datetime, end: datetime) -> dict[Agency, StationFacts]:
    """Each agency with public stations, and its station facts over the window (start, end]."""
    rows = conn.execute(_BY_AGENCY, {"start": start, "end": end})
    return {Agency(row.id, row.name, row.title or row.name):
            StationFacts(int(row.stations), int(row.active_stations), row.latest_hour, int(row.hours_present))
            for row in rows}
