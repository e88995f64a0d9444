"""Which subscriptions get an alert now, worked out set-wise: one query for the areas' 24-hour
means (the dashboard's own, readings/queries.py), one for every subscription they concern, one
update per batch for what was sent.

An area's current state for a subscription is "above" when its 24-hour mean is over the
subscription's threshold, "below" otherwise; an alert is due when that differs from what the
subscriber was last told (nothing yet counts as "below", so a subscriber confirmed while the area
is above hears it once) and no alert went to that subscription on the same Thai day. An area
without a 24-hour mean, or whose latest hour is stale, is left out: no alert on old data.

Areas are keyed by code: a province by its ISO code with its stations' mean, a district by its
DOPA code with the 24-hour mean of the GISTDA model (readings/area_store.py), so both join the
same query."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ckanext.pm25.geo.provinces import all_provinces
from ckanext.pm25.participation import areas, rules
from ckanext.pm25.readings import area_store, queries
from ckanext.pm25.readings.records import CURRENT, Freshness
from ckanext.pm25.readings.series import mean_24h


def area_means(conn: Connection, freshness: Freshness) -> dict[str, float]:
    """Each province's 24-hour mean, as the dashboard shows it, and each modelled district's,
    when its latest hour is current."""
    latest = queries.province_latest(conn, [province.code for province in all_provinces()])
    means = {}
    for code, last in latest.items():
        mean = mean_24h(last.day_total, last.day_count, last.day_hours)
        if mean is not None and freshness.status(last.hour_utc) == CURRENT:
            means[code] = mean
    for code, row in areas.newest_by_code(area_store.all_district_models(conn)).items():
        if row.pm25_24h is not None and freshness.status(row.hour_utc) == CURRENT:
            means[code] = float(row.pm25_24h)
    return means


@dataclass(frozen=True)
class Due:
    """An alert to send: to ``email``, in ``language``, that ``area_code``'s mean is ``state``."""

    subscription_id: str
    email: str
    area_code: str
    threshold: float
    language: str
    mean: float
    state: rules.State


_DUE = sa.text("""
    SELECT s.id, s.email, s.area_code, s.threshold, s.language, area.mean,
           CASE WHEN area.mean > s.threshold THEN 'above' ELSE 'below' END AS now_state
      FROM unnest(CAST(:codes AS text[]), CAST(:means AS float8[])) AS area(code, mean)
      JOIN pm25_alert_subscription AS s ON s.area_code = area.code AND s.state = 'confirmed'
     WHERE (CASE WHEN area.mean > s.threshold THEN 'above' ELSE 'below' END)
           IS DISTINCT FROM coalesce(s.last_state, 'below')
       AND (s.last_notified_on IS NULL OR s.last_notified_on < :today)
     ORDER BY s.id
""")


def due(conn: Connection, means: Mapping[str, float], today: date) -> list[Due]:
    """Every alert due on ``today`` (a Thai day) for these area means: one query."""
    if not means:
        return []
    codes = list(means)
    rows = conn.execute(_DUE, {"codes": codes, "means": [means[code] for code in codes], "today": today})
    return [Due(row.id, row.email, row.area_code, row.threshold, row.language, row.mean, row.now_state)
            for row in rows]


_RECORD_SENT = sa.text("""
    UPDATE pm25_alert_subscription AS s
       SET last_state = sent.state, last_notified_on = :today
      FROM unnest(CAST(:ids AS text[]), CAST(:states AS text[])) AS sent(id, state)
     WHERE s.id = sent.id AND s.state = 'confirmed'
""")


def record_sent(conn: Connection, sent: Sequence[Due], today: date) -> None:
    """What each subscriber of ``sent`` was told, on ``today``: one statement."""
    if sent:
        conn.execute(_RECORD_SENT, {"ids": [item.subscription_id for item in sent],
                                    "states": [item.state for item in sent], "today": today})
