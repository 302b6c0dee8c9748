"""The one clock everything reads "now" from. Tests replace it to move time without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
