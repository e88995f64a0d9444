"""Cutting a location after its second decimal, in a value and in a log line (coarse_point.py)."""
from __future__ import annotations

from ckanext.pm25.readings.coarse_point import coarse, coarse_in_text


def test_a_value_is_cut_toward_zero_without_floating_point_slips() -> None:
    assert coarse("18.308765") == 18.30 and coarse(-0.129999) == -0.12
    assert coarse(13.29) == 13.29 and coarse("100") == 100.0


def test_every_point_in_a_request_line_or_a_logged_dict_is_cut() -> None:
    line = '"GET /pm25/my-area?place=&lat=18.308765&lon=99.506543 HTTP/1.1" 200 -'
    assert coarse_in_text(line) == '"GET /pm25/my-area?place=&lat=18.30&lon=99.50 HTTP/1.1" 200 -'
    assert coarse_in_text("Request data extracted: {'lat': '18.308765', \"lon\": 99.5065}") == \
        "Request data extracted: {'lat': '18.30', \"lon\": 99.50}"
    assert coarse_in_text("lat=18.3&lon=99") == "lat=18.3&lon=99"
