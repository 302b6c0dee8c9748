"""Custom scalars: exact decimals as strings on the wire, one strict format each.

`Amount` (money a client sends) and `Decimal` (quantities, unit prices and rated amounts, kept
at scale 8) accept one shape only: ASCII digits, an optional leading minus, an optional point
followed by 1-2 digits (an `Amount`; at most 20 before the point) or 1-20 (a `Decimal`, whose
8-decimal scale is the field's rule; at most 10 digits before the point); no exponent, no
separators, no spaces, no full-width digits, no JSON floats (a JSON integer is taken as its
digits). A value of another shape is refused here, as a top-level `BAD_USER_INPUT` naming the
argument path; a well-formed value that breaks a rule (zero, negative, above
MAX_MONEY_AMOUNT) is the service's to refuse, as a typed userError.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import re
from typing import Any, NewType

import strawberry
from graphql import GraphQLError

BAD_USER_INPUT = {"code": "BAD_USER_INPUT"}
# Digits before the point: an Amount's 20 are far beyond any amount (the cap is a rule, a
# userError); a Decimal's 10 keep a quantity within its column (64-bit integers of 1e-8).
AMOUNT_DIGITS, DECIMAL_DIGITS = 20, 10

Amount = NewType("Amount", decimal.Decimal)
"""The Python type of money inputs (a `Decimal` at most 2 decimals), typed `Amount`."""


def _decimal_pattern(digits: int, scale: int) -> re.Pattern[str]:
    return re.compile(rf"-?[0-9]{{1,{digits}}}(?:\.[0-9]{{1,{scale}}})?", re.ASCII)


def refused(message: str) -> GraphQLError:
    """A malformed input value: graphql-core adds the variable or argument path."""
    return GraphQLError(message, extensions=dict(BAD_USER_INPUT))


def _decimal_parser(name: str, digits: int, scale: int, example: str) -> Any:
    pattern = _decimal_pattern(digits, scale)
    shape = (
        f'{name} is a string of ASCII digits with an optional "-" and at most {scale} '
        f"decimals after a point (at most {digits} digits before it), "
        f'e.g. "{example}"; no exponent, separators or spaces'
    )

    def parse(value: Any) -> decimal.Decimal:
        if isinstance(value, int) and not isinstance(value, bool):
            text = str(value) if abs(value) < 10**digits else ""
        elif isinstance(value, str):
            text = value
        else:
            raise refused(f"{shape}; got a JSON {type(value).__name__}.")
        if len(text) > 64 or pattern.fullmatch(text) is None:
            shown = text if len(text) <= 64 else text[:61] + "..."
            raise refused(f"{shape}; got {shown!r}.")
        return decimal.Decimal(text)

    return parse


def _serialize_decimal(value: Any) -> str:
    """Plain positional notation at the value's own scale: "0.00000000", never "0E-8"."""
    if type(value) is decimal.Decimal:
        text = str(value)  # 3x faster than format(); the same text unless it has an exponent
        return text if "E" not in text else format(value, "f")
    return format(value, "f") if isinstance(value, decimal.Decimal) else str(value)


AmountScalar = strawberry.scalar(
    name="Amount",
    description=(
        'A money amount a client sends, as a string: ASCII digits, an optional "-", at most 2 '
        'decimals after a point ("1234.50", "500"); no exponent ("1e3"), separators ("1_000", '
        '"1,000"), spaces or full-width digits. Whether zero or a negative amount is allowed is '
        "the field's rule (a userError)."
    ),
    serialize=_serialize_decimal,
    parse_value=_decimal_parser("Amount", AMOUNT_DIGITS, 2, "1234.50"),
)


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description=(
        'An exact decimal number, sent and returned as a string ("1234.50", "0.00012500"): '
        'ASCII digits, an optional "-", an optional point and decimals; no exponent, '
        "separators or spaces; at most 10 digits before the point and 20 after. Quantities, "
        "unit prices and rated amounts are kept at 8 decimals (a field refuses more as a "
        "rule: ingest rejects such a record with its reason); money a client sends is an "
        "`Amount`."
    ),
    serialize=_serialize_decimal,
    parse_value=_decimal_parser("Decimal", DECIMAL_DIGITS, 20, "0.00012500"),
)


DATETIME_EXAMPLE = "2026-06-15T04:00:00Z"


def _parses(text: str) -> bool:
    try:
        parsed = datetime.datetime.fromisoformat(text)
        parsed.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        return False
    return parsed.tzinfo is not None


def offset_suggestions(local: datetime.datetime) -> list[str]:
    """`local` (a wall time without offset) in UTC and in the business time zone, as strings
    the scalar accepts: only suggestions that parse are offered."""
    from app.clock import business_tz

    wall = local.isoformat()
    candidates = [f"{wall}Z"]
    with contextlib.suppress(ValueError, OverflowError):
        candidates.append(local.replace(tzinfo=business_tz()).isoformat())
    return [c for c in candidates if _parses(c)]


def _parse_datetime(value: Any) -> datetime.datetime:
    """ISO 8601 with a UTC offset; a time without one is ambiguous and refused. Every example
    an error message suggests is one this parser accepts."""
    if not isinstance(value, str) or len(value) > 64:
        raise refused(
            f'DateTime expects an ISO 8601 string with a UTC offset, e.g. "{DATETIME_EXAMPLE}".'
        )
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise refused(
            f'{value!r} is not an ISO 8601 date-time with a UTC offset; e.g. "{DATETIME_EXAMPLE}".'
        ) from exc
    if parsed.tzinfo is None:
        suggestions = offset_suggestions(parsed)
        if not suggestions:
            raise refused(f"{value!r} is outside the supported range of date-times.")
        shown = " or ".join(f'"{s}"' for s in suggestions)
        raise refused(f"{value!r} has no UTC offset; add one, e.g. {shown}.")
    try:
        return parsed.astimezone(datetime.UTC)
    except OverflowError as exc:
        raise refused(f"{value!r} is outside the supported range of date-times.") from exc


DateTimeScalar = strawberry.scalar(
    name="DateTime",
    description=(
        'A moment in time, ISO 8601 with its UTC offset ("2026-06-15T04:00:00Z" or '
        '"2026-06-15T12:00:00+08:00"); returned in UTC.'
    ),
    serialize=lambda value: value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
    parse_value=_parse_datetime,
)


SCALARS = {
    decimal.Decimal: DecimalScalar,
    Amount: AmountScalar,
    datetime.datetime: DateTimeScalar,
}
