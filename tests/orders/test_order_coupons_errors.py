"""Every refusal of a named coupon, each with its own userError at ["input", "couponIds", i],
the same from orderQuote and createProxyOrder; a refused order writes and holds nothing."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.models import Order
from app.models.coupons.enums import CouponStatus
from tests.factories import global_id, make_customer, make_partner
from tests.orders.coupon_helpers import (
    errors,
    make_coupon,
    order_with,
    quote,
    reread,
    share_count,
)
from tests.orders.helpers import make_world, new_line


@pytest.fixture
async def world(session):
    return await make_world(session)


KEYS = itertools.count()


async def refused_both_ways(client, session, world, coupons, lines=None) -> list:
    """The quote's refusals, checked to be the order's too, with nothing written.

    An order naming ids that resolve to nothing is refused with those NOT_FOUNDs alone,
    before it runs (storing no idempotency key); the quote reports every refusal at once."""
    lines = lines or [new_line(world.products["ecs"])]
    quoted = await quote(client, world.sales, world.customer, lines, coupons)
    key = f"refused-{next(KEYS)}"
    created = await order_with(client, world.sales, world.customer, lines, coupons, key=key)
    assert quoted["quote"] is None and created["order"] is None
    unknown = [e for e in errors(quoted["userErrors"]) if e[0] == "NOT_FOUND"]
    assert errors(created["userErrors"]) == (unknown or errors(quoted["userErrors"]))
    assert await session.scalar(select(func.count()).select_from(Order)) == 0
    assert await share_count(session) == 0
    return quoted["userErrors"]


async def test_coupons_that_are_not_the_customers_are_not_found(client, session, world):
    # given a coupon of another customer of the partner, one of another partner's customer,
    # a missing id, another type's id and a malformed one
    mine = await make_coupon(session, world.customer)
    neighbour = await make_coupon(session, await make_customer(session, world.partner))
    stranger = await make_coupon(session, await make_customer(session, await make_partner(session)))
    ids = [
        mine,
        neighbour,
        stranger,
        global_id("Coupon", 999_999),
        global_id("Order", mine.id),
        "not-an-id",
    ]

    # when
    found = await refused_both_ways(client, session, world, ids)

    # then each unknown one has its own NOT_FOUND, the customer's own passes
    assert errors(found) == [("NOT_FOUND", ["input", "couponIds", str(i)]) for i in range(1, 6)]
    assert (await reread(session, mine)).held_by_order_id is None


async def test_a_repeated_coupon_and_too_many_of_a_kind(client, session, world):
    # given two discount coupons, four cash coupons, one named twice
    d1, d2 = [
        await make_coupon(session, world.customer, kind="DISCOUNT", value="10") for _ in range(2)
    ]
    cash = [await make_coupon(session, world.customer, value="1") for _ in range(4)]

    # when
    found = await refused_both_ways(client, session, world, [d1, cash[0], cash[0], d2, *cash[1:]])

    # then the repeat, the second discount and the fourth cash coupon are refused
    assert errors(found) == [
        ("INVALID_INPUT", ["input", "couponIds", "2"]),
        ("INVALID_INPUT", ["input", "couponIds", "3"]),
        ("INVALID_INPUT", ["input", "couponIds", "6"]),
    ]
    assert "at most 1 DISCOUNT and 3 CASH" in found[1]["message"]


async def test_more_than_ten_ids_are_refused_as_a_whole(client, session, world):
    coupon = await make_coupon(session, world.customer)
    found = await refused_both_ways(client, session, world, [coupon] * 11)
    assert errors(found) == [("INVALID_INPUT", ["input", "couponIds"])]


async def test_coupons_that_cannot_pay_now(client, session, world):
    # given a used, a reclaimed, an expired (by the clock), a stored-EXPIRED and a
    # not-yet-valid coupon
    now = clock.now()
    used = await make_coupon(session, world.customer, value="10", balance="0")
    reclaimed = await make_coupon(session, world.customer, status=CouponStatus.RECLAIMED)
    lapsed = await make_coupon(
        session, world.customer, valid_from=now - timedelta(days=9), valid_to=now
    )
    expired = await make_coupon(session, world.customer, status=CouponStatus.EXPIRED)
    early = await make_coupon(session, world.customer, valid_from=now + timedelta(hours=1))

    # when
    found = await refused_both_ways(
        client, session, world, [used, reclaimed, lapsed, expired, early]
    )

    # then
    assert errors(found) == [("INVALID_STATE", ["input", "couponIds", str(i)]) for i in range(5)]
    assert [e["message"].split(" is ")[1] for e in found[:4]] == [
        "USED.", "RECLAIMED.", "EXPIRED.", "EXPIRED."
    ]  # fmt: skip
    assert "not now" in found[4]["message"]


async def test_a_coupon_held_by_another_unpaid_order(client, session, world):
    # given an unpaid order holding the coupon
    coupon = await make_coupon(session, world.customer, value="10")
    lines = [new_line(world.products["ecs"])]
    first = await order_with(client, world.sales, world.customer, lines, [coupon], key="first")
    assert first["userErrors"] == []

    # when another order names it
    quoted = await quote(client, world.sales, world.customer, lines, [coupon])
    second = await order_with(client, world.sales, world.customer, lines, [coupon], key="second")

    # then
    assert errors(quoted["userErrors"]) == [("COUPON_HELD", ["input", "couponIds", "0"])]
    assert errors(second["userErrors"]) == errors(quoted["userErrors"])
    assert await session.scalar(select(func.count()).select_from(Order)) == 1


async def test_a_coupon_of_other_service_types(client, session, world):
    coupon = await make_coupon(session, world.customer, service_types=("RDS", "OBS"))
    found = await refused_both_ways(client, session, world, [coupon])
    assert errors(found) == [("COUPON_NOT_APPLICABLE", ["input", "couponIds", "0"])]
    assert "RDS, OBS" in found[0]["message"]


async def test_a_coupon_with_nothing_left_to_deduct(client, session, world):
    # given an on-demand line (nothing due at order time), and a second coupon after one that
    # already pays the whole order
    coupon = await make_coupon(session, world.customer)
    on_demand = [{"kind": "NEW", "productId": global_id("Product", world.products["ecs_od"])}]
    found = await refused_both_ways(client, session, world, [coupon], on_demand)
    assert errors(found) == [("COUPON_NOT_APPLICABLE", ["input", "couponIds", "0"])]

    big = await make_coupon(session, world.customer, value="500")
    extra = await make_coupon(session, world.customer, value="5")
    found = await refused_both_ways(client, session, world, [extra, big])
    assert errors(found) == [("COUPON_NOT_APPLICABLE", ["input", "couponIds", "0"])]
    assert "nothing left to deduct" in found[0]["message"]


async def test_every_refusal_is_reported_at_once(client, session, world):
    used = await make_coupon(session, world.customer, value="10", balance="0")
    other = await make_coupon(session, world.customer, service_types=("RDS",))
    good = await make_coupon(session, world.customer)
    found = await refused_both_ways(client, session, world, [used, good, other, "bad"])
    assert errors(found) == [
        ("NOT_FOUND", ["input", "couponIds", "3"]),
        ("INVALID_STATE", ["input", "couponIds", "0"]),
        ("COUPON_NOT_APPLICABLE", ["input", "couponIds", "2"]),
    ]
    assert (await reread(session, good)).held_by_order_id is None
    # without the unknown id, the order reports the business refusals (and stores them)
    found = await refused_both_ways(client, session, world, [used, good, other])
    assert [e["code"] for e in found] == ["INVALID_STATE", "COUPON_NOT_APPLICABLE"]


async def test_a_bad_line_is_reported_before_coupons_are_judged(client, session, world):
    coupon = await make_coupon(session, world.customer)
    lines = [new_line(world.products["ecs"], count=99)]
    quoted = await quote(client, world.sales, world.customer, lines, [coupon])
    assert errors(quoted["userErrors"]) == [
        ("INVALID_INPUT", ["input", "lines", "0", "period", "count"])
    ]
