"""An agency's flag on one reading: the quality flag ``agency_flagged`` that the owning agency
sets on a value it found wrong (participation/report_actions.py), written in the measurement
store, where every download reads it, and kept there by the harvests: the bulk merge and the
dashboard summary's upsert keep an agency's flag over the one an upstream record brings
(:func:`kept_flag_sql`), so a re-run does not silently undo it. Pure: no CKAN."""
from __future__ import annotations

AGENCY_FLAG = "agency_flagged"


def kept_flag_sql(stored: str, incoming: str) -> str:
    """The SQL of the flag a merge writes: the stored one when an agency set it, else the
    incoming one (``stored`` and ``incoming`` are SQL column references)."""
    return f"CASE WHEN {stored} = '{AGENCY_FLAG}' THEN {stored} ELSE {incoming} END"
