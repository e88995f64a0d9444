"""Air Quality Index for PM2.5: Thai PCD (2024 bands) and US EPA (2024 revision).

Pure functions, no CKAN imports. Both indices are defined on a 24-hour mean concentration in
µg/m³; the caller decides which concentration to pass.

Conventions shared by both scales (those of the US EPA technical assistance document):

- the concentration is truncated (not rounded) to one decimal before lookup, so a value that
  falls between two bands (15.05) belongs to the lower one (15.0);
- the index is linear within a band and rounded half-up to a whole number;
- ``None``, NaN, infinities and negative concentrations have no index: the functions return
  ``None``.

Above the top of each table:

- Thai: PCD publishes "≥ 75.1 µg/m³ → AQI > 200" with no upper breakpoint. We continue with the
  slope of the 101–200 band (37.6–75.0 µg/m³) from (75.1, 201), without a cap, so the index keeps
  growing with the concentration and stays comparable across stations in severe episodes.
- US: above 325.4 µg/m³ we extrapolate with the slope of the Hazardous band (the EPA guidance
  "use the last two breakpoints"; AirNow reports such values as "Beyond the AQI"), not capped at
  500. The band stays Hazardous.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

THAI_24H_STANDARD = 37.5
"""Thailand's 24-hour PM2.5 standard in µg/m³ (since 1 June 2024)."""


@dataclass(frozen=True)
class AqiBand:
    """One row of an AQI table. ``conc_high``/``aqi_high`` are None for an open-ended top band."""

    key: str
    name_th: str
    name_en: str
    conc_low: float
    conc_high: float | None
    aqi_low: int
    aqi_high: int | None
    colour_hex: str
    colour_rgb: tuple[int, int, int]


@dataclass(frozen=True)
class AqiResult:
    """An index value with the band it falls in."""

    value: int
    band: str
    name_th: str
    name_en: str
    colour_hex: str
    colour_rgb: tuple[int, int, int]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def _band(
    key: str,
    name_th: str,
    name_en: str,
    conc: tuple[float, float | None],
    aqi: tuple[int, int | None],
    rgb: tuple[int, int, int],
) -> AqiBand:
    return AqiBand(key, name_th, name_en, conc[0], conc[1], aqi[0], aqi[1], _hex(rgb), rgb)


_THAI_BANDS: tuple[AqiBand, ...] = (
    _band("very_good", "ดีมาก", "Very good", (0.0, 15.0), (0, 25), (0, 191, 243)),
    _band("good", "ดี", "Good", (15.1, 25.0), (26, 50), (0, 166, 81)),
    _band("moderate", "ปานกลาง", "Moderate", (25.1, 37.5), (51, 100), (253, 192, 78)),
    _band(
        "starting_to_affect_health",
        "เริ่มมีผลกระทบต่อสุขภาพ",
        "Starting to affect health",
        (37.6, 75.0),
        (101, 200),
        (242, 101, 34),
    ),
    _band("affects_health", "มีผลกระทบต่อสุขภาพ", "Affects health", (75.1, None), (201, None),
          (205, 0, 0)),
)

_US_BANDS: tuple[AqiBand, ...] = (
    _band("good", "ดี", "Good", (0.0, 9.0), (0, 50), (0x00, 0xE4, 0x00)),
    _band("moderate", "ปานกลาง", "Moderate", (9.1, 35.4), (51, 100), (0xFF, 0xFF, 0x00)),
    _band(
        "unhealthy_for_sensitive_groups",
        "มีผลต่อสุขภาพของกลุ่มเสี่ยง",
        "Unhealthy for Sensitive Groups",
        (35.5, 55.4),
        (101, 150),
        (0xFF, 0x7E, 0x00),
    ),
    _band("unhealthy", "มีผลต่อสุขภาพ", "Unhealthy", (55.5, 125.4), (151, 200),
          (0xFF, 0x00, 0x00)),
    _band("very_unhealthy", "มีผลต่อสุขภาพมาก", "Very Unhealthy", (125.5, 225.4), (201, 300),
          (0x8F, 0x3F, 0x97)),
    _band("hazardous", "อันตราย", "Hazardous", (225.5, 325.4), (301, 500), (0x7E, 0x00, 0x23)),
)


