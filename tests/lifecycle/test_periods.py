"""Calendar months on the business calendar (DOMAIN.md > Time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.clock import add_days, add_months, within_months


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # 15 Jan 12:00 Shanghai -> 15 Apr 12:00 Shanghai
        (utc(2026, 1, 15, 4), 3, utc(2026, 4, 15, 4)),
        # 31 Jan -> 28 Feb (clamped), 2026 is not a leap year
        (utc(2026, 1, 31, 4), 1, utc(2026, 2, 28, 4)),
        # 31 Jan 2028 -> 29 Feb 2028 (leap year)
        (utc(2028, 1, 31, 4), 1, utc(2028, 2, 29, 4)),
        # 30 Nov -> 28 Feb over the year end
        (utc(2026, 11, 30, 4), 3, utc(2027, 2, 28, 4)),
        # 31 Mar -> 30 Jun
        (utc(2026, 3, 31, 4), 3, utc(2026, 6, 30, 4)),
        # zero months is the identity
        (utc(2026, 5, 5, 5), 0, utc(2026, 5, 5, 5)),
        # negative months go back, clamped too
        (utc(2026, 5, 31, 4), -3, utc(2026, 2, 28, 4)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_months_are_counted_on_the_shanghai_calendar():
    # 2026-01-31T17:00Z is already 1 Feb 01:00 in Shanghai: one month later is 1 Mar 01:00
    # there, not 28 Feb (which a UTC calendar would give).
    assert add_months(utc(2026, 1, 31, 17), 1) == utc(2026, 2, 28, 17)
    # 2026-02-28T16:30Z is 1 Mar 00:30 in Shanghai -> 1 Jun 00:30 Shanghai.
    assert add_months(utc(2026, 2, 28, 16, 30), 3) == utc(2026, 5, 31, 16, 30)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_months(datetime(2026, 1, 1), 1)


def test_days_are_24_hours():
    assert add_days(utc(2026, 3, 1, 0), 15) == utc(2026, 3, 16, 0)


def test_window_includes_start_and_excludes_end():
    start = utc(2026, 1, 15, 4)
    assert within_months(start, 3, start)
    assert within_months(start, 3, utc(2026, 4, 15, 3, 59, 59))
    assert not within_months(start, 3, utc(2026, 4, 15, 4))
    assert not within_months(start, 3, start - timedelta(seconds=1))


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
    st.integers(min_value=0, max_value=48),
)
def test_adding_months_is_monotonic_and_keeps_the_day_when_it_can(naive, months):
    start = naive.replace(tzinfo=UTC)
    later = add_months(start, months)
    assert later >= start
    assert add_months(start, months + 1) > later
    local_start, local_later = (
        start.astimezone(UTC).astimezone(_tz()),
        later.astimezone(_tz()),
    )
    assert local_later.time() == local_start.time()
    assert local_later.day == local_start.day or local_later.day < local_start.day >= 29


def _tz():
    from app.clock import business_tz

    return business_tz()
