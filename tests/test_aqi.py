"""Thai PCD and US EPA PM2.5 AQI: table edges, conventions, and properties."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ckanext.pm25.advice import advice_for, advice_record, thai_advice
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


@pytest.mark.parametrize(("pm25", "value"), [
    (75.1, 201),   # PCD: "≥ 75.1 µg/m³ → AQI > 200"
    (100.0, 267),  # beyond the table: the 101-200 band's line (99 AQI per 37.4 µg/m³) from (75.1, 201)
    (500.0, 1326),  # 201 + 99 * 424.9 / 37.4 = 1325.7…
])
def test_thai_above_top_band_keeps_growing_in_the_top_band(pm25: float, value: int) -> None:
    result = known(thai_aqi, pm25)
    assert (result.value, result.band) == (value, "affects_health")


@pytest.mark.parametrize(("pm25", "value"), [
    (325.4, 500),  # the top breakpoint of the 2024 table
    (325.9, 501),  # beyond it: the Hazardous line (199 AQI per 99.9 µg/m³), not capped at 500
    (425.3, 699),
])
def test_us_above_table_extrapolates_the_hazardous_slope(pm25: float, value: int) -> None:
    result = known(us_aqi, pm25)
    assert (result.value, result.band) == (value, "hazardous")


@pytest.mark.parametrize(("index", "pm25", "value"), [
    (thai_aqi, 0.3, 1),   # 0.3 * 25 / 15.0 = 0.5: half up to 1 (round-half-even would give 0)
    (thai_aqi, 1.5, 3),   # 2.5 → 3 (half-even: 2)
    (thai_aqi, 0.2, 0),   # 0.33… → 0
    (us_aqi, 12.0, 56),   # 51 + 49 * 2.9 / 26.3 = 56.40… → 56
])
def test_index_is_rounded_half_up_to_a_whole_number(index: Callable[[float], AqiResult | None], pm25: float,
                                                    value: int) -> None:
    assert known(index, pm25).value == value


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


def test_a_day_at_the_standard_is_still_moderate_and_one_tenth_more_is_not() -> None:
    at_standard = known(thai_aqi, THAI_24H_STANDARD)
    over = known(thai_aqi, THAI_24H_STANDARD + 0.1)
    assert (at_standard.value, at_standard.band) == (100, "moderate")
    assert (over.value, over.band) == (101, "starting_to_affect_health")


# The tables as /work/shared/reference/sources.md gives them (PCD; US EPA, 2024 revision):
# (PM2.5 low, PM2.5 high, AQI low, AQI high, colour)
PCD_TABLE = [
    (0.0, 15.0, 0, 25, "#00BFF3"),      # (0,191,243)
    (15.1, 25.0, 26, 50, "#00A651"),    # (0,166,81)
    (25.1, 37.5, 51, 100, "#FDC04E"),   # (253,192,78)
    (37.6, 75.0, 101, 200, "#F26522"),  # (242,101,34)
    (75.1, None, 201, None, "#CD0000"),  # (205,0,0)
]
EPA_2024_TABLE = [
    (0.0, 9.0, 0, 50, "#00E400"),
    (9.1, 35.4, 51, 100, "#FFFF00"),
    (35.5, 55.4, 101, 150, "#FF7E00"),
    (55.5, 125.4, 151, 200, "#FF0000"),
    (125.5, 225.4, 201, 300, "#8F3F97"),
    (225.5, 325.4, 301, 500, "#7E0023"),
]


@pytest.mark.parametrize(("bands", "table"), [(thai_bands(), PCD_TABLE), (us_bands(), EPA_2024_TABLE)])
def test_legend_bands_are_the_published_table(bands: tuple[AqiBand, ...], table: list[tuple[object, ...]]) -> None:
    assert [(band.conc_low, band.conc_high, band.aqi_low, band.aqi_high, band.colour_hex)
            for band in bands] == table


@pytest.mark.parametrize(("index", "table"), [(thai_aqi, PCD_TABLE), (us_aqi, EPA_2024_TABLE)])
def test_every_published_breakpoint_gives_its_published_index(index: Callable[[float], AqiResult | None],
                                                              table: list[tuple[object, ...]]) -> None:
    for conc_low, conc_high, aqi_low, aqi_high, colour in table:
        assert known(index, conc_low).value == aqi_low  # type: ignore[arg-type]
        assert known(index, conc_low).colour_hex == colour  # type: ignore[arg-type]
        if conc_high is not None:
            assert known(index, conc_high).value == aqi_high  # type: ignore[arg-type]
            assert known(index, conc_high).colour_hex == colour  # type: ignore[arg-type]


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


# --- health advice (PCD) per Thai band ---------------------------------------------------------


def test_every_thai_band_has_advice_for_everyone_and_for_sensitive_groups_in_both_languages() -> None:
    assert [advice.band for advice in thai_advice()] == [band.key for band in thai_bands()]
    for advice in thai_advice():
        for text in (advice.general_th, advice.sensitive_th):
            assert text and any("\u0e00" <= char <= "\u0e7f" for char in text), advice.band  # Thai script
        for text in (advice.general_en, advice.sensitive_en):
            assert text and text.isascii(), advice.band
    texts = [advice.sensitive_en for advice in thai_advice()]
    assert len(set(texts)) == len(texts)  # each band says something of its own


def test_the_advice_grows_with_the_band() -> None:
    moderate = advice_for("moderate")
    assert moderate is not None
    assert moderate.general_en == "Outdoor activities as usual."
    assert "spend less time" in moderate.sensitive_en and moderate.general_en != moderate.sensitive_en
    starting = advice_for("starting_to_affect_health")
    assert starting is not None and "see a doctor" in starting.sensitive_en
    assert "แพทย์" in starting.sensitive_th
    worst = advice_for("affects_health")
    assert worst is not None and worst.general_en.startswith("Everyone should avoid outdoor activities")


def test_the_advice_of_an_index_is_that_of_its_band() -> None:
    result = known(thai_aqi, THAI_24H_STANDARD + 0.1)  # 37.6: starting to affect health
    assert advice_record(result.band, "en") == {
        "key": "starting_to_affect_health",
        "general_public": advice_for("starting_to_affect_health").general_en,  # type: ignore[union-attr]
        "sensitive_groups": advice_for("starting_to_affect_health").sensitive_en,  # type: ignore[union-attr]
    }
    thai = advice_record(result.band, "th")
    assert thai is not None and thai["general_public"].startswith("ควรเฝ้าระวังสุขภาพ")
    assert advice_record(None, "th") is None and advice_record("unhealthy", "en") is None  # a US band has none
