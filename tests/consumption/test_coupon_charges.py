"""CASH coupons on daily charges: which coupons pay a customer-day's on-demand charge, in
which order, how much, and how their deduction is split over the day's details."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.models import AuditEvent, CustomerAccount, LedgerEntry
from app.models.coupons.enums import CouponKind, CouponStatus
from app.models.customers.enums import ServiceType
from app.models.funds.enums import LedgerAccount, LedgerKind
from app.services.consumption.verify import verify
from tests.consumption.coupon_helpers import (
    balance_of,
    charge_of,
    details_of,
    hold_for_unpaid_order,
    make_coupon,
    usages_of,
)
from tests.consumption.helpers import (
    at,
    fund,
    ingest,
    make_product,
    on_demand_resource,
    usage,
    world,
)
from tests.factories import make_customer
from tests.funds.helpers import assert_books_balance
from tests.rows import reread

DAY = date(2026, 6, 10)  # the clock stands at 2026-06-15 12:00 in Shanghai
FULL_DAY = [(h, "1") for h in range(24)]  # 24 hours at 0.34 = 8.16


def day_of(resource, hours=FULL_DAY, day=DAY):
    return [usage(resource, at(day, h), q) for h, q in hours]


async def ledger_charged(session, customer) -> Decimal:
    """What the ledger took from the customer's balance for consumption."""
    total = await session.scalar(
        select(func.sum(LedgerEntry.amount)).where(
            LedgerEntry.customer_id == customer.id,
            LedgerEntry.account == LedgerAccount.CUSTOMER_BALANCE,
            LedgerEntry.kind == LedgerKind.CUSTOMER_CHARGE,
        )
    )
    return -(total or Decimal(0))


async def test_a_coupon_pays_the_whole_day_before_cash(session):
    # given a customer with 20.00 cash and a 100.00 coupon, and a day that costs 8.16
    w = await world(session)
    await fund(session, w, "20.00")
    coupon = await make_coupon(session, w.customer, "100.00")

    # when the day is rated
    result = await ingest(session, day_of(w.resource))

    # then the coupon paid it all, the ledger nothing
    assert result.rating.coupon == Decimal("8.16")
    assert (result.rating.charges, result.rating.charged) == (0, Decimal("0.00"))
    [detail] = await details_of(session, w.customer)
    assert (detail.list_amount, detail.coupon, detail.amount_due) == (
        Decimal("8.16"),
        Decimal("8.16"),
        Decimal("0"),
    )
    assert (detail.cash_paid, detail.credit_paid) == (Decimal("0"), Decimal("0"))
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged, charge.rated, charge.rounding) == (
        Decimal("8.16"),
        Decimal("0.00"),
        Decimal("0"),
        Decimal("0"),
    )
    assert await usages_of(session, coupon) == [(DAY, Decimal("8.16"))]
    assert await balance_of(session, coupon) == (Decimal("91.84"), CouponStatus.PARTIALLY_USED)
    account = await reread(session, CustomerAccount, w.customer.id)
    assert account.balance == Decimal("20.00")
    assert await ledger_charged(session, w.customer) == Decimal("0")
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_a_coupon_smaller_than_the_day_pays_its_balance_and_cash_the_rest(session):
    # given 10.00 cash and a 5.00 coupon; the day costs 8.16
    w = await world(session)
    await fund(session, w, "10.00")
    coupon = await make_coupon(session, w.customer, "5.00")

    # when
    await ingest(session, day_of(w.resource))

    # then the coupon is used up and cash pays 3.16
    [detail] = await details_of(session, w.customer)
    assert (detail.coupon, detail.amount_due, detail.cash_paid) == (
        Decimal("5.00"),
        Decimal("3.16"),
        Decimal("3.16"),
    )
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("5.00"), Decimal("3.16"))
    assert await balance_of(session, coupon) == (Decimal("0.00"), CouponStatus.USED)
    account = await reread(session, CustomerAccount, w.customer.id)
    assert account.balance == Decimal("6.84")
    assert await ledger_charged(session, w.customer) == Decimal("3.16")
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_coupons_pay_before_credit_and_arrears(session):
    # given no cash, a 2.00 credit limit and a 3.00 coupon; the day costs 8.16
    w = await world(session)
    await fund(session, w, "0.01", credit_limit="2.00")
    await make_coupon(session, w.customer, "3.00")

    # when
    await ingest(session, day_of(w.resource))

    # then coupon 3.00, cash 0.01, credit 2.00, arrears 3.15
    [detail] = await details_of(session, w.customer)
    assert (detail.coupon, detail.cash_paid, detail.credit_paid, detail.amount_due) == (
        Decimal("3.00"),
        Decimal("0.01"),
        Decimal("2.00"),
        Decimal("5.16"),
    )
    account = await reread(session, CustomerAccount, w.customer.id)
    assert account.balance == Decimal("-5.15")
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_several_coupons_pay_oldest_expiry_first_then_by_id(session):
    # given three coupons: two expiring 1 July (the older id first) and one expiring 20 June
    w = await world(session)
    late_one = await make_coupon(session, w.customer, "4.00")
    late_two = await make_coupon(session, w.customer, "4.00")
    soon = await make_coupon(session, w.customer, "3.00", valid_to=at(date(2026, 6, 20)))

    # when the 8.16 day is rated
    await ingest(session, day_of(w.resource))

    # then 20 June's coupon pays first, then the older of the two 1 July ones, then the other
    assert await usages_of(session, soon) == [(DAY, Decimal("3.00"))]
    assert await usages_of(session, late_one) == [(DAY, Decimal("4.00"))]
    assert await usages_of(session, late_two) == [(DAY, Decimal("1.16"))]
    assert await balance_of(session, late_two) == (Decimal("2.84"), CouponStatus.PARTIALLY_USED)
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("8.16"), Decimal("0.00"))
    assert await verify(session) == []


