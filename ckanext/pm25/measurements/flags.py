"""An agency's flag on one reading: the quality flag ``agency_flagged`` that the owning agency
sets on a value it found wrong (participation/report_actions.py), written in the measurement
store, where every download reads it, and kept there by the harvests: the bulk merge and the
dashboard summary's upsert keep an agency's flag over the one an upstream record brings
(:func:`kept_flag_sql`), so a re-run does not silently undo it; the harvests' comparison of
fetched with stored rows applies the same rule (:func:`kept_flag`), so a flagged hour whose
upstream values did not change is not counted as updated. The flag an upstream gave is kept
when the agency flags (:func:`upstream_flag`), for the day it withdraws its flag. Pure: no CKAN."""
from __future__ import annotations

from collections.abc import Iterable

AGENCY_FLAG = "agency_flagged"


def kept_flag_sql(stored: str, incoming: str) -> str:
    """The SQL of the flag a merge writes: the stored one when an agency set it, else the
    incoming one (``stored`` and ``incoming`` are SQL column references)."""
    return f"CASE WHEN {stored} = '{AGENCY_FLAG}' THEN {stored} ELSE {incoming} END"


def kept_flag(stored: str | None, incoming: str | None) -> str | None:
    """:func:`kept_flag_sql` in Python: the flag a merge of ``incoming`` over ``stored`` keeps."""
    return stored if stored == AGENCY_FLAG else incoming


def upstream_flag(flags: Iterable[str | None]) -> str | None:
    """The first of the reading's known flags that is not the agency's (None when every one is,
    or there is none): what the upstream gave, to restore when the agency withdraws its flag."""
    return next((flag for flag in flags if flag != AGENCY_FLAG), None)
