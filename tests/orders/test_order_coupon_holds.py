"""An order's coupons: held from its creation until its close time, used at its payment
(payOrders, the customer's payOrder), released by a cancel or a close; a refund gives back
cash only, never coupon value."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Coupon, Order
from app.models.coupons.enums import CouponStatus, CouponUsageSource
from app.services.orders.orders import close_unpaid_orders
from tests.factories import global_id
from tests.funds.helpers import platform, recharge
from tests.orders.coupon_helpers import make_coupon, order_with, reread, usages_of
from tests.orders.helpers import (
    CANCEL,
    PAY_OWN,
    act,
    allocatable,
    make_world,
    new_line,
    pay,
    resource_line,
)


@pytest.fixture
async def world(session):
    return await make_world(session)


async def test_paying_the_order_uses_its_coupon_and_the_partner_pays_the_rest(
    client, session, world
):
    # given an order of 180.00 with a 150.00 cash coupon
    coupon = await make_coupon(session, world.customer, value="150.00", balance="150.00")
    created = await order_with(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], [coupon]
    )
    order_id = created["order"]["id"]
    assert (await reread(session, coupon)).balance == Decimal("150.00")

    # when the partner pays
    paid = await pay(client, world.finance, [order_id])

    # then the partner pays 30.00 and the coupon its 150.00
    assert paid["userErrors"] == []
    (order,) = paid["orders"]
    assert order["status"] == "COMPLETED" and order["payments"][0]["amount"]["amount"] == "30.00"
    assert await allocatable(client, world.finance) == "9970.00"
    used = await reread(session, coupon)
    assert used.balance == Decimal("0.00") and used.status is CouponStatus.USED
    assert used.held_by_order_id is None and used.held_until is None
    (usage,) = await usages_of(session, coupon)
    assert usage.source is CouponUsageSource.ORDER and usage.amount == Decimal("150.00")


async def test_the_customer_paying_its_own_order_uses_the_coupon(client, session, world, referral):
    # given a customer's own order with an 80.00 coupon, and 500.00 of its own money
    customer, token = referral
    await recharge(session, world.partner, "500.00", customer=customer)
    coupon = await make_coupon(session, customer, value="80.00")
    created = await order_with(
        client, token, customer, [new_line(world.products["ecs"])], [coupon], own=True
    )
    assert created["userErrors"] == [] and created["order"]["amountDue"]["amount"] == "100.00"

    # when
    paid = await act(client, token, PAY_OWN, created["order"]["id"])

    # then
    assert paid["userErrors"] == [] and paid["order"]["status"] == "COMPLETED"
    (usage,) = await usages_of(session, coupon)
    assert usage.amount == Decimal("80.00")
    assert (await reread(session, coupon)).status is CouponStatus.USED


async def test_a_cancelled_order_releases_its_coupon_for_the_next_order(client, session, world):
    # given an unpaid order holding a coupon
    coupon = await make_coupon(session, world.customer, value="20")
    lines = [new_line(world.products["ecs"])]
    first = await order_with(client, world.sales, world.customer, lines, [coupon], key="a")

    # when it is cancelled
    cancelled = await act(client, world.sales, CANCEL, first["order"]["id"])

    # then the coupon is free, unused, and another order may hold it
    assert cancelled["userErrors"] == [] and cancelled["order"]["status"] == "CANCELLED"
    free = await reread(session, coupon)
    assert free.held_by_order_id is None and free.balance == Decimal("20.00")
    assert await usages_of(session, coupon) == []
    second = await order_with(client, world.sales, world.customer, lines, [coupon], key="b")
    assert second["userErrors"] == []


async def test_a_closed_order_lets_go_at_its_close_time_and_the_job_clears_the_hold(
    client, session, world, frozen_clock
):
    # given an unpaid order holding a coupon
    coupon = await make_coupon(session, world.customer, value="20")
    lines = [new_line(world.products["ecs"])]
    first = await order_with(client, world.sales, world.customer, lines, [coupon], key="a")
    assert first["userErrors"] == []

    # when its payment window passes, before the close job has run
    frozen_clock.advance(timedelta(hours=24))
    second = await order_with(client, world.sales, world.customer, lines, [coupon], key="b")

    # then the next order may hold it at once
    assert second["userErrors"] == [] and second["order"]["coupons"][0]["amount"] == {
        "amount": "20.00"
    }
    # the job closes the first order and leaves the second's hold alone
    other = await make_coupon(session, world.customer, value="5")
    third = await order_with(client, world.sales, world.customer, lines, [other], key="c")
    frozen_clock.advance(timedelta(hours=24))
    assert await close_unpaid_orders(platform(session)) == "3 unpaid orders closed"
    for row in (coupon, other):
        cleared = await reread(session, row)
        assert cleared.held_by_order_id is None and cleared.held_until is None
    assert third["userErrors"] == []


async def test_the_close_job_keeps_holds_of_orders_still_payable(
    client, session, world, frozen_clock
):
    old = await make_coupon(session, world.customer, value="20")
    fresh = await make_coupon(session, world.customer, value="20")
    lines = [new_line(world.products["ecs"])]
    await order_with(client, world.sales, world.customer, lines, [old], key="old")
    frozen_clock.advance(timedelta(hours=12))
    await order_with(client, world.sales, world.customer, lines, [fresh], key="fresh")
    frozen_clock.advance(timedelta(hours=12))

    assert await close_unpaid_orders(platform(session)) == "1 unpaid orders closed"

    assert (await reread(session, old)).held_by_order_id is None
    kept = await reread(session, fresh)
    open_order = await session.scalar(
        select(Order)
        .where(Order.id == kept.held_by_order_id)
        .execution_options(populate_existing=True)
    )
    assert open_order is not None and kept.held_until == open_order.close_at


async def test_a_held_coupon_still_pays_after_its_own_validity_ends(
    client, session, world, frozen_clock
):
    # given a coupon valid for 2 more hours, held by an order
    from app import clock

    coupon = await make_coupon(
        session, world.customer, value="30", valid_to=clock.now() + timedelta(hours=2)
    )
    created = await order_with(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], [coupon]
    )

    # when the order is paid 3 hours later (its price was fixed with the coupon)
    frozen_clock.advance(timedelta(hours=3))
    paid = await pay(client, world.finance, [created["order"]["id"]])

    # then
    assert paid["userErrors"] == []
    assert (await reread(session, coupon)).status is CouponStatus.USED


async def test_a_refund_gives_back_cash_only(client, session, world):
    # given a paid order: 180.00, 60.00 of it by a coupon
    coupon = await make_coupon(session, world.customer, value="60")
    created = await order_with(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], [coupon]
    )
    paid = await pay(client, world.finance, [created["order"]["id"]])
    resource_id = paid["orders"][0]["lines"][0]["resource"]["id"]
    assert await allocatable(client, world.finance) == "9880.00"

    # when it is unsubscribed within the full-refund days
    gone = await order_with(
        client, world.sales, world.customer, [resource_line("UNSUBSCRIBE", resource_id)],
        key="unsubscribe",
    )  # fmt: skip

    # then the partner gets back the 120.00 it paid; the coupon stays used
    assert gone["userErrors"] == []
    assert gone["order"]["refundAmount"]["amount"] == "120.00"
    assert await allocatable(client, world.finance) == "10000.00"
    used = await reread(session, coupon)
    assert used.balance == Decimal("0.00") and used.status is CouponStatus.USED
    assert len(await usages_of(session, coupon)) == 1


async def test_a_payment_refuses_a_coupon_the_order_no_longer_holds(client, session, world):
    # given an order whose coupon lost its hold (a rule skipped elsewhere)
    coupon = await make_coupon(session, world.customer, value="30")
    created = await order_with(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], [coupon]
    )
    row = await session.get(Coupon, (coupon.partner_id, coupon.id))
    row.held_by_order_id = None
    await session.flush()

    # when
    paid = await pay(client, world.finance, [created["order"]["id"]])

    # then nothing is paid
    assert [(e["code"], e["field"]) for e in paid["userErrors"]] == [
        ("INVALID_STATE", ["input", "orderIds", "0"])
    ]
    assert await allocatable(client, world.finance) == "10000.00"
    assert await usages_of(session, coupon) == []
    assert global_id("Coupon", coupon.id) in paid["userErrors"][0]["message"]
