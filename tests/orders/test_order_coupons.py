"""Coupons at order time (orderQuote, createProxyOrder): DISCOUNT first, then CASH by earliest
expiry, each on what is left of the lines of its service types, split over them in proportion
(the remainder on the last line), never below zero; the quote and the order agree to the cent,
and the order holds its coupons until it is paid."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.models import Order, OrderCoupon
from app.models.coupons.enums import CouponStatus, CouponUsageSource
from tests.orders.coupon_helpers import (
    cid,
    make_coupon,
    order_with,
    quote,
    reread,
    share_count,
    usages_of,
)
from tests.orders.helpers import make_world, new_line, product_id


@pytest.fixture
async def world(session):
    return await make_world(session)


def amounts(entries) -> list[str]:
    return [e["amount"]["amount"] for e in entries]


def shares(coupon: dict) -> list[tuple[int, str]]:
    return [(s["lineNumber"], s["amount"]["amount"]) for s in coupon["shares"]]


def same_numbers(quoted: dict, order: dict) -> None:
    """The quote and the order agree to the cent: totals, lines, each coupon's shares."""
    assert quoted["amountDue"]["amount"] == order["amountDue"]["amount"]
    assert quoted["couponAmount"]["amount"] == order["couponAmount"]["amount"]
    assert [line["amountDue"]["amount"]["amount"] for line in quoted["lines"]] == [
        line["amountDue"]["amount"] for line in order["lines"]
    ]
    assert [(c["couponId"], c["position"], c["amount"], shares(c)) for c in quoted["coupons"]] == [
        (c["couponId"], c["position"], c["amount"], shares(c)) for c in order["coupons"]
    ]


async def test_a_cash_coupon_deducts_its_face_value_and_is_held(client, session, world):
    # given a 100.00 cash coupon and a 180.00 line
    coupon = await make_coupon(session, world.customer, value="100.00")
    lines = [new_line(world.products["ecs"])]

    # when
    quoted = await quote(client, world.sales, world.customer, lines, [coupon])
    created = await order_with(client, world.sales, world.customer, lines, [coupon])

    # then
    assert quoted["userErrors"] == [] and created["userErrors"] == []
    q, order = quoted["quote"], created["order"]
    assert q["amountDue"]["amount"] == "80.00" and q["couponAmount"]["amount"] == "100.00"
    (applied,) = q["coupons"]
    assert applied["couponId"] == cid(coupon) and applied["rule"].startswith("CASH_COUPON")
    assert shares(applied) == [(1, "100.00")]
    assert q["lines"][0]["couponDeductions"][0]["rule"].startswith("CASH_COUPON")
    same_numbers(q, order)
    assert order["status"] == "PENDING_PAYMENT"
    held = await reread(session, coupon)
    stored = await session.scalar(select(Order).execution_options(populate_existing=True))
    assert held.held_by_order_id == stored.id and held.held_until == stored.close_at
    assert held.balance == Decimal("100.00")  # used at payment, not before
    assert await usages_of(session, coupon) == []
    rows = (await session.execute(select(OrderCoupon))).scalars().all()
    assert [(r.coupon_id, r.position, r.amount) for r in rows] == [
        (coupon.id, 0, Decimal("100.00"))
    ]


