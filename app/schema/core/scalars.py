"""Custom scalars: exact decimals as strings on the wire."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

import strawberry
from graphql import GraphQLError


def _parse_decimal(value: Any) -> decimal.Decimal:
    """Accept "123.45" (preferred) or a JSON number; never a float's binary noise."""
    if isinstance(value, bool):
        raise GraphQLError('Decimal expects a string such as "123.45".')
    if isinstance(value, int):
        return decimal.Decimal(value)
    if isinstance(value, float):
        value = repr(value)  # the shortest text that round-trips: what the client typed
    if not isinstance(value, str) or len(value) > 40:
        raise GraphQLError('Decimal expects a string such as "123.45".')
    try:
        parsed = decimal.Decimal(value.strip())
    except decimal.InvalidOperation as exc:
        raise GraphQLError(f"{value!r} is not a decimal number.") from exc
    if not parsed.is_finite():
        raise GraphQLError(f"{value!r} is not a finite decimal number.")
    return parsed


def _serialize_decimal(value: Any) -> str:
    """Plain positional notation at the value's own scale: "0.00000000", never "0E-8"."""
    return format(value, "f") if isinstance(value, decimal.Decimal) else str(value)


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description=(
        'An exact decimal number, sent and returned as a string ("1234.50"). Money amounts '
        "have at most 2 decimal places."
    ),
    serialize=_serialize_decimal,
    parse_value=_parse_decimal,
)


def _parse_datetime(value: Any) -> datetime.datetime:
    """ISO 8601 with a UTC offset; a time without one is ambiguous and refused."""
    if not isinstance(value, str) or len(value) > 64:
        raise GraphQLError('DateTime expects an ISO 8601 string such as "2026-06-15T04:00:00Z".')
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise GraphQLError(f"{value!r} is not an ISO 8601 date-time.") from exc
    if parsed.tzinfo is None:
        raise GraphQLError(f"{value!r} has no UTC offset; add one, e.g. {value}Z or {value}+08:00.")
    return parsed.astimezone(datetime.UTC)


DateTimeScalar = strawberry.scalar(
    name="DateTime",
    description=(
        'A moment in time, ISO 8601 with its UTC offset ("2026-06-15T04:00:00Z" or '
        '"2026-06-15T12:00:00+08:00"); returned in UTC.'
    ),
    serialize=lambda value: value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
    parse_value=_parse_datetime,
)


SCALARS = {decimal.Decimal: DecimalScalar, datetime.datetime: DateTimeScalar}
