"""The readings summary behind the dashboard, province pages and the readings API.

Harvesters store each station's hourly readings in that station's DataStore table (the published
record, one table per station). Every committed upsert is also handed to this package
(`IPm25Readings.readings_stored`), which keeps three tables in CKAN's database up to date:

- ``pm25_station_latest``: one row per station dataset: where it is, its province, whether it is
  active, and its latest reading;
- ``pm25_station_hourly``: every station's hourly readings, tagged with the province the station
  was in when the reading was stored (so a mobile unit's past readings stay where they were taken);
- ``pm25_province_hourly``: per province and hour, the sum and number of station values.

Pages and actions read these with indexed queries instead of scanning hundreds of DataStore
tables per request. Pure modules (``series``, ``records``, ``chart``, ``exports``) import nothing
from CKAN; ``store`` (writes), ``queries`` (reads) and ``service`` (records for actions and pages)
speak SQLAlchemy; ``tables`` declares the tables; ``hooks`` is the CKAN side (engine, limits,
what the plugin hands over); ``rebuild`` and ``cli`` rebuild the summary from the DataStore.

Why a copy of the hourly values: each station has its own DataStore table (the published
record), so a province's hour or the latest hour of every province would otherwise be a UNION
over hundreds of tables per request (bench/bench_dashboard.py measures the difference).
"""