async def test_discount_first_then_cash_split_over_lines_with_the_remainder_last(
    client, session, world
):
    # given an ECS line (180.00) and an EVS line (100.00), a 15 % discount coupon and a
    # 100.00 cash coupon named cash first
    discount = await make_coupon(
        session, world.customer, kind="DISCOUNT", rate="0.85", value="1000"
    )
    cash = await make_coupon(session, world.customer, value="100.00")
    lines = [new_line(world.products["ecs"]), new_line(world.products["evs"])]

    # when
    quoted = await quote(client, world.sales, world.customer, lines, [cash, discount])
    created = await order_with(client, world.sales, world.customer, lines, [cash, discount])

    # then the discount takes 0.15 x 280 = 42.00 (27.00 + 15.00), the cash coupon 100.00 of
    # the 238.00 left: 153/238 x 100 = 64.29 on the first line, the remainder 35.71 on the last
    q = quoted["quote"]
    first, second = q["coupons"]
    assert (first["couponId"], first["position"], first["amount"]["amount"]) == (
        cid(discount), 0, "42.00"
    )  # fmt: skip
    assert shares(first) == [(1, "27.00"), (2, "15.00")]
    assert (second["couponId"], second["position"], second["amount"]["amount"]) == (
        cid(cash), 1, "100.00"
    )  # fmt: skip
    assert shares(second) == [(1, "64.29"), (2, "35.71")]
    assert [line["amountDue"]["amount"]["amount"] for line in q["lines"]] == ["88.71", "49.29"]
    assert q["amountDue"]["amount"] == "138.00" and q["couponAmount"]["amount"] == "142.00"
    assert [r["rule"].split(" ")[0] for r in q["lines"][0]["couponDeductions"]] == [
        "DISCOUNT_COUPON", "CASH_COUPON"
    ]  # fmt: skip
    same_numbers(q, created["order"])
    assert [line["couponAmount"]["amount"] for line in created["order"]["lines"]] == [
        "91.29", "50.71"
    ]  # fmt: skip
    assert await share_count(session) == 4


async def test_a_discount_is_capped_by_what_remains_of_its_cap(client, session, world):
    # given half off, capped at 30.00 of which 10.00 remain
    coupon = await make_coupon(
        session, world.customer, kind="DISCOUNT", rate="0.5", value="30.00", balance="10.00"
    )
    lines = [new_line(world.products["ecs"])]

    # when
    quoted = await quote(client, world.sales, world.customer, lines, [coupon])

    # then 90.00 would be off; the coupon deducts its remaining 10.00
    (applied,) = quoted["quote"]["coupons"]
    assert applied["amount"]["amount"] == "10.00"
    assert "capped at its balance 10.00" in applied["rule"]
    assert quoted["quote"]["amountDue"]["amount"] == "170.00"


async def test_a_discount_rounds_half_up_to_the_cent(client, session, world):
    # given 12.34 % off a 175.00 line: 21.595 -> 21.60
    coupon = await make_coupon(session, world.customer, kind="DISCOUNT", rate="0.8766", value="99")
    lines = [new_line(await product_id(session, "evs.sas-500gb.cn-north-4.ym"))]

    # when
    quoted = await quote(client, world.sales, world.customer, lines, [coupon])
    created = await order_with(client, world.sales, world.customer, lines, [coupon])

    # then
    assert quoted["quote"]["coupons"][0]["amount"]["amount"] == "21.60"
    assert quoted["quote"]["amountDue"]["amount"] == "153.40"
    same_numbers(quoted["quote"], created["order"])


async def test_coupons_never_take_the_order_below_zero_and_a_free_order_uses_them_at_once(
    client, session, world
):
    # given a 500.00 cash coupon and a 180.00 order
    coupon = await make_coupon(session, world.customer, value="500.00")
    lines = [new_line(world.products["ecs"])]

    # when
    created = await order_with(client, world.sales, world.customer, lines, [coupon])

    # then the coupon pays 180.00, the order completes at once and the coupon is used
    order = created["order"]
    assert order["amountDue"]["amount"] == "0.00" and order["couponAmount"]["amount"] == "180.00"
    assert order["status"] == "COMPLETED" and order["payer"] is None
    assert order["lines"][0]["resource"] is not None
    used = await reread(session, coupon)
    assert used.balance == Decimal("320.00") and used.status is CouponStatus.PARTIALLY_USED
    assert used.held_by_order_id is None and used.held_until is None
    (usage,) = await usages_of(session, coupon)
    assert usage.source is CouponUsageSource.ORDER and usage.amount == Decimal("180.00")
    stored = await session.scalar(select(Order).execution_options(populate_existing=True))
    assert usage.order_id == stored.id