def thai_bands() -> tuple[AqiBand, ...]:
    """The Thai PCD PM2.5 bands, lowest first (for legends)."""
    return _THAI_BANDS


def us_bands() -> tuple[AqiBand, ...]:
    """The US EPA 2024 PM2.5 bands, lowest first (for legends)."""
    return _US_BANDS


def thai_aqi(pm25: float | None) -> AqiResult | None:
    """Thai PCD AQI of a 24-hour PM2.5 mean in µg/m³; None when there is no valid value."""
    return _index(pm25, _THAI_SCALE)


def us_aqi(pm25: float | None) -> AqiResult | None:
    """US EPA (2024) AQI of a 24-hour PM2.5 mean in µg/m³; None when there is no valid value."""
    return _index(pm25, _US_SCALE)


def truncate_concentration(pm25: float) -> Decimal:
    """Truncate to 0.1 µg/m³ as EPA prescribes (15.19 → 15.1; 15.1 stays 15.1)."""
    return Decimal(_tenths(float(pm25))).scaleb(-1)


# The arithmetic is exact: concentrations in integer tenths of µg/m³, slopes as integer ratios.


@dataclass(frozen=True)
class _Segment:
    band: AqiBand
    low_tenths: int
    aqi_low: int
    slope_numerator: int
    slope_denominator: int


def _to_tenths(conc: float) -> int:
    return round(conc * 10)


def _segments(bands: tuple[AqiBand, ...]) -> tuple[_Segment, ...]:
    segments = []
    for position, band in enumerate(bands):
        # An open-ended top band borrows the slope of the band below it; a closed top band
        # continues its own line past its upper breakpoint.
        line = band if band.conc_high is not None else bands[position - 1]
        assert line.conc_high is not None and line.aqi_high is not None
        segments.append(_Segment(
            band, _to_tenths(band.conc_low), band.aqi_low, line.aqi_high - line.aqi_low,
            _to_tenths(line.conc_high) - _to_tenths(line.conc_low)))
    return tuple(segments)


_THAI_SCALE = _segments(_THAI_BANDS)
_US_SCALE = _segments(_US_BANDS)


def _tenths(pm25: float) -> int:
    """``pm25`` truncated to whole tenths, read from its shortest decimal form (so 15.1 is 151,
    not 150 as float arithmetic on 15.1 × 10 could give)."""
    text = repr(pm25)
    whole, dot, fraction = text.partition(".")
    if "e" in text or "E" in text or not whole.isdigit():
        return int(Decimal(text).scaleb(1).to_integral_value(rounding=ROUND_DOWN))
    return int(whole) * 10 + (int(fraction[0]) if dot and fraction else 0)


def _index(pm25: float | None, scale: tuple[_Segment, ...]) -> AqiResult | None:
    if pm25 is None or isinstance(pm25, bool):
        return None
    try:
        as_float = float(pm25)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(as_float) or as_float < 0:
        return None
    tenths = _tenths(as_float)
    # Truncated concentrations never fall in the 0.1 gaps between bands, so the band is the
    # last one whose lower breakpoint is reached.
    segment = scale[0]
    for candidate in scale[1:]:
        if tenths < candidate.low_tenths:
            break
        segment = candidate
    numerator = segment.slope_numerator * (tenths - segment.low_tenths)
    denominator = segment.slope_denominator
    value = segment.aqi_low + (2 * numerator + denominator) // (2 * denominator)  # half up
    band = segment.band
    return AqiResult(value, band.key, band.name_th, band.name_en, band.colour_hex,
                     band.colour_rgb)
