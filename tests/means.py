"""What a province's mean must be, worked out in decimals rather than the app's floats."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal


def exact_mean(readings: Sequence[float]) -> float:
    """The mean of one-decimal readings, half-up to one decimal, as a person would work it out."""
    total = sum(Decimal(repr(reading)) for reading in readings)
    return float((total / len(readings)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
