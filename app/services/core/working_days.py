"""The working-day calendar: Monday to Friday, minus public holidays, plus make-up working days.

China moves working days around its holidays (调休): a holiday week is made longer by taking a
nearby Saturday or Sunday as a working day (2026's National Day: 1-7 October off, Sunday 20
September and Saturday 10 October worked). The days off and the make-up days come from the
`holidays` package (`working_day_holidays_country`, CN by default): its public holidays, and
its substituted days off (`special_public_holidays` entries `(month, day, from_month, from_day
[, from_year])`), whose *from* day is the make-up working day. What the installed release
doesn't know yet is a setting: `working_day_extra_holidays` adds days off,
`working_day_extra_working_days` adds working days (and wins over every holiday).

Dates are business dates (the business time zone, DOMAIN.md > Time).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from app import clock
from app.settings import get_settings

_HOLIDAY_CATEGORIES = (holidays.PUBLIC,)


@lru_cache(maxsize=64)
def _package_year(country: str, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The package's days off and make-up working days of one year."""
    if not country:
        return frozenset(), frozenset()
    calendar = holidays.country_holidays(country, years=year, categories=_HOLIDAY_CATEGORIES)
    days_off = frozenset(d for d in calendar if d.year == year)
    make_up: set[date] = set()
    for entry_year, entries in getattr(calendar, "special_public_holidays", {}).items():
        if not entries:
            continue
        for entry in entries if isinstance(entries[0], tuple) else (entries,):
            if len(entry) >= 4 and all(isinstance(part, int) for part in entry):
                from_year = entry[4] if len(entry) == 5 else entry_year
                worked = date(from_year, entry[2], entry[3])
                if worked.year == year:
                    make_up.add(worked)
    return days_off, frozenset(make_up)


def is_holiday(day: date) -> bool:
    """Whether `day` is a day off that would otherwise be a weekday or a make-up day."""
    settings = get_settings()
    days_off, _ = _package_year(settings.working_day_holidays_country, day.year)
    return day in days_off or day in settings.working_day_extra_holidays


def is_working_day(day: date) -> bool:
    """Monday-Friday or a make-up working day, and not a holiday; an extra working day always."""
    settings = get_settings()
    if day in settings.working_day_extra_working_days:
        return True
    if is_holiday(day):
        return False
    _, make_up = _package_year(settings.working_day_holidays_country, day.year)
    return day.weekday() < 5 or day in make_up


def add_working_days(day: date, count: int) -> date:
    """The `count`-th working day after `day` (`day` itself never counts; count >= 1)."""
    if count < 1:
        raise ValueError("add_working_days needs count >= 1")
    current = day
    while count:
        current += timedelta(days=1)
        if is_working_day(current):
            count -= 1
    return current


def withdrawal_due_date(approved_at: datetime) -> date:
    """When an approved withdrawal must be paid: the approval's business date plus
    `withdrawal_due_working_days` (7) working days."""
    return add_working_days(
        clock.business_date(approved_at), get_settings().withdrawal_due_working_days
    )


def end_of_business_day(day: date) -> datetime:
    """The moment `day` ends in the business time zone (the next day's midnight there)."""
    return datetime.combine(day + timedelta(days=1), time(), clock.business_tz())


def is_past_due(due_date: date | None, now: datetime | None = None) -> bool:
    """Whether the end of business day `due_date` has passed at `now` (default: the clock)."""
    if due_date is None:
        return False
    return (now or clock.now()) >= end_of_business_day(due_date)
