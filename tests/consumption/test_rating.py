"""Rating: one detail per resource per business day, one charge per customer per day, the
rounding recorded, cash then credit then arrears, late records and closed cycles."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.models import ConsumptionCharge, ConsumptionDetail, CustomerAccount, LedgerEntry
from app.models.consumption.enums import DetailKind
from app.models.funds.enums import LedgerKind
from app.services.consumption.cycles import close_bill_cycle
from app.services.consumption.verify import verify
from tests.consumption.helpers import (
    at,
    fund,
    ingest,
    make_product,
    on_demand_resource,
    usage,
    world,
)
from tests.funds.helpers import assert_books_balance, platform
from tests.rows import reread

DAY = date(2026, 6, 10)  # the clock stands at 2026-06-15 12:00 in Shanghai


async def details(session):
    return (
        (await session.execute(select(ConsumptionDetail).order_by(ConsumptionDetail.id)))
        .scalars()
        .all()
    )


async def test_hourly_records_make_one_detail_per_resource_per_day(session):
    # given 24 hourly records of one day and 2 of the next
    w = await world(session)
    records = [usage(w.resource, at(DAY, h), "1") for h in range(24)]
    records += [usage(w.resource, at(DAY + timedelta(days=1), h), "1") for h in range(2)]

    # when
    result = await ingest(session, records)

    # then
    assert (result.read, result.inserted, result.duplicates, result.rejected) == (26, 26, 0, [])
    rows = await details(session)
    assert [(d.day, d.usage, d.list_amount, d.amount_due) for d in rows] == [
        (DAY, Decimal("24"), Decimal("8.16"), Decimal("8.16")),
        (DAY + timedelta(days=1), Decimal("2"), Decimal("0.68"), Decimal("0.68")),
    ]
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_day_total_is_rounded_half_up_once_and_the_rounding_recorded(session):
    # given two resources at 0.001 an hour whose day totals are 0.0015 and 0.0035
    w = await world(session)
    cheap = await make_product(session, unit_price="0.00100000")
    one = await on_demand_resource(session, w.customer, cheap)
    other = await on_demand_resource(session, w.customer, cheap)
    records = [usage(one, at(DAY, 1), "1.5"), usage(other, at(DAY, 2), "3.5")]

    # when
    await ingest(session, records)

    # then one charge of 0.01 for the day, the rounding kept beside it
    charge = (await session.execute(select(ConsumptionCharge))).scalar_one()
    rated = sum(d.amount_due for d in await details(session))
    assert charge.rated == rated
    assert charge.charged == Decimal("0.01")
    assert charge.rounding == Decimal("0.01") - rated
    entries = (
        await session.execute(
            select(LedgerEntry).where(LedgerEntry.kind == LedgerKind.CUSTOMER_CHARGE)
        )
    ).scalars()
    assert sorted(e.amount for e in entries) == [Decimal("-0.01"), Decimal("0.01")]
    assert await verify(session) == []


async def test_charge_takes_cash_then_credit_then_arrears(session):
    # given 5.00 cash and a 2.00 credit limit, and a day that costs 8.16
    w = await world(session)
    await fund(session, w, "5.00", credit_limit="2.00")

    # when
    await ingest(session, [usage(w.resource, at(DAY, h), "1") for h in range(24)])

    # then
    [detail] = await details(session)
    assert (detail.cash_paid, detail.credit_paid) == (Decimal("5.00"), Decimal("2.00"))
    account = await reread(session, CustomerAccount, w.customer.id)
    assert account.balance == Decimal("-3.16")
    assert account.arrears_since is not None
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_todays_usage_waits_until_the_day_has_ended(session, frozen_clock):
    # given a record of today
    w = await world(session)
    today = date(2026, 6, 15)
    result = await ingest(session, [usage(w.resource, at(today, 1), "1")])
    assert result.rating.records == 0
    assert await details(session) == []

    # when the day ends and the job rates it
    frozen_clock.advance(timedelta(days=1))
    from app.services.consumption.rating import rate_pending

    rated = await rate_pending(platform(session))

    # then
    assert rated.records == 1
    assert len(await details(session)) == 1


async def test_late_record_adds_to_the_day_and_charges_the_difference(session):
    # given a rated day
    w = await world(session)
    await ingest(session, [usage(w.resource, at(DAY, h), "1") for h in range(10)])

    # when a late record of that day arrives
    await ingest(session, [usage(w.resource, at(DAY, 20), "1")])

    # then the same detail grows and the customer pays the difference
    [detail] = await details(session)
    assert detail.usage == Decimal("11")
    assert detail.amount_due == Decimal("3.74")
    charge = (await session.execute(select(ConsumptionCharge))).scalar_one()
    assert charge.charged == Decimal("3.74")
    assert await verify(session) == []


async def test_ingesting_twice_changes_nothing(session):
    # given
    w = await world(session)
    records = [usage(w.resource, at(DAY, h), "1") for h in range(5)]
    await ingest(session, records)

    # when
    again = await ingest(session, records)

    # then
    assert (again.inserted, again.duplicates) == (0, 5)
    [detail] = await details(session)
    assert detail.usage == Decimal("5")


async def test_late_record_of_a_closed_cycle_is_a_correction_in_the_open_cycle(session):
    # given May is closed
    w = await world(session)
    may = date(2026, 5, 20)
    await ingest(session, [usage(w.resource, at(may, 1), "1")])
    await close_bill_cycle(platform(session), "2026-05")

    # when a late May record arrives
    await ingest(session, [usage(w.resource, at(may, 2), "2")])

    # then May is unchanged and June carries a correction line pointing at May
    rows = await details(session)
    assert [(d.bill_cycle, d.kind, d.usage, d.corrects_cycle) for d in rows] == [
        ("2026-05", DetailKind.USAGE, Decimal("1"), None),
        ("2026-06", DetailKind.CORRECTION, Decimal("2"), "2026-05"),
    ]
    assert rows[1].corrects_day == may
    assert await verify(session) == []
    await assert_books_balance(session)