async def test_a_coupon_pays_only_the_services_it_names(session):
    # given an ECS resource (8.16 a day) and an OBS resource (0.50 an hour x 4 = 2.00),
    # and a coupon for OBS only
    w = await world(session)
    obs_product = await make_product(session, ServiceType.OBS, unit_price="0.50000000")
    obs = await on_demand_resource(session, w.customer, obs_product)
    coupon = await make_coupon(session, w.customer, "50.00", service_types=[ServiceType.OBS])

    # when
    await ingest(session, day_of(w.resource) + day_of(obs, [(h, "1") for h in range(4)]))

    # then the coupon paid the OBS line only; the ECS line went to the ledger
    ecs_line, obs_line = await details_of(session, w.customer)
    assert (ecs_line.service_type, ecs_line.coupon, ecs_line.amount_due) == (
        ServiceType.ECS,
        Decimal("0"),
        Decimal("8.16"),
    )
    assert (obs_line.service_type, obs_line.coupon, obs_line.amount_due) == (
        ServiceType.OBS,
        Decimal("2.00"),
        Decimal("0"),
    )
    assert await usages_of(session, coupon) == [(DAY, Decimal("2.00"))]
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("2.00"), Decimal("8.16"))
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_a_coupon_for_other_services_is_not_used(session):
    # given a coupon for CDN and EVS only, and a day of ECS
    w = await world(session)
    coupon = await make_coupon(
        session, w.customer, "50.00", service_types=[ServiceType.CDN, ServiceType.EVS]
    )

    # when
    await ingest(session, day_of(w.resource))

    # then
    assert await usages_of(session, coupon) == []
    assert await balance_of(session, coupon) == (Decimal("50.00"), CouponStatus.AVAILABLE)
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("0.00"), Decimal("8.16"))
    assert await verify(session) == []


async def test_coupons_that_cannot_pay_the_day_are_not_used(session):
    # given coupons that each fail one rule, and one that pays
    w = await world(session)
    other = await make_customer(session, w.partner)
    start, end = at(DAY), at(DAY + timedelta(days=1))
    refused = [
        # expired before the day began
        await make_coupon(session, w.customer, "9.00", valid_to=start),
        # not yet valid: starts the day after
        await make_coupon(session, w.customer, "9.00", valid_from=end),
        # held by an unpaid order (until tomorrow, below)
        await make_coupon(session, w.customer, "9.00"),
        await make_coupon(session, w.customer, "9.00", status=CouponStatus.RECLAIMED),
        # the coupons.expire job already gave its value back to the quota
        await make_coupon(session, w.customer, "9.00", status=CouponStatus.EXPIRED),
        await make_coupon(session, w.customer, "9.00", balance="0.00", status=CouponStatus.USED),
        await make_coupon(session, w.customer, "9.00", kind=CouponKind.DISCOUNT),
        await make_coupon(session, other, "9.00"),
    ]
    await hold_for_unpaid_order(session, refused[2], at(date(2026, 6, 16)))
    pays = await make_coupon(session, w.customer, "1.00")

    # when
    await ingest(session, day_of(w.resource))

    # then only the last one paid
    for coupon in refused:
        assert await usages_of(session, coupon) == [], coupon
    assert await usages_of(session, pays) == [(DAY, Decimal("1.00"))]
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("1.00"), Decimal("7.16"))
    assert await verify(session) == []


async def test_a_hold_that_has_lapsed_does_not_stop_a_coupon(session):
    # given a coupon whose order's hold ended yesterday (the order closed)
    w = await world(session)
    coupon = await make_coupon(session, w.customer, "10.00")
    await hold_for_unpaid_order(session, coupon, at(date(2026, 6, 14)))

    # when
    await ingest(session, day_of(w.resource))

    # then
    assert await usages_of(session, coupon) == [(DAY, Decimal("8.16"))]


