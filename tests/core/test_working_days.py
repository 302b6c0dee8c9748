"""The working-day calendar: Monday-Friday, minus China's public holidays, plus the make-up
working days (调休), with settings for what the `holidays` package doesn't know."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.services.core.working_days import (
    add_working_days,
    end_of_business_day,
    is_past_due,
    is_working_day,
    withdrawal_due_date,
)
from app.settings import Settings, get_settings


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_a_normal_week_is_monday_to_friday():
    # given a week without holidays (8-14 June 2026)
    week = _days(date(2026, 6, 8), date(2026, 6, 14))

    # then Monday to Friday work, the weekend doesn't
    assert [is_working_day(d) for d in week] == [True] * 5 + [False] * 2
    assert add_working_days(date(2026, 6, 8), 7) == date(2026, 6, 17)
    assert add_working_days(date(2026, 6, 12), 1) == date(2026, 6, 15)


def test_the_2026_national_day_week_and_its_make_up_sunday_and_saturday():
    # given 2026's National Day: 1-7 October off, Sunday 20 September and Saturday 10 October
    # worked (调休); Mid-Autumn on Friday 25 September
    working = {d for d in _days(date(2026, 9, 18), date(2026, 10, 12)) if is_working_day(d)}

    # then
    assert date(2026, 9, 20) in working and date(2026, 10, 10) in working
    assert date(2026, 9, 25) not in working
    assert not any(is_working_day(d) for d in _days(date(2026, 10, 1), date(2026, 10, 7)))
    assert date(2026, 10, 8) in working and date(2026, 10, 11) not in working
    # and seven working days from Monday 28 September skip the holiday, count the Saturday
    assert add_working_days(date(2026, 9, 28), 7) == date(2026, 10, 13)
    # and from Friday 18 September the make-up Sunday counts as the first
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)


def test_the_2026_spring_festival():
    # given 2026's Spring Festival: 15-23 February off, Saturdays 14 and 28 February worked
    # then
    assert not any(is_working_day(d) for d in _days(date(2026, 2, 15), date(2026, 2, 23)))
    assert is_working_day(date(2026, 2, 14)) and is_working_day(date(2026, 2, 28))
    assert is_working_day(date(2026, 2, 24))
    # and seven working days from Thursday 12 February: 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat)
    assert add_working_days(date(2026, 2, 12), 7) == date(2026, 2, 28)


def test_settings_add_holidays_and_working_days(monkeypatch):
    # given an extra day off on Wednesday 10 June and an extra working Saturday 13 June
    settings = get_settings()
    monkeypatch.setattr(settings, "working_day_extra_holidays", [date(2026, 6, 10)])
    monkeypatch.setattr(
        settings, "working_day_extra_working_days", [date(2026, 6, 13), date(2026, 10, 2)]
    )

    # then
    assert not is_working_day(date(2026, 6, 10))
    assert is_working_day(date(2026, 6, 13))
    assert is_working_day(date(2026, 10, 2))  # an extra working day wins over a holiday
    assert add_working_days(date(2026, 6, 8), 7) == date(2026, 6, 17)  # 9 11 12 13 15 16 17


def test_without_a_country_only_weekends_are_off(monkeypatch):
    # given no holiday country
    monkeypatch.setattr(get_settings(), "working_day_holidays_country", "")

    # then National Day is a working Thursday and the make-up Sunday a weekend day
    assert is_working_day(date(2026, 10, 1))
    assert not is_working_day(date(2026, 9, 20))


def test_extra_days_come_from_the_environment_as_iso_dates(monkeypatch):
    # given
    monkeypatch.setenv("WORKING_DAY_EXTRA_HOLIDAYS", '["2027-01-04"]')
    monkeypatch.setenv("WORKING_DAY_EXTRA_WORKING_DAYS", '["2027-01-09", "2027-01-10"]')

    # when
    settings = Settings()

    # then
    assert settings.working_day_extra_holidays == [date(2027, 1, 4)]
    assert settings.working_day_extra_working_days == [date(2027, 1, 9), date(2027, 1, 10)]


def test_add_working_days_needs_a_positive_count():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 6, 8), 0)


def test_a_due_date_counts_from_the_approvals_business_date_in_shanghai():
    # given an approval late on Friday 12 June UTC, already Saturday 13 June in Shanghai
    approved = datetime(2026, 6, 12, 17, 30, tzinfo=UTC)

    # then the business date is Saturday; seven working days later is Wednesday 24 June
    # (15-18, 22-24: Friday 19 June is the Dragon Boat Festival)
    assert withdrawal_due_date(approved) == date(2026, 6, 24)
    # and the due date ends at midnight Shanghai, 16:00 UTC
    assert end_of_business_day(date(2026, 6, 24)) == datetime(2026, 6, 24, 16, tzinfo=UTC)
    assert not is_past_due(date(2026, 6, 24), datetime(2026, 6, 24, 15, 59, 59, tzinfo=UTC))
    assert is_past_due(date(2026, 6, 24), datetime(2026, 6, 24, 16, tzinfo=UTC))
    assert not is_past_due(None, datetime(2030, 1, 1, tzinfo=UTC))
