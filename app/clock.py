"""The one clock everything reads "now" from, and business time arithmetic on its calendar.

Tests replace the clock to move time without sleeping.

Business periods (DOMAIN.md > Time): calendar months and N-day spans.

"N months" means calendar months in the business time zone: the same day of the month at the
same local wall time, clamped to the month's last day. "N days" means N x 24 h. A window
includes its start and excludes its end, so "within 3 months of t" is `t <= now <
add_months(t, 3)`.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.settings import get_settings


class Clock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock(Clock):
    """A clock that stands still until moved; for tests and reproducible jobs."""

    def __init__(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


_clock: Clock = Clock()


def now() -> datetime:
    """The current time (timezone-aware, UTC)."""
    return _clock.now()


def use_clock(clock: Clock) -> Clock:
    """Install `clock` as the app clock; returns the previous one so callers can restore it."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def business_tz() -> ZoneInfo:
    """The business calendar's time zone (DOMAIN.md > Time)."""
    return ZoneInfo(get_settings().business_timezone)


def business_date(moment: datetime) -> date:
    """The business date of a moment: its calendar date in the business time zone (what
    DAY summaries, bill cycles and the `businessDate` fields use)."""
    return moment.astimezone(business_tz()).date()


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus `months` calendar months on the business calendar, returned in UTC.

    31 Jan + 1 month is 28 (or 29) Feb; the day is taken in the business time zone, so
    2026-01-31T17:00Z (1 Feb 01:00 in Shanghai) + 1 month is 1 Mar 01:00 in Shanghai.
    """
    if moment.tzinfo is None:
        raise ValueError("add_months needs a timezone-aware datetime")
    local = moment.astimezone(business_tz())
    index = local.year * 12 + (local.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(UTC)


def add_days(moment: datetime, days: int) -> datetime:
    """`moment` plus `days` x 24 hours."""
    return moment + timedelta(days=days)


def within_months(start: datetime, months: int, now: datetime) -> bool:
    """Whether `now` lies in the window [start, start + months)."""
    return start <= now < add_months(start, months)
