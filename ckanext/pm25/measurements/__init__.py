"""The national measurement store: every source's readings, one DataStore table per source
network, keyed by (series_id, parameter, hour_utc), written in bulk (COPY + one merge)."""