async def test_three_cash_coupons_run_out_the_order_in_expiry_order(client, session, world):
    # given three cash coupons expiring in 30, 5 and 10 days; the order costs 180.00
    now = clock.now()
    late = await make_coupon(session, world.customer, value="100", valid_to=now + timedelta(30))
    soon = await make_coupon(session, world.customer, value="150", valid_to=now + timedelta(5))
    mid = await make_coupon(session, world.customer, value="20", valid_to=now + timedelta(10))
    lines = [new_line(world.products["ecs"])]

    # when
    quoted = await quote(client, world.sales, world.customer, lines, [late, soon, mid])
    created = await order_with(client, world.sales, world.customer, lines, [late, soon, mid])

    # then the one expiring first pays first; the last one pays what is left
    q = quoted["quote"]
    assert [(c["couponId"], c["amount"]["amount"]) for c in q["coupons"]] == [
        (cid(soon), "150.00"), (cid(mid), "20.00"), (cid(late), "10.00")
    ]  # fmt: skip
    same_numbers(q, created["order"])
    assert created["order"]["status"] == "COMPLETED"
    assert (await reread(session, late)).balance == Decimal("90.00")
    assert (await reread(session, soon)).status is CouponStatus.USED


async def test_a_coupon_applies_to_the_lines_of_its_service_types_only(client, session, world):
    # given an ECS-only cash coupon and an EVS-only discount coupon on an ECS + EVS order
    cash = await make_coupon(session, world.customer, value="50", service_types=("ECS",))
    discount = await make_coupon(
        session, world.customer, kind="DISCOUNT", rate="0.9", value="500", service_types=("EVS",)
    )
    lines = [new_line(world.products["ecs"]), new_line(world.products["evs"])]

    # when
    quoted = await quote(client, world.sales, world.customer, lines, [cash, discount])
    created = await order_with(client, world.sales, world.customer, lines, [cash, discount])

    # then the discount takes 10.00 off the EVS line, the cash coupon 50.00 off the ECS line
    q = quoted["quote"]
    assert [shares(c) for c in q["coupons"]] == [[(2, "10.00")], [(1, "50.00")]]
    assert [line["amountDue"]["amount"]["amount"] for line in q["lines"]] == ["130.00", "90.00"]
    same_numbers(q, created["order"])


async def test_the_minimum_counts_the_lines_the_coupon_applies_to(client, session, world):
    # given an ECS-only coupon needing 300.00, on 2 ECS months (360.00) and an EVS line
    coupon = await make_coupon(
        session, world.customer, value="30", service_types=("ECS",), minimum="300.00"
    )
    enough = [new_line(world.products["ecs"], count=2), new_line(world.products["evs"])]
    short = [new_line(world.products["ecs"]), new_line(world.products["evs"], count=3)]

    # when
    met = await quote(client, world.sales, world.customer, enough, [coupon])
    missed = await quote(client, world.sales, world.customer, short, [coupon])

    # then 360.00 on ECS reaches it; 180.00 on ECS does not (the EVS 300.00 doesn't count)
    assert met["userErrors"] == [] and met["quote"]["amountDue"]["amount"] == "430.00"
    assert [(e["code"], e["field"]) for e in missed["userErrors"]] == [
        ("COUPON_NOT_APPLICABLE", ["input", "couponIds", "0"])
    ]
    assert "needs 300.00" in missed["userErrors"][0]["message"]


async def test_the_minimum_is_after_discounts_before_coupons(client, session, world):
    # given a coupon needing 1836.00: a year of ECS lists 2160.00 but costs 1836.00
    coupon = await make_coupon(session, world.customer, value="10", minimum="1836.00")
    higher = await make_coupon(session, world.customer, value="10", minimum="1836.01")
    lines = [new_line(world.products["ecs"], unit="YEAR")]

    reached = await quote(client, world.sales, world.customer, lines, [coupon])
    missed = await quote(client, world.sales, world.customer, lines, [higher])

    assert reached["userErrors"] == []
    assert [e["code"] for e in missed["userErrors"]] == ["COUPON_NOT_APPLICABLE"]


async def test_an_order_without_coupons_has_no_coupon_steps(client, session, world):
    created = await order_with(
        client, world.sales, world.customer, [new_line(world.products["ecs"])]
    )
    order = created["order"]
    assert order["coupons"] == [] and order["couponAmount"]["amount"] == "0.00"
    assert not any("COUPON" in rule for rule in order["lines"][0]["pricingRules"])
