"""Pickup vouchers (提货券) on order lines: one unit of a line of the voucher's product costs
nothing for up to the voucher's period (a longer period pays the rest), before any coupon;
held at creation, REDEEMED at payment (or at once when nothing is due), released by a cancel;
and every refusal at ["input", "lines", i, "pickupVoucherId"]."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import ConsumptionDetail, Order, OrderLine
from app.models.coupons.enums import PickupVoucherStatus
from tests.factories import global_id, make_customer, make_partner
from tests.orders.coupon_helpers import (
    errors,
    make_coupon,
    make_voucher,
    order_with,
    quote,
    reread,
    vid,
)
from tests.orders.helpers import CANCEL, act, make_world, new_line, pay, resource_line


@pytest.fixture
async def world(session):
    return await make_world(session)


def with_voucher(line: dict, voucher) -> dict:
    return {**line, "pickupVoucherId": vid(voucher) if not isinstance(voucher, str) else voucher}


async def test_a_line_within_the_vouchers_period_is_free_and_redeemed_at_once(
    client, session, world
):
    # given a one-year voucher for ECS and a six-month ECS line
    voucher = await make_voucher(session, world.customer, world.products["ecs"], unit="YEAR")
    lines = [with_voucher(new_line(world.products["ecs"], count=6), voucher)]

    # when
    quoted = await quote(client, world.sales, world.customer, lines)
    created = await order_with(client, world.sales, world.customer, lines)

    # then the line costs nothing, the order completes and the voucher is redeemed by it
    q = quoted["quote"]
    assert q["amountDue"]["amount"] == "0.00" and q["couponAmount"]["amount"] == "1080.00"
    (deduction,) = q["lines"][0]["couponDeductions"]
    assert deduction["rule"].startswith("PICKUP_VOUCHER") and q["lines"][0]["pickupVoucherId"] == (
        vid(voucher)
    )
    order = created["order"]
    assert order["status"] == "COMPLETED" and order["amountDue"]["amount"] == "0.00"
    assert order["lines"][0]["pickupVoucherId"] == vid(voucher)
    redeemed = await reread(session, voucher)
    line = await session.scalar(select(OrderLine))
    assert redeemed.status is PickupVoucherStatus.REDEEMED
    assert (redeemed.redeemed_order_id, redeemed.redeemed_order_line_id) == (
        line.order_id, line.id
    )  # fmt: skip
    assert redeemed.redeemed_at == clock.now() and redeemed.held_by_order_id is None


@pytest.mark.parametrize(
    ("voucher_period", "line_period", "quantity", "due"),
    [
        (("YEAR", 1), ("YEAR", 1), 1, "0.00"),  # the same period: free
        (("YEAR", 1), ("YEAR", 2), 1, "1836.00"),  # 2 years (3672.00) less a year at 1836.00
        (("MONTH", 9), ("YEAR", 1), 1, "216.00"),  # a year (1836.00) less 9 months (1620.00)
        (("MONTH", 3), ("MONTH", 5), 1, "360.00"),  # 5 months less 3 months
        (("YEAR", 1), ("YEAR", 1), 3, "3672.00"),  # one unit of three is free
    ],
)
async def test_what_a_voucher_takes_off(
    client, session, world, voucher_period, line_period, quantity, due
):
    (v_unit, v_count), (l_unit, l_count) = voucher_period, line_period
    voucher = await make_voucher(
        session, world.customer, world.products["ecs"], unit=v_unit, count=v_count
    )
    line = new_line(world.products["ecs"], unit=l_unit, count=l_count, quantity=quantity)
    lines = [with_voucher(line, voucher)]

    quoted = await quote(client, world.sales, world.customer, lines)
    created = await order_with(client, world.sales, world.customer, lines)

    assert quoted["quote"]["amountDue"]["amount"] == due
    assert created["order"]["amountDue"]["amount"] == due


async def test_a_voucher_is_held_until_payment_then_redeemed(client, session, world):
    # given a two-year line with a one-year voucher (1836.00 left to pay)
    voucher = await make_voucher(session, world.customer, world.products["ecs"])
    lines = [with_voucher(new_line(world.products["ecs"], unit="YEAR", count=2), voucher)]
    created = await order_with(client, world.sales, world.customer, lines)
    order = await session.scalar(select(Order).execution_options(populate_existing=True))
    held = await reread(session, voucher)
    assert held.status is PickupVoucherStatus.AVAILABLE
    assert (held.held_by_order_id, held.held_until) == (order.id, order.close_at)

    # when
    paid = await pay(client, world.finance, [created["order"]["id"]])

    # then
    assert paid["userErrors"] == []
    redeemed = await reread(session, voucher)
    assert redeemed.status is PickupVoucherStatus.REDEEMED
    assert redeemed.redeemed_order_id == order.id and redeemed.held_by_order_id is None


async def test_coupons_apply_to_what_the_voucher_leaves(client, session, world):
    # given a 216.00 remainder after a nine-month voucher on a year, and a 100.00 coupon
    voucher = await make_voucher(
        session, world.customer, world.products["ecs"], unit="MONTH", count=9
    )
    coupon = await make_coupon(session, world.customer, value="100", minimum="200")
    lines = [with_voucher(new_line(world.products["ecs"], unit="YEAR"), voucher)]

    quoted = await quote(client, world.sales, world.customer, lines, [coupon])
    created = await order_with(client, world.sales, world.customer, lines, [coupon])

    assert quoted["quote"]["amountDue"]["amount"] == "116.00"
    assert [d["rule"].split(":")[0].split(" ")[0] for d in quoted["quote"]["lines"][0][
        "couponDeductions"
    ]] == ["PICKUP_VOUCHER", "CASH_COUPON"]  # fmt: skip
    assert created["order"]["amountDue"]["amount"] == "116.00"
    assert created["order"]["couponAmount"]["amount"] == "1720.00"


async def test_a_renewal_may_redeem_a_voucher_of_the_resources_product(client, session, world):
    # given a running ECS resource
    bought = await order_with(
        client, world.sales, world.customer, [new_line(world.products["ecs"])], key="buy"
    )
    paid = await pay(client, world.finance, [bought["order"]["id"]])
    resource_id = paid["orders"][0]["lines"][0]["resource"]["id"]
    voucher = await make_voucher(
        session, world.customer, world.products["ecs"], unit="MONTH", count=3
    )

    # when it is renewed for three months with a three-month voucher
    renew = with_voucher(
        resource_line("RENEW", resource_id, period={"unit": "MONTH", "count": 3}), voucher
    )
    created = await order_with(client, world.sales, world.customer, [renew], key="renew")

    # then
    assert created["userErrors"] == []
    assert created["order"]["status"] == "COMPLETED"
    assert (await reread(session, voucher)).status is PickupVoucherStatus.REDEEMED


async def test_a_cancelled_order_releases_its_voucher(client, session, world):
    voucher = await make_voucher(session, world.customer, world.products["ecs"])
    lines = [with_voucher(new_line(world.products["ecs"], unit="YEAR", count=2), voucher)]
    created = await order_with(client, world.sales, world.customer, lines, key="a")

    cancelled = await act(client, world.sales, CANCEL, created["order"]["id"])

    assert cancelled["userErrors"] == []
    free = await reread(session, voucher)
    assert free.held_by_order_id is None and free.status is PickupVoucherStatus.AVAILABLE
    again = await order_with(client, world.sales, world.customer, lines, key="b")
    assert again["userErrors"] == []


async def test_vouchers_that_are_not_the_customers_are_not_found(client, session, world):
    neighbour = await make_voucher(
        session, await make_customer(session, world.partner), world.products["ecs"]
    )
    stranger = await make_voucher(
        session,
        await make_customer(session, await make_partner(session)),
        world.products["ecs"],
    )
    lines = [
        with_voucher(new_line(world.products["ecs"]), neighbour),
        with_voucher(new_line(world.products["ecs"]), stranger),
        with_voucher(new_line(world.products["ecs"]), global_id("PickupVoucher", 999_999)),
        with_voucher(new_line(world.products["ecs"]), "nope"),
    ]

    quoted = await quote(client, world.sales, world.customer, lines)
    created = await order_with(client, world.sales, world.customer, lines)

    expected = [("NOT_FOUND", ["input", "lines", str(i), "pickupVoucherId"]) for i in range(4)]
    assert errors(quoted["userErrors"]) == expected
    assert errors(created["userErrors"]) == expected


async def test_every_voucher_refusal(client, session, world):
    # given vouchers: redeemed, expired, not yet valid, for EVS, one held by an unpaid order,
    # and one named on two lines; an on-demand line naming a good one
    now = clock.now()
    ecs = world.products["ecs"]
    redeemed = await make_voucher(session, world.customer, ecs, status=PickupVoucherStatus.REDEEMED)
    expired = await make_voucher(
        session, world.customer, ecs, valid_from=now - timedelta(days=9), valid_to=now
    )
    early = await make_voucher(session, world.customer, ecs, valid_from=now + timedelta(days=1))
    evs = await make_voucher(session, world.customer, world.products["evs"])
    held = await make_voucher(session, world.customer, ecs)
    first = await order_with(
        client, world.sales, world.customer,
        [with_voucher(new_line(ecs, unit="YEAR", count=2), held)], key="holder",
    )  # fmt: skip
    assert first["userErrors"] == []
    twice = await make_voucher(session, world.customer, ecs)
    on_demand = {"kind": "NEW", "productId": global_id("Product", world.products["ecs_od"])}
    lines = [
        with_voucher(new_line(ecs), redeemed),
        with_voucher(new_line(ecs), expired),
        with_voucher(new_line(ecs), early),
        with_voucher(new_line(ecs), evs),
        with_voucher(new_line(ecs), held),
        with_voucher(new_line(ecs), twice),
        with_voucher(new_line(ecs), twice),
        with_voucher(on_demand, await make_voucher(session, world.customer, ecs)),
    ]

    # when
    quoted = await quote(client, world.sales, world.customer, lines)
    created = await order_with(client, world.sales, world.customer, lines, key="refused")

    # then
    field = ["input", "lines", "{}", "pickupVoucherId"]
    expected = [
        (code, [p.format(i) for p in field])
        for i, code in enumerate(
            [
                "INVALID_STATE",
                "INVALID_STATE",
                "INVALID_STATE",
                "COUPON_NOT_APPLICABLE",
                "COUPON_HELD",
            ]
        )
    ] + [
        ("INVALID_INPUT", ["input", "lines", "6", "pickupVoucherId"]),
        ("INVALID_INPUT", ["input", "lines", "7", "pickupVoucherId"]),
    ]
    assert errors(quoted["userErrors"]) == expected
    assert errors(created["userErrors"]) == expected
    assert await session.scalar(select(func.count()).select_from(Order)) == 1
    assert (await reread(session, twice)).held_by_order_id is None


async def test_a_free_line_is_in_the_consumption_with_what_the_voucher_paid(client, session, world):
    # given a line a voucher pays in full (the order completes at creation, nothing paid)
    voucher = await make_voucher(session, world.customer, world.products["ecs"], unit="YEAR")
    lines = [with_voucher(new_line(world.products["ecs"], count=6), voucher)]

    # when
    created = await order_with(client, world.sales, world.customer, lines)

    # then the purchase is a prepaid consumption line: its list amount paid by the voucher
    assert created["order"]["status"] == "COMPLETED"
    (detail,) = (
        await session.scalars(
            select(ConsumptionDetail).where(ConsumptionDetail.partner_id == world.partner.id)
        )
    ).all()
    assert detail.list_amount == detail.coupon == Decimal("1080.00")
    assert detail.amount_due == detail.cash_paid == 0
