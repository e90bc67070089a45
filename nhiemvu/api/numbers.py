"""Decimal → JSON number, keeping whole numbers whole (`5`, not `5.0`), as the plan JSON writes them."""

from __future__ import annotations

from decimal import Decimal


def number(value: Decimal | None) -> int | float | None:
    """
    >>> number(Decimal("5.0000")), number(Decimal("64.2000")), number(None)
    (5, 64.2, None)
    """
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
