"""Bill cycles and business days on the business calendar (DOMAIN.md > Time).

A bill cycle is a calendar month `YYYY-MM` in the business time zone (Asia/Shanghai by
default); a usage record belongs to the business day its start falls on.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app import clock
from app.clock import business_tz
from app.services.core.errors import DomainError, ErrorCode

CYCLE_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
SCALE8 = Decimal("0.00000001")


def round8(value: Decimal) -> Decimal:
    """Round half-up to scale 8, the scale rated amounts are kept at."""
    return value.quantize(SCALE8, rounding=ROUND_HALF_UP)


def business_day(moment: datetime) -> date:
    return clock.business_date(moment)


def today() -> date:
    return business_day(clock.now())


def cycle_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def current_cycle() -> str:
    return cycle_of(today())


def parse_cycle(value: str) -> tuple[int, int]:
    """(year, month) of a `YYYY-MM` cycle; ValueError otherwise."""
    match = CYCLE_PATTERN.match(value or "")
    if match is None:
        raise ValueError(f"{value!r} is not a bill cycle (YYYY-MM)")
    return int(match.group(1)), int(match.group(2))


def check_cycle(value: str, field: Sequence[str | int] = ("cycle",)) -> str:
    """`value` if it is a `YYYY-MM` cycle; an INVALID_INPUT `DomainError` on `field` otherwise."""
    try:
        parse_cycle(value)
    except ValueError as error:
        raise DomainError(ErrorCode.INVALID_INPUT, str(error), field) from error
    return value


def days_in_cycle(cycle: str) -> int:
    year, month = parse_cycle(cycle)
    return calendar.monthrange(year, month)[1]


def cycle_start(cycle: str) -> datetime:
    """The cycle's first instant, in UTC."""
    year, month = parse_cycle(cycle)
    return datetime.combine(date(year, month, 1), time(0), business_tz()).astimezone(UTC)


def cycle_end(cycle: str) -> datetime:
    """The first instant after the cycle, in UTC (windows exclude their end)."""
    year, month = parse_cycle(cycle)
    last = date(year, month, days_in_cycle(cycle))
    return datetime.combine(last + timedelta(days=1), time(0), business_tz()).astimezone(UTC)


def last_day(cycle: str) -> date:
    year, month = parse_cycle(cycle)
    return date(year, month, days_in_cycle(cycle))
