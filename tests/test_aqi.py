"""Thai PCD and US EPA PM2.5 AQI: table edges, conventions, and properties."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.pm25.aqi import (
    THAI_24H_STANDARD,
    AqiBand,
    AqiResult,
    thai_aqi,
    thai_bands,
    truncate_concentration,
    us_aqi,
    us_bands,
)

def known(index: Callable[[float], AqiResult | None], pm25: float) -> AqiResult:
    result = index(pm25)
    assert result is not None
    return result


concentrations = st.floats(min_value=0, max_value=2000, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(("pm25", "value", "band"), [
    (0.0, 0, "very_good"),
    (15.0, 25, "very_good"),
    (15.05, 25, "very_good"),
    (15.1, 26, "good"),
    (25.0, 50, "good"),
    (25.1, 51, "moderate"),
    (37.5, 100, "moderate"),
    (37.6, 101, "starting_to_affect_health"),
    (75.0, 200, "starting_to_affect_health"),
    (75.1, 201, "affects_health"),
])
def test_thai_table_edges(pm25: float, value: int, band: str) -> None:
    result = thai_aqi(pm25)
    assert result is not None
    assert (result.value, result.band) == (value, band)


@pytest.mark.parametrize(("pm25", "value", "band"), [
    (0.0, 0, "good"),
    (9.0, 50, "good"),
    (9.1, 51, "moderate"),
    (35.4, 100, "moderate"),
    (35.5, 101, "unhealthy_for_sensitive_groups"),
    (55.4, 150, "unhealthy_for_sensitive_groups"),
    (55.5, 151, "unhealthy"),
    (125.4, 200, "unhealthy"),
    (125.5, 201, "very_unhealthy"),
    (225.4, 300, "very_unhealthy"),
    (225.5, 301, "hazardous"),
    (325.4, 500, "hazardous"),
])
def test_us_table_edges(pm25: float, value: int, band: str) -> None:
    result = us_aqi(pm25)
    assert result is not None
    assert (result.value, result.band) == (value, band)


def test_concentration_is_truncated_not_rounded() -> None:
    assert known(us_aqi, 9.09).value == 50  # 9.0, not 9.1
    assert known(us_aqi, 35.49).value == 100
    assert truncate_concentration(15.1) == Decimal("15.1")
    assert truncate_concentration(37.59999) == Decimal("37.5")


def test_thai_above_top_band_continues_the_101_to_200_slope() -> None:
    slope = (200 - 101) / (75.0 - 37.6)
    assert known(thai_aqi, 100.0).value == round(201 + slope * (100.0 - 75.1))
    assert known(thai_aqi, 500.0).band == "affects_health"


def test_us_above_table_extrapolates_the_hazardous_slope() -> None:
    assert known(us_aqi, 425.3).value == 699
    assert known(us_aqi, 425.3).band == "hazardous"


@pytest.mark.parametrize("bad", [None, -0.1, -1, float("nan"), float("inf"), "abc"])
def test_no_index_for_missing_or_invalid(bad: object) -> None:
    assert thai_aqi(bad) is None  # type: ignore[arg-type]
    assert us_aqi(bad) is None  # type: ignore[arg-type]


def test_result_carries_band_names_and_colours() -> None:
    result = thai_aqi(34.1)
    assert result is not None
    assert result.value == 87  # the example in Air4Thai's payload
    assert (result.name_th, result.name_en) == ("ปานกลาง", "Moderate")
    assert result.colour_rgb == (253, 192, 78)
    assert result.colour_hex == "#FDC04E"
    assert known(us_aqi, 100).colour_hex == "#FF0000"


def test_standard_is_the_top_of_moderate() -> None:
    assert THAI_24H_STANDARD == 37.5
    assert known(thai_aqi, THAI_24H_STANDARD).value == 100


@pytest.mark.parametrize("bands", [thai_bands(), us_bands()])
def test_band_tables_are_contiguous_for_legends(bands: tuple[AqiBand, ...]) -> None:
    assert bands[0].conc_low == 0 and bands[0].aqi_low == 0
    for lower, upper in pairwise(bands):
        assert lower.conc_high is not None and lower.aqi_high is not None
        assert round(upper.conc_low - lower.conc_high, 1) == 0.1
        assert upper.aqi_low == lower.aqi_high + 1
    assert all(band.colour_hex == "#{:02X}{:02X}{:02X}".format(*band.colour_rgb)
               for band in bands)


@pytest.mark.parametrize("index", [thai_aqi, us_aqi])
@given(a=concentrations, b=concentrations)
def test_index_is_monotonic(index, a: float, b: float) -> None:  # type: ignore[no-untyped-def]
    low, high = sorted((a, b))
    assert index(low).value <= index(high).value


@pytest.mark.parametrize(("index", "bands"), [(thai_aqi, thai_bands()), (us_aqi, us_bands())])
@given(pm25=concentrations)
def test_value_and_concentration_fall_in_the_reported_band(  # type: ignore[no-untyped-def]
    index, bands: tuple[AqiBand, ...], pm25: float
) -> None:
    result = index(pm25)
    band = next(b for b in bands if b.key == result.band)
    truncated = float(truncate_concentration(pm25))
    assert band.conc_low <= truncated
    assert result.value >= band.aqi_low
    if band is not bands[-1]:
        assert band.conc_high is not None and band.aqi_high is not None
        assert truncated <= band.conc_high
        assert result.value <= band.aqi_high