async def test_validity_is_the_days_not_the_charge_times(session):
    # given a coupon valid until the end of the day (rated days later), one valid from the
    # last hour of the day, and one that ended an hour into the day
    w = await world(session)
    last_day = await make_coupon(session, w.customer, "2.00", valid_to=at(DAY + timedelta(days=1)))
    from_evening = await make_coupon(session, w.customer, "2.00", valid_from=at(DAY, 23))
    ended_early = await make_coupon(session, w.customer, "2.00", valid_to=at(DAY, 1))

    # when (the clock stands five days later: none of them is valid now)
    await ingest(session, day_of(w.resource))

    # then each was valid while the day ran, and each pays it (oldest expiry first)
    assert await usages_of(session, ended_early) == [(DAY, Decimal("2.00"))]
    assert await usages_of(session, last_day) == [(DAY, Decimal("2.00"))]
    assert await usages_of(session, from_evening) == [(DAY, Decimal("2.00"))]
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("6.00"), Decimal("2.16"))
    assert await verify(session) == []


async def test_a_coupon_spans_the_days_it_pays_oldest_day_first(session):
    # given a 10.00 coupon and two 8.16 days rated together
    w = await world(session)
    coupon = await make_coupon(session, w.customer, "10.00")
    second = DAY + timedelta(days=1)

    # when
    await ingest(session, day_of(w.resource) + day_of(w.resource, day=second))

    # then the first day is paid whole, the second gets what is left
    assert await usages_of(session, coupon) == [(DAY, Decimal("8.16")), (second, Decimal("1.84"))]
    assert (await charge_of(session, w.customer, second)).charged == Decimal("6.32")
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_the_deduction_is_split_in_proportion_with_the_remainder_on_the_last_line(session):
    # given three resources of 0.34 each on the day (1.02) and a 1.00 coupon
    w = await world(session)
    second = await on_demand_resource(session, w.customer, w.product)
    third = await on_demand_resource(session, w.customer, w.product)
    await make_coupon(session, w.customer, "1.00")

    # when
    await ingest(
        session,
        [usage(r, at(DAY, 3), "1") for r in (w.resource, second, third)],
    )

    # then 1.00 x 0.34 / 1.02 = 0.333333333... to scale 8 on the first two, the rest last
    lines = await details_of(session, w.customer)
    assert [d.coupon for d in lines] == [
        Decimal("0.33333333"),
        Decimal("0.33333333"),
        Decimal("0.33333334"),
    ]
    assert [d.amount_due for d in lines] == [
        Decimal("0.00666667"),
        Decimal("0.00666667"),
        Decimal("0.00666666"),
    ]
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged) == (Decimal("1.00"), Decimal("0.02"))
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_a_coupon_that_covers_the_day_pays_the_rounded_cent_too(session):
    # given a day whose lines add up to 0.005 (rounded half-up, the day's bill is 0.01)
    w = await world(session)
    cheap = await make_product(session, unit_price="0.00100000")
    one = await on_demand_resource(session, w.customer, cheap)
    other = await on_demand_resource(session, w.customer, cheap)
    coupon = await make_coupon(session, w.customer, "1.00")

    # when
    await ingest(session, [usage(one, at(DAY, 1), "1.5"), usage(other, at(DAY, 2), "3.5")])

    # then the coupon pays the bill's cent: the customer pays nothing and has no arrears;
    # the cent's half above the lines is on the last line and recorded as the rounding
    assert await usages_of(session, coupon) == [(DAY, Decimal("0.01"))]
    first, last = await details_of(session, w.customer)
    assert (first.coupon, first.amount_due) == (Decimal("0.0015"), Decimal("0"))
    assert (last.coupon, last.amount_due) == (Decimal("0.0085"), Decimal("-0.005"))
    charge = await charge_of(session, w.customer, DAY)
    assert (charge.coupon, charge.charged, charge.rated, charge.rounding) == (
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("-0.005"),
        Decimal("0.005"),
    )
    account = await reread(session, CustomerAccount, w.customer.id)
    assert (account.balance, account.arrears_since) == (Decimal("0.00"), None)
    assert await verify(session) == []
    await assert_books_balance(session)


async def test_a_coupon_paid_day_is_audited_with_its_coupons(session):
    # given
    w = await world(session)
    coupon = await make_coupon(session, w.customer, "100.00")

    # when
    await ingest(session, day_of(w.resource))

    # then the day's charge is audited even though the ledger charged nothing
    entry = (
        await session.execute(select(AuditEvent).where(AuditEvent.action == "consumption.charge"))
    ).scalar_one()
    assert entry.after["amount"] == "0.00"
    assert entry.after["coupon"] == "8.16"
    assert entry.after["coupons"] == {str(coupon.id): "8.16"}
