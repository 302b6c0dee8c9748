"""The Decimal and DateTime scalars on the wire."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.schema import schema


def _decimal():
    return schema._schema.type_map["Decimal"]


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (Decimal("1234.50"), "1234.50"),
        (Decimal(0).scaleb(-8), "0.00000000"),  # an amount stored at scale 8, zero
        (Decimal(5).scaleb(-8), "0.00000005"),
        (Decimal("-0.00000001"), "-0.00000001"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.00"), "0.00"),
    ],
)
def test_decimals_go_out_in_positional_notation_at_their_scale(value, wire):
    assert _decimal().coerce_output_value(value) == wire


@pytest.mark.parametrize(("text", "value"), [("123.45", Decimal("123.45")), (7, Decimal(7))])
def test_decimals_come_in_as_strings_or_integers(text, value):
    assert _decimal().parse_value(text) == value


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "12,5", True, "1" * 41])
def test_bad_decimals_are_refused(bad):
    with pytest.raises(Exception, match=r"[Dd]ecimal"):
        _decimal().parse_value(bad)


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_a_decimal_is_written_in_plain_positional_notation(value) -> None:
    """The fast path (`str`) writes what `format(value, "f")` writes, for any value."""
    from app.schema.core.scalars import _serialize_decimal

    assert _serialize_decimal(value) == format(value, "f")
