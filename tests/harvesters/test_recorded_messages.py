"""Reading a recorded message back into its msgid and parameters (recorded_messages.py)."""
from __future__ import annotations

from ckanext.pm25.harvesters.recorded_messages import (FETCH_FAILED, OUT_OF_TIME, PHRASES, TEMPLATES,
                                                       english, localised)


def marked(text: str) -> str:
    """A stand-in catalogue that shows which texts were looked up: each one in brackets."""
    return "<" + text + ">" if text in TEMPLATES or text in PHRASES or text == "Upstream" else text


def test_a_fetch_failure_is_translated_with_its_upstream_detail_url_and_snippet_as_they_came() -> None:
    stored = (english(FETCH_FAILED, what="the station list", kind="http_status", detail="HTTP 503 Busy; retry")
              + "; stored data left as it was [https://up.example/a?b=1]\nUpstream: <html>; x")
    shown = localised(stored, marked)
    assert shown == ("<Could not fetch %(what)s: %(kind)s: %(detail)s>"
                     .replace("%(what)s", "<the station list>").replace("%(kind)s", "http_status")
                     .replace("%(detail)s", "HTTP 503 Busy; retry")
                     + "; <stored data left as it was> [https://up.example/a?b=1]\n<Upstream>: <html>; x")


def test_a_time_budget_message_translates_what_was_being_done() -> None:
    stored = english(OUT_OF_TIME, seconds="61", key="ckanext.pm25.harvest.job_seconds", budget="60",
                     while_doing="while fetching the station list") + "; stored data left as it was"
    assert "<while fetching the station list>" in localised(stored, marked)
    assert localised(stored, marked).endswith("; <stored data left as it was>")


def test_a_message_nobody_registered_is_shown_as_stored() -> None:
    stored = "duplicate_station: two records (3 records)"
    assert localised(stored, marked) == stored
