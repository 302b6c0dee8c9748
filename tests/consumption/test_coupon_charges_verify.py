"""`consumption verify` checks the coupon parts of daily charges: per customer-day, the
details' coupon shares = the charge row's coupon = the coupons' usages of that day; and,
beyond the retention window, the on-demand rollups' coupon sums = the charge rows'."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, update

from app.models import (
    ConsumptionCharge,
    ConsumptionDayRollup,
    ConsumptionDetail,
    ConsumptionRollup,
    CouponUsage,
)
from app.models.coupons.enums import CouponUsageSource
from app.services.consumption.verify import verify
from app.settings import get_settings
from tests.consumption.coupon_helpers import make_coupon
from tests.consumption.helpers import at, ingest, usage, world

DAY = date(2026, 6, 10)


async def coupon_paid_day(session):
    """A 8.16 day paid whole by a 100.00 coupon."""
    w = await world(session)
    coupon = await make_coupon(session, w.customer, "100.00")
    await ingest(session, [usage(w.resource, at(DAY, h), "1") for h in range(24)])
    assert await verify(session) == []
    return w, coupon


async def test_a_detail_whose_coupon_share_disagrees_with_the_charge_is_reported(session):
    # given a detail (and its rollups) saying the coupon paid 0.01 less
    w, _coupon = await coupon_paid_day(session)
    cent = Decimal("0.01")
    await session.execute(
        update(ConsumptionDetail).values(
            coupon=ConsumptionDetail.coupon - cent, amount_due=ConsumptionDetail.amount_due + cent
        )
    )
    for rollup in (ConsumptionRollup, ConsumptionDayRollup):
        await session.execute(
            update(rollup).values(coupon=rollup.coupon - cent, amount_due=rollup.amount_due + cent)
        )

    # when / then
    key = (w.customer.id, DAY)
    assert await verify(session) == [
        f"charge {key}: details rate 0.01000000, charge says 0E-8",
        f"charge {key}: details' coupon shares add up to 8.15, charge says coupons paid 8.16",
    ]


async def test_a_coupon_usage_that_disagrees_with_the_charge_is_reported(session):
    # given the coupon's usage of the day altered
    w, coupon = await coupon_paid_day(session)
    await session.execute(
        update(CouponUsage)
        .where(CouponUsage.coupon_id == coupon.id)
        .values(amount=CouponUsage.amount + Decimal("1.00"))
    )

    # when / then
    assert await verify(session) == [
        f"charge {(w.customer.id, DAY)}: coupons paid 8.16, the coupons' usages of the day say 9.16"
    ]


async def test_a_charge_row_that_forgets_its_coupons_is_reported(session):
    # given the charge row saying no coupon paid
    w, _coupon = await coupon_paid_day(session)
    await session.execute(update(ConsumptionCharge).values(coupon=Decimal("0.00")))

    # when / then both the usages and the details disagree with it
    key = (w.customer.id, DAY)
    assert await verify(session) == [
        f"charge {key}: coupons paid 0.00, the coupons' usages of the day say 8.16",
        f"charge {key}: details' coupon shares add up to 8.16, charge says coupons paid 0.00",
    ]


async def test_a_charge_whose_bill_is_not_the_rounded_total_is_reported(session):
    # given the charge row saying the ledger charged a cent that the bill does not have
    w, _coupon = await coupon_paid_day(session)
    await session.execute(
        update(ConsumptionCharge).values(
            charged=Decimal("0.01"), rounding=ConsumptionCharge.rounding + Decimal("0.01")
        )
    )

    # when / then (and the ledger, which charged nothing, disagrees with it)
    key = (w.customer.id, DAY)
    assert await verify(session) == [
        f"charge {key}: 0.00 + coupons 8.16 rounds to 8.16, charged 0.01 + coupons 8.16",
        f"customer {w.customer.id}, day {DAY}: the day's charge says 0.01, the ledger charged "
        "nothing",
    ]


async def test_a_coupon_usage_for_a_day_without_a_charge_is_reported(session):
    # given a consumption usage naming a day nothing was charged for
    w, coupon = await coupon_paid_day(session)
    other_day = date(2026, 6, 11)
    session.add(
        CouponUsage(
            partner_id=coupon.partner_id,
            coupon_id=coupon.id,
            customer_id=w.customer.id,
            source=CouponUsageSource.CONSUMPTION,
            day=other_day,
            amount=Decimal("1.00"),
        )
    )
    await session.flush()

    # when / then
    assert await verify(session) == [
        f"coupons paid 1.00 for {(w.customer.id, other_day)}, a day that has no charge"
    ]


@pytest.fixture
def short_retention(monkeypatch):
    """Keep details for one month: in June 2026, cycles before 2026-05 are beyond it."""
    monkeypatch.setattr(get_settings(), "consumption_retention_months", 1)


async def test_beyond_retention_the_coupons_are_checked_against_the_rollups(
    session, frozen_clock, short_retention
):
    # given an April day paid by a coupon, then the clock in June and April's details purged
    frozen_clock.set(at(date(2026, 4, 20), 10))
    w = await world(session)
    await make_coupon(
        session,
        w.customer,
        "10.00",
        valid_from=at(date(2026, 4, 1)),
        valid_to=at(date(2026, 5, 1)),
    )
    await ingest(session, [usage(w.resource, at(date(2026, 4, 10), h), "1") for h in range(3)])
    frozen_clock.set(at(date(2026, 6, 15), 10))
    await session.execute(
        delete(ConsumptionDetail).where(ConsumptionDetail.bill_cycle == "2026-04")
    )
    assert await verify(session) == []

    # when a rollup's coupon sum no longer matches the charge rows
    await session.execute(
        update(ConsumptionRollup)
        .where(ConsumptionRollup.customer_id == w.customer.id)
        .values(
            coupon=ConsumptionRollup.coupon - Decimal(1),
            amount_due=ConsumptionRollup.amount_due + Decimal(1),
        )
    )

    # then
    assert await verify(session) == [
        f"customer {w.customer.id}, cycle 2026-04 (beyond retention): on-demand rollups rate "
        "1.00000000, its daily charges rated 0E-8",
        f"customer {w.customer.id}, cycle 2026-04 (beyond retention): on-demand rollups say "
        "coupons paid 0.02, its daily charges say 1.02",
    ]
