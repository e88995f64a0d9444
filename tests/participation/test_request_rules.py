"""The waits for the requester's reply, left out of an agency's days (request_rules, pure)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ckanext.pm25.participation.request_rules import Timing, agency_figures, is_overdue, waiting_time

DAY = timedelta(days=1)
START = datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)


def on(day: float) -> datetime:
    return START + day * DAY


def test_a_wait_runs_from_the_question_to_the_reply() -> None:
    steps = [("submitted", on(0)), ("question", on(2)), ("reply", on(12)), ("answered", on(20))]
    assert waiting_time(steps, on(30)) == 10 * DAY


def test_two_questions_add_up_and_a_running_wait_counts_to_now() -> None:
    steps = [("submitted", on(0)), ("question", on(1)), ("reply", on(3)), ("question", on(10))]
    assert waiting_time(steps, on(16)) == 8 * DAY


def test_the_agency_moving_on_ends_the_wait() -> None:
    for kind in ("transferred", "answered", "declined"):
        assert waiting_time([("submitted", on(0)), ("question", on(4)), (kind, on(6))], on(30)) == 2 * DAY


def test_an_open_request_waiting_for_its_requester_is_not_overdue() -> None:
    waiting = Timing(on(0), None, waiting_time([("question", on(5))], on(30)))
    assert waiting.days_counted(on(30)) == 5 and not is_overdue(waiting, on(30), 15)
    assert is_overdue(Timing(on(0), None), on(30), 15)


def test_the_figures_count_the_agencys_days_only() -> None:
    figures = agency_figures([Timing(on(0), on(20), 10 * DAY), Timing(on(0), None, 25 * DAY),
                              Timing(on(0), None)], on(30), 15)
    assert (figures.median_days, figures.due, figures.within_target_count, figures.overdue) == (10.0, 2, 1, 1)
