"""CASH coupons on what is charged after a day was first rated: late usage records, the
95th-percentile bill (on its cycle's last day), late bandwidth samples and corrections of a
closed cycle; and the prepaid (yearly/monthly) lines coupons never touch on daily charges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from app.models.consumption.enums import DetailKind
from app.models.coupons.enums import CouponStatus
from app.models.customers.enums import ServiceType
from app.services.consumption.cycles import close_bill_cycle
from app.services.consumption.percentile import rate_bandwidth_percentile
from app.services.consumption.prepaid import record_prepaid_consumption
from app.services.consumption.verify import verify
from tests.consumption.coupon_helpers import (
    balance_of,
    charge_of,
    details_of,
    make_coupon,
    usages_of,
)
from tests.consumption.helpers import at, fund, ingest, usage, world
from tests.consumption.percentile_helpers import MAY_1, bandwidth, samples
from tests.funds.helpers import assert_books_balance, platform

DAY = date(2026, 6, 10)  # the clock stands at 2026-06-15 12:00 in Shanghai
TODAY = date(2026, 6, 15)
MAY_31 = date(2026, 5, 31)


def hours(resource, n, day=DAY, first=0):
    return [usage(resource, at(day, h), "1") for h in range(first, first + n)]


async def test_a_late_record_is_paid_by_the_coupon_that_paid_the_day(session):
    # given a 10.00 coupon that paid a 3.40 day (10 hours)
    w = await world(session)
    coupon = await make_coupon(session, w.customer, "10.00")
    await ingest(session, hours(w.resource, 10))

    # when a late hour of that day arrives
    await ingest(session, hours(w.resource, 1, first=20))

    # then the coupon pays the difference too: a second usage of the same day
    assert await usages_of(session, coupon) == [(DAY, Decimal("3.40")), (DAY, Decimal("0.34"))]
    [detail] = await details_of(session, w.customer)
    assert (detail.list_amount, detail.coupon, detail.amount_due) == (
        Decimal("3.74"),
        Decimal("3.74"),
        Decimal("0"),
    )
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("3.74"), Decimal("0.00"))
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_a_late_record_beyond_the_coupons_balance_goes_to_the_ledger(session):
    # given a 3.50 coupon that paid a 3.40 day, 0.10 left, and 5.00 cash
    w = await world(session)
    await fund(session, w, "5.00")
    coupon = await make_coupon(session, w.customer, "3.50")
    await ingest(session, hours(w.resource, 10))

    # when a late hour (0.34) arrives
    await ingest(session, hours(w.resource, 1, first=20))

    # then the coupon pays its last 0.10, cash 0.24
    assert await usages_of(session, coupon) == [(DAY, Decimal("3.40")), (DAY, Decimal("0.10"))]
    assert await balance_of(session, coupon) == (Decimal("0.00"), CouponStatus.USED)
    [detail] = await details_of(session, w.customer)
    assert (detail.coupon, detail.amount_due, detail.cash_paid) == (
        Decimal("3.50"),
        Decimal("0.24"),
        Decimal("0.24"),
    )
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("3.50"), Decimal("0.24"))
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_a_coupon_never_pays_again_what_the_ledger_already_charged(session):
    # given a 3.40 day charged to cash, and then a coupon valid on that day
    w = await world(session)
    await fund(session, w, "5.00")
    await ingest(session, hours(w.resource, 10))
    coupon = await make_coupon(session, w.customer, "100.00")

    # when a late hour arrives
    await ingest(session, hours(w.resource, 1, first=20))

    # then the coupon pays the late hour only
    assert await usages_of(session, coupon) == [(DAY, Decimal("0.34"))]
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("0.34"), Decimal("3.40"))
    [detail] = await details_of(session, w.customer)
    assert (detail.coupon, detail.amount_due, detail.cash_paid) == (
        Decimal("0.34"),
        Decimal("3.40"),
        Decimal("3.40"),
    )
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_sub_cent_late_records_keep_details_charge_and_ledger_to_the_cent(session):
    # given a 0.004 day (bill 0.00) paid by nothing, and a coupon
    w = await world(session)
    from tests.consumption.helpers import make_product, on_demand_resource

    cheap = await make_product(session, unit_price="0.00100000")
    resource = await on_demand_resource(session, w.customer, cheap)
    coupon = await make_coupon(session, w.customer, "1.00")
    await ingest(session, [usage(resource, at(DAY, 1), "4")])
    assert (await charge_of(session, w.customer, DAY)).coupon == Decimal("0.00")

    # when late records add 0.001, then 0.003 (the day's bill: 0.01 at 0.005)
    await ingest(session, [usage(resource, at(DAY, 2), "1")])
    await ingest(session, [usage(resource, at(DAY, 3), "3")])

    # then the coupon paid the bill's cent when it appeared, and nothing was left to cash
    assert await usages_of(session, coupon) == [(DAY, Decimal("0.01"))]
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged, charge.rated) == (
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("-0.002"),
    )
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_the_95th_percentile_bill_is_paid_by_a_coupon_valid_on_the_cycles_last_day(
    session,
):
    # given May's bandwidth (billed 662.90322581 on 31 May), a BANDWIDTH coupon valid all
    # May, one valid from June (not on 31 May) and an ECS-only one
    w = await world(session)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, range(1, 289)))
    may = await make_coupon(
        session,
        w.customer,
        "1000.00",
        valid_from=at(MAY_1),
        valid_to=at(date(2026, 6, 1)),
        service_types=[ServiceType.BANDWIDTH],
    )
    june = await make_coupon(session, w.customer, "1000.00")
    ecs = await make_coupon(
        session,
        w.customer,
        "1000.00",
        valid_from=at(MAY_1),
        valid_to=at(date(2026, 6, 1)),
        service_types=[ServiceType.ECS],
    )

    # when the cycle is rated
    await rate_bandwidth_percentile(platform(session), "2026-05")

    # then the May coupon paid the bill's 662.90; the sub-cent rest rounds to nothing
    [line] = await details_of(session, w.customer)
    assert (line.kind, line.day, line.list_amount, line.coupon, line.amount_due) == (
        DetailKind.PERCENTILE,
        MAY_31,
        Decimal("662.90322581"),
        Decimal("662.90"),
        Decimal("0.00322581"),
    )
    assert await usages_of(session, may) == [(MAY_31, Decimal("662.90"))]
    assert await usages_of(session, june) == []
    assert await usages_of(session, ecs) == []
    charge = await charge_of(session, w.customer, MAY_31)
    assert (charge.coupon, charge.charged) == (Decimal("662.90"), Decimal("0.00"))
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_the_95th_percentile_bill_adds_to_the_last_days_charge(session):
    # given 31 May's usage (3.40) already paid by a 100.00 coupon
    w = await world(session)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, range(1, 289)))
    coupon = await make_coupon(
        session, w.customer, "100.00", valid_from=at(MAY_1), valid_to=at(date(2026, 6, 1))
    )
    await ingest(session, hours(w.resource, 10, day=MAY_31))

    # when the bandwidth bill is written on that day
    await rate_bandwidth_percentile(platform(session), "2026-05")

    # then the coupon pays what it has left of the bill, the ledger the rest
    assert await usages_of(session, coupon) == [
        (MAY_31, Decimal("3.40")),
        (MAY_31, Decimal("96.60")),
    ]
    charge = await charge_of(session, w.customer, MAY_31)
    # the day's bill: 3.40 + 662.90322581 = 666.30322581 -> 666.30
    assert (charge.coupon, charge.charged) == (Decimal("100.00"), Decimal("566.30"))
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_a_correction_of_a_closed_cycle_is_paid_by_todays_coupons(session):
    # given May closed with a day of usage, a coupon that was valid in May only, and one
    # valid in June
    w = await world(session)
    may_day = date(2026, 5, 20)
    await ingest(session, hours(w.resource, 1, day=may_day))
    await close_bill_cycle(platform(session), "2026-05")
    may = await make_coupon(
        session, w.customer, "50.00", valid_from=at(MAY_1), valid_to=at(date(2026, 6, 1))
    )
    june = await make_coupon(session, w.customer, "50.00")

    # when a late May record arrives (booked today, 15 June, as a correction)
    await ingest(session, [usage(w.resource, at(may_day, 5), "2")])

    # then today's coupon pays it, on today's charge
    lines = await details_of(session, w.customer)
    assert [(d.kind, d.day, d.coupon) for d in lines] == [
        (DetailKind.USAGE, may_day, Decimal("0")),
        (DetailKind.CORRECTION, TODAY, Decimal("0.68")),
    ]
    assert await usages_of(session, may) == []
    assert await usages_of(session, june) == [(TODAY, Decimal("0.68"))]
    assert (await charge_of(session, w.customer, TODAY)).coupon == Decimal("0.68")
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_a_late_bandwidth_sample_correction_is_paid_by_a_coupon(session):
    # given May billed (274 Mbps) and a June coupon for bandwidth
    w = await world(session)
    resource = await bandwidth(session, w)
    await ingest(session, samples(resource, MAY_1, range(1, 289)))
    await rate_bandwidth_percentile(platform(session), "2026-05")
    coupon = await make_coupon(
        session, w.customer, "5000.00", service_types=[ServiceType.BANDWIDTH]
    )

    # when 20 late samples at 1000 Mbps on 2 May raise the peak: 1000 x 75 x 2 / 31
    # = 4838.70967742, less the 662.90322581 billed = 4175.80645161
    late = samples(resource, MAY_1 + timedelta(days=1), [1000] * 20)
    await ingest(session, late)

    # then the correction, booked today, is paid by the coupon (its bill: 4175.81)
    correction = [
        d for d in await details_of(session, w.customer) if d.kind is DetailKind.CORRECTION
    ]
    assert [(d.day, d.list_amount, d.coupon) for d in correction] == [
        (TODAY, Decimal("4175.80645161"), Decimal("4175.81"))
    ]
    assert await usages_of(session, coupon) == [(TODAY, Decimal("4175.81"))]
    charge = await charge_of(session, w.customer, TODAY)
    assert (charge.coupon, charge.charged) == (Decimal("4175.81"), Decimal("0.00"))
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_prepaid_lines_are_not_paid_by_daily_coupons(session):
    # given a yearly/monthly order line paid on 10 June (its own coupon share 10.00) and
    # that day's on-demand usage (3.40), with a 100.00 coupon
    w = await world(session)
    prepaid = await record_prepaid_consumption(
        platform(session),
        partner_id=w.customer.partner_id,
        customer_id=w.customer.id,
        resource_id=w.resource.id,
        product_id=w.product.id,
        order_id=42,
        paid_at=datetime(2026, 6, 10, 2, 0, tzinfo=UTC),
        list_amount=Decimal("180.00"),
        discount=Decimal("0.00"),
        coupon=Decimal("10.00"),
        amount_due=Decimal("170.00"),
        paid_by="PARTNER",
    )
    coupon = await make_coupon(session, w.customer, "100.00")

    # when the day is rated
    await ingest(session, hours(w.resource, 10))

    # then the coupon paid the on-demand line only; the order line is as the order left it
    lines = await details_of(session, w.customer)
    assert [(d.kind, d.coupon, d.amount_due) for d in lines] == [
        (DetailKind.PREPAID, Decimal("10.00"), Decimal("170.00")),
        (DetailKind.USAGE, Decimal("3.40"), Decimal("0")),
    ]
    assert lines[0].id == prepaid.id
    assert await usages_of(session, coupon) == [(DAY, Decimal("3.40"))]
    assert (await charge_of(session, w.customer, DAY)).coupon == Decimal("3.40")
    # verify finds only the order nothing paid (the test writes its line alone)
    assert await verify(session) == [
        "order 42, cycle 2026-06: the ledger paid 0.00 (no posting), its order lines say 170.00"
    ]
